import type { Session, User } from './types.ts';

/**
 * The signed-in session, kept in localStorage so that a reload (or another tab) keeps it.
 * A tiny external store: React reads it with useSyncExternalStore (see auth.tsx), the API
 * client reads the token directly.
 */
const KEY = 'flashmob.session';

type Listener = () => void;
const listeners = new Set<Listener>();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    return typeof parsed.token === 'string' && parsed.user ? (parsed as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = read();

function emit(): void {
  for (const l of listeners) l();
}

export const session = {
  get(): Session | null {
    return current;
  },
  token(): string | undefined {
    return current?.token;
  },
  set(next: Session | null): void {
    current = next;
    try {
      if (next) localStorage.setItem(KEY, JSON.stringify(next));
      else localStorage.removeItem(KEY);
    } catch {
      // private mode: the session lives as long as the tab
    }
    emit();
  },
  updateUser(user: User): void {
    if (!current) return;
    session.set({ ...current, user });
  },
  subscribe(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

// Signing in or out in another tab applies here too.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== KEY) return;
    current = read();
    emit();
  });
}

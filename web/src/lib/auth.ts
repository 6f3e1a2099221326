import { useSyncExternalStore } from 'react';
import { ApiError, api } from './api.ts';
import { session } from './session.ts';
import type { Session, User } from './types.ts';

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.get);
}

export function useUser(): User | null {
  return useSession()?.user ?? null;
}

export const isHost = (u: User | null | undefined) => u?.role === 'host' || u?.role === 'admin';

export const auth = {
  async signIn(email: string, password: string): Promise<User> {
    const s = await api.login({ email, password });
    session.set(s);
    return s.user;
  },
  async signUp(name: string, email: string, password: string): Promise<User> {
    const s = await api.register({ name, email, password });
    session.set(s);
    return s.user;
  },
  async guest(): Promise<User> {
    const s = await api.guest();
    session.set(s);
    return s.user;
  },
  signOut(): void {
    session.set(null);
  },
  /** At start: the stored token may have expired, or the role changed. */
  async refresh(): Promise<void> {
    if (!session.token()) return;
    try {
      session.updateUser(await api.me());
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.code === 'not_found')) session.set(null);
    }
  },
};

import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import '../components/ui.css';

export type Tone = 'info' | 'success' | 'warning' | 'danger';

export interface Toast {
  readonly id: number;
  readonly title: string;
  readonly detail?: string | undefined;
  readonly tone: Tone;
  readonly action?: { label: string; onClick: () => void } | undefined;
}

type Notify = (t: Omit<Toast, 'id' | 'tone'> & { tone?: Tone; ms?: number }) => void;

const ToastContext = createContext<{ notify: Notify; toasts: Toast[]; dismiss: (id: number) => void } | null>(
  null,
);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const notify = useCallback<Notify>(
    ({ ms = 6000, tone = 'info', ...t }) => {
      const id = next.current++;
      setToasts((ts) => [...ts.slice(-3), { ...t, tone, id }]);
      setTimeout(() => dismiss(id), ms);
    },
    [dismiss],
  );
  const value = useMemo(() => ({ notify, toasts, dismiss }), [notify, toasts, dismiss]);
  return <ToastContext.Provider value={value}>{children}</ToastContext.Provider>;
}

export function useToasts() {
  const v = useContext(ToastContext);
  if (!v) throw new Error('useToasts outside ToastProvider');
  return v;
}

/** Polite live region: screen readers hear each toast once; nothing steals focus. */
export function ToastRegion() {
  const { toasts, dismiss } = useToasts();
  return (
    <section className="toasts" aria-live="polite" aria-label="Notifications">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast--${t.tone}`} role="status" data-testid="toast">
          <div className="toast__body">
            <strong>{t.title}</strong>
            {t.detail ? <span>{t.detail}</span> : null}
          </div>
          {t.action ? (
            <button
              type="button"
              className="btn btn--small btn--ghost"
              onClick={() => {
                t.action?.onClick();
                dismiss(t.id);
              }}
            >
              {t.action.label}
            </button>
          ) : null}
          <button type="button" className="toast__close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}

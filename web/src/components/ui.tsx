// The global styles load with the primitives every page uses, before any component's own
// stylesheet (main.tsx imports them first too): this keeps them first in the CSS bundle.
import '../styles/base.css';
import '../styles/layout.css';
import '../styles/controls.css';
import '../styles/components.css';
import '../styles/motion.css';
import {
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  useEffect,
  useId,
  useRef,
} from 'react';
import type { Friendly } from '../lib/problems.ts';
import type { SaleStatus } from '../lib/types.ts';
import { MinusIcon, PlusIcon } from './Icons.tsx';
import './ui.css';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  readonly variant?: 'primary' | 'secondary' | 'ghost' | 'danger';
  readonly size?: 'small' | 'large';
  readonly loading?: boolean;
  readonly block?: boolean;
};

/** A button with a loading state that keeps its width and tells assistive tech it is busy. */
export function Button({
  variant = 'primary',
  size,
  loading,
  block,
  className,
  children,
  disabled,
  type = 'button',
  ...rest
}: ButtonProps) {
  const cls = [
    'btn',
    `btn--${variant}`,
    size ? `btn--${size}` : '',
    block ? 'btn--block' : '',
    className ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type={type}
      className={cls}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...rest}
    >
      {loading ? <span className="btn__spinner" aria-hidden="true" /> : null}
      <span className="btn__label">{children}</span>
    </button>
  );
}

const STATUS_LABEL: Record<SaleStatus, string> = {
  live: 'Live',
  scheduled: 'Upcoming',
  sold_out: 'Sold out',
  ended: 'Ended',
};

export function StatusPill({ status }: { status: SaleStatus }) {
  return (
    <span className={`pill pill--${status}`} data-testid="sale-status" data-status={status}>
      {status === 'live' ? <span className="pill__dot" aria-hidden="true" /> : null}
      {STATUS_LABEL[status]}
    </span>
  );
}

export function QuantityPicker({
  value,
  max,
  onChange,
  disabled,
  label = 'Quantity',
}: {
  value: number;
  max: number;
  onChange: (n: number) => void;
  disabled?: boolean;
  label?: string;
}) {
  const id = useId();
  const top = Math.max(1, max);
  return (
    <div className="qty" data-testid="quantity">
      <span className="qty__label" id={id} aria-hidden="true">
        {label}
      </span>
      <fieldset className="qty__controls">
        <legend className="sr-only">{label}</legend>
        <button
          type="button"
          className="qty__btn"
          aria-label="One fewer"
          disabled={disabled || value <= 1}
          onClick={() => onChange(Math.max(1, value - 1))}
        >
          <MinusIcon size={16} />
        </button>
        <output className="qty__value" aria-live="polite" data-testid="quantity-value">
          {value}
        </output>
        <button
          type="button"
          className="qty__btn"
          aria-label="One more"
          disabled={disabled || value >= top}
          onClick={() => onChange(Math.min(top, value + 1))}
        >
          <PlusIcon size={16} />
        </button>
      </fieldset>
    </div>
  );
}

export function Field({
  label,
  error,
  hint,
  children,
  id,
}: {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  id: string;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {children}
      {hint && !error ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & {
  readonly label: ReactNode;
  readonly error?: string | undefined;
  readonly hint?: ReactNode;
};

/** A labelled input wired to its hint and error for assistive tech. */
export function TextField({ label, error, hint, id: given, className, ...rest }: InputProps) {
  const auto = useId();
  const id = given ?? auto;
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <Field label={label} error={error} hint={hint} id={id}>
      <input
        id={id}
        className={`input ${className ?? ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...rest}
      />
    </Field>
  );
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & {
  readonly label: ReactNode;
  readonly error?: string | undefined;
  readonly hint?: ReactNode;
};

export function SelectField({ label, error, hint, id: given, className, children, ...rest }: SelectProps) {
  const auto = useId();
  const id = given ?? auto;
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <Field label={label} error={error} hint={hint} id={id}>
      <select
        id={id}
        className={`input select ${className ?? ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...rest}
      >
        {children}
      </select>
    </Field>
  );
}

/** A friendly refusal or error; `role=alert` so it is announced when it appears. */
export function Notice({
  tone = 'danger',
  title,
  children,
  testId,
}: {
  tone?: 'danger' | 'warning' | 'success' | 'info';
  title: ReactNode;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div
      className={`notice notice--${tone}`}
      role={tone === 'danger' || tone === 'warning' ? 'alert' : 'status'}
      data-testid={testId}
    >
      <strong className="notice__title">{title}</strong>
      {children ? <div className="notice__body">{children}</div> : null}
    </div>
  );
}

export function ProblemNotice({ problem, testId }: { problem: Friendly; testId?: string }) {
  return (
    <div
      className={`notice notice--${problem.code === 'not_sold_out' ? 'success' : 'danger'}`}
      role="alert"
      data-testid={testId}
      data-code={problem.code}
    >
      <strong className="notice__title">{problem.title}</strong>
      {problem.detail ? <div className="notice__body">{problem.detail}</div> : null}
    </div>
  );
}

/** A modal on the native <dialog>: focus moves in and is trapped, Escape closes, focus returns. */
export function Modal({
  open,
  onClose,
  title,
  children,
  testId,
  dismissible = true,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  testId?: string;
  dismissible?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        if (dismissible) onClose();
      }}
    >
      {open ? (
        <div className="modal__panel">
          <div className="modal__head">
            <h2 id={titleId}>{title}</h2>
            {dismissible ? (
              <button type="button" className="modal__close" aria-label="Close" onClick={onClose}>
                ×
              </button>
            ) : null}
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

export function EmptyState({
  title,
  children,
  art,
}: {
  title: string;
  children?: ReactNode;
  art?: ReactNode;
}) {
  return (
    <div className="empty">
      {art ? <div className="empty__art">{art}</div> : null}
      <h2 className="empty__title">{title}</h2>
      {children ? <div className="empty__body">{children}</div> : null}
    </div>
  );
}

export function Skeleton({ lines = 3, tall }: { lines?: number; tall?: boolean }) {
  return (
    <div className="skeleton" aria-hidden="true">
      {tall ? <div className="skeleton__block" /> : null}
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <div key={i} className="skeleton__line" style={{ width: `${90 - i * 17}%` }} />
      ))}
    </div>
  );
}

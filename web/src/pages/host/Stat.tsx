import './SaleDashboard.css';
/** One figure of a host's dashboard: a label (a live dot when it moves by itself), the value, a note. */
export function Stat({
  label,
  value,
  sub,
  testId,
  live,
}: {
  label: string;
  value: string;
  sub?: string | undefined;
  testId: string;
  live?: boolean;
}) {
  return (
    <div className="stat" data-testid={testId}>
      <p className="stat__label">
        {live ? <span className="live-dot" aria-hidden="true" /> : null}
        {label}
      </p>
      <p className="stat__value">{value}</p>
      {sub ? <p className="stat__sub">{sub}</p> : null}
    </div>
  );
}

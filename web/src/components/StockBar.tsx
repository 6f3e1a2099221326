import { useEffect, useRef, useState } from 'react';
import { isLow } from '../lib/format.ts';
import './StockBar.css';

export interface StockBarProps {
  readonly remaining: number;
  readonly stock: number;
  readonly testId?: string;
  readonly compact?: boolean;
}

/** Units left as a bar that drains live; "Only N left!" near the end, SOLD OUT at zero. */
export function StockBar({ remaining, stock, testId, compact }: StockBarProps) {
  const pct = stock > 0 ? Math.max(0, Math.min(100, (remaining / stock) * 100)) : 0;
  const low = isLow(remaining, stock);
  const soldOut = remaining <= 0;
  const [bump, setBump] = useState(false);
  const prev = useRef(remaining);
  useEffect(() => {
    if (remaining === prev.current) return;
    prev.current = remaining;
    setBump(true);
    const t = setTimeout(() => setBump(false), 600);
    return () => clearTimeout(t);
  }, [remaining]);

  const label = soldOut ? 'Sold out' : low ? `Only ${remaining} left!` : `${remaining} of ${stock} left`;
  return (
    <div
      className={`stock${low ? ' is-low' : ''}${soldOut ? ' is-out' : ''}${compact ? ' stock--compact' : ''}`}
      data-testid={testId}
      data-remaining={remaining}
    >
      <div className="stock__label">
        <span className={`stock__count${bump ? ' is-bump' : ''}`}>{soldOut ? 'SOLD OUT' : label}</span>
        {!compact && !soldOut ? <span className="stock__pct">{Math.round(pct)}%</span> : null}
      </div>
      <div
        className="stock__track"
        role="progressbar"
        aria-label="Stock left"
        aria-valuemin={0}
        aria-valuemax={stock}
        aria-valuenow={Math.max(0, remaining)}
        aria-valuetext={label}
      >
        <div className="stock__fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

import { useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { CheckIcon } from '../../components/Icons.tsx';
import { Button, ProblemNotice } from '../../components/ui.tsx';
import { type Hold, itemTitle, useHolds } from '../../lib/holds.tsx';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { navigate } from '../../lib/router.tsx';
import '../SalePage.css';

/** A unit this buyer holds: the hold's timer, Checkout and Release. */
export function HoldCard({ hold }: { hold: Hold }) {
  const { release } = useHolds();
  const [busy, setBusy] = useState(false);
  const [expired, setExpired] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  return (
    <div className={`hold${expired ? ' is-expired' : ''}`} data-testid="hold" data-reservation={hold.id}>
      <div className="hold__head">
        <span className="hold__icon" aria-hidden="true">
          <CheckIcon size={18} />
        </span>
        <div>
          <p className="hold__title">{expired ? 'Hold expired' : "Secured! It's yours for"}</p>
          <p className="hold__what">
            {itemTitle(hold.sku)} × {hold.quantity}
          </p>
        </div>
        <Countdown
          to={hold.expiresAt}
          format="clock"
          className="hold__timer"
          testId="hold-timer"
          label="Time left to check out"
          onDone={() => setExpired(true)}
        />
      </div>
      {problem ? <ProblemNotice problem={problem} /> : null}
      {expired ? null : (
        <div className="hold__actions">
          <Button size="large" onClick={() => navigate('/checkout')} data-testid="hold-checkout">
            Checkout
          </Button>
          <Button
            variant="ghost"
            loading={busy}
            data-testid="hold-release"
            onClick={async () => {
              setBusy(true);
              setProblem(undefined);
              try {
                await release(hold.id);
              } catch (e) {
                setProblem(friendlyError(e));
              } finally {
                setBusy(false);
              }
            }}
          >
            Release
          </Button>
        </div>
      )}
    </div>
  );
}

import { type DrawRecord, FAIR_DRAW_ALGORITHM, verifyDrawRecord } from '../../../src/domain/fair-draw.ts';
import { EmptyState, Notice, Skeleton } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useLoad, useTitle } from '../lib/hooks.ts';
import type { PageProps } from '../lib/router.tsx';
import type { GiveawayProof } from '../lib/types.ts';
import './VerifyDrawPage.css';

/**
 * Anyone checks a giveaway's draw here, in their own browser: the page recomputes the winner from
 * the revealed seed and the published entrant list with the same code the server drew with
 * (src/domain/fair-draw.ts), and trusts nothing the server says about the result.
 */
export default function VerifyDrawPage({ params }: PageProps) {
  useTitle('Check the draw');
  const id = params.id as string;
  const proof = useLoad((signal) => api.giveawayProof(id, signal), [id]);
  if (proof.loading)
    return (
      <div className="page narrow">
        <Skeleton lines={6} />
      </div>
    );
  if (!proof.data)
    return (
      <div className="page narrow">
        <EmptyState title="No such giveaway">
          <p>There is no draw to check at this address.</p>
        </EmptyState>
      </div>
    );
  return (
    <div className="page narrow verify-draw">
      <h1>Check the draw</h1>
      <Verdict proof={proof.data} />
      <Facts proof={proof.data} />
    </div>
  );
}

function Verdict({ proof }: { proof: GiveawayProof }) {
  if (proof.algorithm !== FAIR_DRAW_ALGORITHM)
    return (
      <Notice tone="info" title="Drawn the old way">
        This giveaway was drawn before draws were committed in advance; it cannot be recomputed.
      </Notice>
    );
  if (proof.status === 'open' || proof.seed === null)
    return (
      <Notice tone="info" title="Not drawn yet">
        The draw has not been made. The seed stays secret until the draw; its fingerprint below is fixed now,
        so it cannot be changed once the entries are in.
      </Notice>
    );
  const verdict = verifyDrawRecord(proof as unknown as DrawRecord);
  return verdict.ok ? (
    <p className="verify-draw__verdict verify-draw__verdict--ok" role="status" data-testid="draw-verdict">
      Verified in your browser: the seed matches the fingerprint published before the draw, and it picks
      entrant {(proof.winnerIndex ?? 0) + 1} of {proof.entrants.length}.
      {proof.youEntered === true ? ' You were in the draw.' : ''}
    </p>
  ) : (
    <p className="verify-draw__verdict verify-draw__verdict--bad" role="alert" data-testid="draw-verdict">
      Does not verify: {verdict.reason}.
    </p>
  );
}

function Facts({ proof }: { proof: GiveawayProof }) {
  return (
    <dl className="verify-draw__facts">
      <dt>Algorithm</dt>
      <dd>{proof.algorithm}</dd>
      <dt>Seed fingerprint (published at the start)</dt>
      <dd className="mono">{proof.seedHash ?? '—'}</dd>
      <dt>Seed (revealed after the draw)</dt>
      <dd className="mono">{proof.seed ?? 'secret until the draw'}</dd>
      <dt>Entrants</dt>
      <dd>
        {proof.entrants.length}, list fingerprint <span className="mono">{proof.entrantsHash ?? '—'}</span>
      </dd>
      <dt>Winner</dt>
      <dd className="mono">{proof.winnerId ?? '—'}</dd>
    </dl>
  );
}

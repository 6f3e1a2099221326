import { QueueIcon } from '../components/Icons.tsx';
import { EmptyState } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { Link, type PageProps } from '../lib/router.tsx';

/**
 * The waiting room of a drop (placeholder). Phase 2 fills it: POST /api/sales/:id/queue for a
 * ticket, the `queue:ID:TICKET` channel for position and ETA, then the admission token on claims.
 */
export default function QueuePage({ params }: PageProps) {
  const id = params.id as string;
  const sale = useLoad((signal) => api.sale(id, signal), [id]);
  useTitle('Waiting room');
  return (
    <div className="page narrow" data-testid="queue-page">
      <EmptyState title="The waiting room is coming soon" art={<QueueIcon size={40} />}>
        <p>
          {sale.data ? <strong>{sale.data.title}</strong> : 'This drop'} lets buyers in from a fair queue.
          Live position and ETA will show here.
        </p>
        <Link to={`/sales/${id}`} className="btn btn--secondary">
          Back to the drop
        </Link>
      </EmptyState>
    </div>
  );
}

import { EmptyState } from '../components/ui.tsx';
import { useTitle } from '../lib/hooks.ts';
import { Link } from '../lib/router.tsx';

export default function NotFoundPage() {
  useTitle('Not found');
  return (
    <div className="page narrow">
      <EmptyState title="This page sold out">
        <p>Nothing lives at this address. The drops are still going, though.</p>
        <Link to="/" className="btn btn--primary">
          See live drops
        </Link>
      </EmptyState>
    </div>
  );
}

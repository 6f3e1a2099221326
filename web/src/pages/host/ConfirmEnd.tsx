import { Button } from '../../components/ui.tsx';

/** "Yes, end it" and the way back: the second step of ending a party or a show. */
export function ConfirmEnd({
  busy,
  onEnd,
  onKeep,
  testId,
  keep,
}: {
  busy: boolean;
  onEnd: () => void;
  onKeep: () => void;
  testId: string;
  keep: string;
}) {
  return (
    <>
      <Button variant="danger" size="small" loading={busy} onClick={onEnd} data-testid={testId}>
        Yes, end it
      </Button>
      <Button variant="ghost" size="small" onClick={onKeep}>
        {keep}
      </Button>
    </>
  );
}

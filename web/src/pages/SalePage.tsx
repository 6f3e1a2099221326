import { type ReactNode, useEffect, useRef, useState } from 'react';
import { AuthPanel } from '../components/AuthPanel.tsx';
import { Countdown } from '../components/Countdown.tsx';
import {
  ArrowLeftIcon,
  BoltIcon,
  CheckIcon,
  ClockIcon,
  EyeIcon,
  QueueIcon,
  RepeatIcon,
} from '../components/Icons.tsx';
import { currentStatus } from '../components/SaleCard.tsx';
import { StockBar } from '../components/StockBar.tsx';
import {
  Button,
  EmptyState,
  Modal,
  Notice,
  ProblemNotice,
  QuantityPicker,
  Skeleton,
  StatusPill,
} from '../components/ui.tsx';
import { ApiError, api, isRetriable, sleep, uuid } from '../lib/api.ts';
import { useSession } from '../lib/auth.ts';
import { dateTime, money, partySchedule, plural } from '../lib/format.ts';
import { type Hold, itemTitle, rememberItems, useHolds } from '../lib/holds.tsx';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { type Friendly, friendlyError } from '../lib/problems.ts';
import { useLiveSale } from '../lib/realtime.tsx';
import { Link, navigate, type PageProps } from '../lib/router.tsx';
import { session } from '../lib/session.ts';
import { useReachedAt } from '../lib/ticker.ts';
import type { SaleItem, WaitlistEntry } from '../lib/types.ts';
import { forgetAdmission, queueOpensAt, useQueueEntry } from '../lib/waiting-room.ts';

function HoldCard({ hold }: { hold: Hold }) {
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

/** "Part of Vinyl Night Party — every day at 20:00 (Europe/Paris)": the party a sale belongs to. */
function PartyLine({ partyId }: { partyId: string }) {
  const party = useLoad((signal) => api.party(partyId, signal), [partyId]);
  if (!party.data) return null;
  const when = partySchedule(party.data.recurrence).replace(/^(Every|Weekdays|Weekends)/, (m) =>
    m.toLowerCase(),
  );
  return (
    <p className="sale__party" data-testid="sale-party">
      <RepeatIcon size={15} />
      <span>
        Part of <strong>{party.data.title}</strong> — {when}
      </span>
    </p>
  );
}

function ItemOption({
  item,
  checked,
  onSelect,
  name,
}: {
  item: SaleItem;
  checked: boolean;
  onSelect: () => void;
  name: string;
}) {
  const out = item.remaining <= 0;
  return (
    <label
      className={`option${checked ? ' is-checked' : ''}${out ? ' is-out' : ''}`}
      data-testid={`item-${item.sku}`}
    >
      <input type="radio" name={name} checked={checked} onChange={onSelect} className="sr-only" />
      {item.imageUrl ? (
        <img src={item.imageUrl} alt="" className="option__img" width={56} height={56} />
      ) : null}
      <span className="option__text">
        <span className="option__title">{item.title}</span>
        <span className="option__price">{money(item.priceCents, item.currency)}</span>
      </span>
      <span className="option__stock">
        <StockBar remaining={item.remaining} stock={item.stock} compact testId={`stock-${item.sku}`} />
      </span>
    </label>
  );
}

/** A drop: live stock, the opening countdown, claim, the hold timer, waitlist when sold out. */
export default function SalePage({ params }: PageProps) {
  const id = params.id as string;
  const s = useSession();
  const sale = useLoad((signal) => api.sale(id, signal), [id]);
  const live = useLiveSale(id);
  const { holds, add } = useHolds();
  const [selectedSku, setSelectedSku] = useState<string>();
  const [qty, setQty] = useState(1);
  const [claiming, setClaiming] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const [authOpen, setAuthOpen] = useState(false);
  const [waitlist, setWaitlist] = useState<WaitlistEntry[]>([]);
  const [joining, setJoining] = useState(false);
  const pendingClaim = useRef(false);
  const backToQueue = useRef<ReturnType<typeof setTimeout>>(undefined);
  const entry = useQueueEntry(id);
  useTitle(sale.data?.title);

  const items: SaleItem[] = live.state?.items ?? sale.data?.items.filter((i) => i.active !== false) ?? [];
  const opened = useReachedAt(sale.data ? Date.parse(sale.data.startsAt) : undefined);
  const closed = useReachedAt(sale.data ? Date.parse(sale.data.endsAt) : undefined);
  // The waiting room: when it opens, and the buyer's admission (from the queue page) while valid.
  const room = sale.data?.waitingRoom ?? null;
  const queueOpen = useReachedAt(sale.data && room ? queueOpensAt(sale.data.startsAt, room) : undefined);
  const admittedUntil = entry?.admission ? Date.parse(entry.admission.expiresAt) : undefined;
  const turnOver = useReachedAt(admittedUntil);
  useEffect(() => () => clearTimeout(backToQueue.current), []);

  useEffect(() => rememberItems(items), [items]);

  const loadWaitlist = async () => {
    if (!session.token()) return setWaitlist([]);
    try {
      setWaitlist((await api.waitlist()).filter((w) => w.saleId === id && w.state === 'waiting'));
    } catch {
      // not essential
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the sale or the buyer changes
  useEffect(() => {
    void loadWaitlist();
  }, [id, s?.token]);

  if (sale.error) {
    const f = friendlyError(sale.error);
    return (
      <div className="page">
        <EmptyState title={f.code === 'not_found' ? 'This drop does not exist' : f.title}>
          <p>{f.code === 'not_found' ? 'The link may be wrong, or the drop was removed.' : f.detail}</p>
          <Link to="/" className="btn btn--secondary">
            See live drops
          </Link>
        </EmptyState>
      </div>
    );
  }
  if (!sale.data) {
    return (
      <div className="page sale">
        <div className="sale__layout">
          <div className="sale__media skeleton__block" />
          <Skeleton lines={5} />
        </div>
      </div>
    );
  }

  const data = sale.data;
  const remainingTotal = items.reduce((n, i) => n + i.remaining, 0);
  const status = currentStatus(live.state?.status ?? data.status, opened, closed, remainingTotal);
  const selected = items.find((i) => i.sku === selectedSku) ?? items.find((i) => i.remaining > 0) ?? items[0];
  const myHolds = holds.filter((h) => h.saleId === id);
  const heldOfSelected = myHolds.filter((h) => h.sku === selected?.sku).reduce((n, h) => n + h.quantity, 0);
  const limitLeft = selected ? Math.max(0, selected.perBuyerLimit - heldOfSelected) : 0;
  const maxQty = selected ? Math.max(1, Math.min(limitLeft, selected.remaining)) : 1;
  const quantity = Math.min(qty, maxQty);
  const selectedOut = !!selected && selected.remaining <= 0;
  const waiting = waitlist.find((w) => w.sku === selected?.sku);
  const image = selected?.imageUrl ?? items.find((i) => i.imageUrl)?.imageUrl;
  // At the limit with a hold to show: the hold's Checkout is the action, not a dead button.
  const atLimit = status === 'live' && !selectedOut && limitLeft <= 0 && heldOfSelected > 0;
  // A waiting room: claims need this buyer's admission; without one, the way in is the queue.
  const hasRoom = !!data.waitingRoom || !!live.state?.waitingRoom;
  const admitted = hasRoom && admittedUntil !== undefined && !turnOver;
  const gated = hasRoom && !admitted;

  const claim = async () => {
    if (!selected) return;
    if (!session.token()) {
      pendingClaim.current = true;
      setAuthOpen(true);
      return;
    }
    setProblem(undefined);
    clearTimeout(backToQueue.current);
    setClaiming(true);
    // One key per tap, reused on retries of that tap: a retry never claims twice.
    const idempotencyKey = uuid();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const { reservation } = await api.claim(id, { sku: selected.sku, quantity, idempotencyKey });
          add(reservation);
          setQty(1);
          return;
        } catch (e) {
          if (isRetriable(e) && attempt < 3) {
            setRetrying(true);
            await sleep(300 * 2 ** attempt + Math.random() * 200);
            continue;
          }
          if (e instanceof ApiError && (e.code === 'unauthenticated' || e.code === 'invalid_token')) {
            pendingClaim.current = true;
            setAuthOpen(true);
          }
          if (e instanceof ApiError && e.code === 'not_admitted') {
            // No admission (or it ran out): back to the queue, after the message has been seen.
            forgetAdmission(id);
            if (hasRoom) backToQueue.current = setTimeout(() => navigate(`/sales/${id}/queue`), 1_800);
          }
          setProblem(friendlyError(e));
          return;
        }
      }
    } finally {
      setClaiming(false);
      setRetrying(false);
    }
  };

  const joinWaitlist = async () => {
    if (!selected) return;
    if (!session.token()) {
      setAuthOpen(true);
      return;
    }
    setProblem(undefined);
    setJoining(true);
    try {
      const entry = await api.joinWaitlist(id, { sku: selected.sku, quantity: 1 });
      setWaitlist((w) => [...w.filter((x) => x.id !== entry.id), entry]);
    } catch (e) {
      setProblem(friendlyError(e));
      if (e instanceof ApiError && e.code === 'already_waitlisted') void loadWaitlist();
    } finally {
      setJoining(false);
    }
  };

  let action: ReactNode;
  if (status === 'ended') {
    action = (
      <Button block size="large" disabled data-testid="claim-button">
        Drop ended
      </Button>
    );
  } else if (gated) {
    action =
      queueOpen || (room === null && opened) ? (
        <Link
          to={`/sales/${id}/queue`}
          className="btn btn--primary btn--large btn--block btn--claim"
          data-testid="queue-button"
        >
          <QueueIcon size={20} /> {entry ? 'Back to your place in line' : 'Join the line'}
        </Link>
      ) : (
        <Button block size="large" disabled data-testid="queue-button" data-state="locked">
          <ClockIcon size={18} /> Waiting room opens in{' '}
          <Countdown
            to={room ? queueOpensAt(data.startsAt, room) : data.startsAt}
            testId="queue-opens-countdown"
          />
        </Button>
      );
  } else if (status === 'scheduled' || !opened) {
    action = (
      <Button block size="large" disabled data-testid="claim-button" data-state="locked">
        <ClockIcon size={18} /> Opens in <Countdown to={data.startsAt} testId="button-countdown" />
      </Button>
    );
  } else if (selectedOut && opened) {
    action = waiting ? (
      <div className="waitlisted" data-testid="waitlisted">
        <QueueIcon size={18} />
        <span>
          You're on the waitlist{waiting.position ? ` · #${waiting.position} in line` : ''}. A returned unit
          is held for you automatically.
        </span>
      </div>
    ) : (
      <Button
        block
        size="large"
        variant="secondary"
        loading={joining}
        onClick={joinWaitlist}
        data-testid="waitlist-button"
      >
        Sold out · Join the waitlist
      </Button>
    );
  } else {
    action = (
      <Button
        block
        size="large"
        className="btn--claim"
        loading={claiming}
        onClick={claim}
        disabled={limitLeft <= 0}
        data-testid="claim-button"
        data-state="open"
      >
        {retrying
          ? 'Reconnecting…'
          : claiming
            ? 'Claiming…'
            : limitLeft <= 0
              ? 'Limit reached'
              : `Claim${quantity > 1 ? ` ${quantity}` : ''} · ${money((selected?.priceCents ?? 0) * quantity, selected?.currency)}`}
      </Button>
    );
  }

  return (
    <div className="page sale" data-testid="sale-page" data-status={status}>
      <Link to="/" className="back">
        <ArrowLeftIcon size={16} /> All drops
      </Link>
      <div className="sale__layout">
        <div className="sale__media">
          {image ? (
            <img className="sale__img" src={image} alt={selected?.title ?? ''} width={800} height={800} />
          ) : null}
          <div className="sale__media-badges">
            <StatusPill status={status} />
            {live.viewers !== undefined ? (
              <span className="viewers" data-testid="viewers" data-viewers={live.viewers}>
                <EyeIcon size={16} /> {live.viewers.toLocaleString()} watching
              </span>
            ) : null}
          </div>
        </div>

        <div className="sale__info">
          {data.hashtags.length > 0 ? (
            <p className="sale__tags">{data.hashtags.map((t) => `#${t}`).join('  ')}</p>
          ) : null}
          <h1 className="sale__title">{data.title}</h1>
          {data.partyId ? <PartyLine partyId={data.partyId} /> : null}

          <div className={`sale__clock sale__clock--${status}`}>
            {status === 'scheduled' ? (
              <>
                <p className="sale__clock-label">Drop opens in</p>
                <Countdown
                  to={data.startsAt}
                  format="segments"
                  testId="sale-countdown"
                  label={`Opens ${dateTime(data.startsAt)}`}
                />
              </>
            ) : status === 'ended' ? (
              <p className="sale__clock-label">Ended {dateTime(data.endsAt)}</p>
            ) : (
              <>
                <p className="sale__clock-label">Ends in</p>
                <Countdown to={data.endsAt} testId="sale-countdown" className="sale__ends" />
              </>
            )}
          </div>

          {gated && status !== 'ended' ? (
            <Notice tone="info" title="This drop has a waiting room" testId="waiting-room-notice">
              To keep it fair, buyers are let in from a queue at a steady pace, each with time to claim.{' '}
              <Link to={`/sales/${id}/queue`}>Go to the queue</Link>
            </Notice>
          ) : null}

          <fieldset className="options" data-testid="items">
            <legend className="options__legend">{items.length > 1 ? 'Choose your pick' : 'The drop'}</legend>
            {items.map((item) => (
              <ItemOption
                key={item.sku}
                item={item}
                name={`item-${id}`}
                checked={item.sku === selected?.sku}
                onSelect={() => {
                  setSelectedSku(item.sku);
                  setProblem(undefined);
                }}
              />
            ))}
          </fieldset>

          <div className="buybar" data-testid="buybar">
            {myHolds.length > 0 ? (
              <div className="holds" data-testid="holds">
                {myHolds.map((h) => (
                  <HoldCard key={h.id} hold={h} />
                ))}
              </div>
            ) : null}
            {admitted && admittedUntil !== undefined && status !== 'ended' ? (
              <div className="admission" data-testid="admission-banner" role="status">
                <span className="admission__icon" aria-hidden="true">
                  <BoltIcon size={16} />
                </span>
                <span>
                  <strong>You're in!</strong> Your turn ends in{' '}
                  <Countdown
                    to={admittedUntil}
                    format="clock"
                    className="admission__timer"
                    testId="admission-timer"
                  />
                </span>
              </div>
            ) : null}
            {status === 'live' && !selectedOut && selected && limitLeft > 0 && !gated ? (
              <div className="buybar__row">
                <QuantityPicker value={quantity} max={maxQty} onChange={setQty} disabled={claiming} />
                <p className="buybar__limit">
                  Limit {selected.perBuyerLimit} per person
                  {heldOfSelected > 0 ? ` · you hold ${heldOfSelected}` : ''}
                </p>
              </div>
            ) : null}
            <div aria-live="polite" className="buybar__message" data-testid="claim-message">
              {problem ? <ProblemNotice problem={problem} testId="claim-problem" /> : null}
            </div>
            {atLimit ? (
              <p className="buybar__limit center" data-testid="limit-reached">
                Limit reached: you hold {heldOfSelected} of {selected?.perBuyerLimit}. Check out before the
                timer ends.
              </p>
            ) : (
              action
            )}
          </div>

          <p className="sale__fine">
            Claiming holds your pick for {plural(Math.round(data.holdSeconds / 60), 'minute')}. Check out
            before the timer ends or it goes back to the drop.
          </p>
        </div>
      </div>

      <Modal
        open={authOpen}
        onClose={() => {
          pendingClaim.current = false;
          setAuthOpen(false);
        }}
        title="Sign in to claim"
        testId="auth-sheet"
      >
        <AuthPanel
          onDone={() => {
            setAuthOpen(false);
            if (pendingClaim.current) {
              pendingClaim.current = false;
              // The session has its token now: claim as the user asked.
              setTimeout(() => void claim(), 0);
            }
          }}
        />
      </Modal>
    </div>
  );
}

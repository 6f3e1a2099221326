import { useEffect, useRef, useState } from 'react';
import { AuthPanel } from '../components/AuthPanel.tsx';
import { ArrowLeftIcon, EyeIcon } from '../components/Icons.tsx';
import { currentStatus } from '../components/SaleCard.tsx';
import {
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
import { plural } from '../lib/format.ts';
import { rememberItems, useHolds } from '../lib/holds.tsx';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { type Friendly, friendlyError } from '../lib/problems.ts';
import { useLiveSale } from '../lib/realtime.tsx';
import { Link, navigate, type PageProps } from '../lib/router.tsx';
import { session } from '../lib/session.ts';
import { useReachedAt } from '../lib/ticker.ts';
import type { SaleItem, WaitlistEntry } from '../lib/types.ts';
import { forgetAdmission, queueOpensAt, useQueueEntry } from '../lib/waiting-room.ts';
import { HoldCard } from './sale/HoldCard.tsx';
import { AdmissionBanner, ItemOption, PartyLine, SaleClock } from './sale/parts.tsx';
import { SaleAction } from './sale/SaleAction.tsx';
import './SalePage.css';
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

  const action = (
    <SaleAction
      id={id}
      data={data}
      status={status}
      opened={opened}
      gated={gated}
      room={room}
      queueOpen={queueOpen}
      inLine={!!entry}
      selected={selected}
      selectedOut={selectedOut}
      waiting={waiting}
      joining={joining}
      onJoinWaitlist={joinWaitlist}
      claiming={claiming}
      retrying={retrying}
      quantity={quantity}
      limitLeft={limitLeft}
      onClaim={claim}
    />
  );

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

          <SaleClock status={status} data={data} />

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
              <AdmissionBanner until={admittedUntil} />
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

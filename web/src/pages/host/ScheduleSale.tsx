import { useState } from 'react';
import { Skeleton, TextField } from '../../components/ui.tsx';
import { api, type NewSale } from '../../lib/api.ts';
import { serverClock } from '../../lib/clock.ts';
import { toLocalInput } from '../../lib/format.ts';
import { navigate } from '../../lib/router.tsx';
import type { User } from '../../lib/types.ts';
import {
  AddProductFirst,
  CheckField,
  checkTags,
  type FieldErrors,
  FormCard,
  FormError,
  hashtagsOf,
  holdField,
  LISTINGS,
  pickedItems,
  ScheduleForm,
  type ShortField,
  ShortFields,
  StartsField,
  useHostForm,
  useHostProducts,
  useTextFields,
} from './form-parts.tsx';
import { usePickRows, VariantPicker, wholeNumber } from './VariantPicker.tsx';

type RoomField = 'admit' | 'maxActive' | 'opensBefore' | 'ttl' | 'pow';
const ROOM_FIELDS: readonly ShortField<RoomField>[] = [
  { name: 'admit', label: 'Admit per minute' },
  { name: 'maxActive', label: 'Max active shoppers' },
  { name: 'opensBefore', label: 'Opens before the drop (s)' },
  { name: 'ttl', label: 'Admission valid for (s)' },
  { name: 'pow', label: 'Proof-of-work difficulty', hint: '0 = off; 16–20 slows bots, not people.' },
];

/** The waiting room's settings as the API takes them; their errors keyed by field. */
function waitingRoomOf(v: Record<RoomField, string>, e: FieldErrors): NonNullable<NewSale['waitingRoom']> {
  const a = wholeNumber(v.admit);
  const m = wholeNumber(v.maxActive);
  const o = wholeNumber(v.opensBefore);
  const t = wholeNumber(v.ttl);
  const p = wholeNumber(v.pow);
  if (!(a >= 1)) e.admit = 'At least 1 a minute.';
  if (!(m >= 1)) e.maxActive = 'At least 1.';
  if (!(o >= 0)) e.opensBefore = 'Seconds, 0 or more.';
  if (!(t >= 30)) e.ttl = 'At least 30 seconds.';
  if (!(p >= 0 && p <= 28)) e.pow = 'From 0 (off) to 28.';
  return {
    admitPerMinute: a,
    maxActive: m,
    opensBeforeSeconds: o,
    admissionTtlSeconds: t,
    ...(p > 0 ? { proofOfWork: { difficulty: p } } : {}),
  };
}

/** Schedule a drop: items from the host's products, times, holds, an optional waiting room. */
export function ScheduleSale({ user }: { user: User }) {
  const products = useHostProducts(user);
  const text = useTextFields(() => ({
    title: '',
    tags: '',
    startsAt: toLocalInput(serverClock.now() + 10 * 60_000),
    endsAt: toLocalInput(serverClock.now() + 70 * 60_000),
    hold: '300',
  }));
  const roomText = useTextFields<RoomField>({
    admit: '120',
    maxActive: '500',
    opensBefore: '600',
    ttl: '600',
    pow: '0',
  });
  const [startNow, setStartNow] = useState(false);
  const pick = usePickRows({ stock: '50', limit: '1' });
  const [room, setRoom] = useState(false);
  const form = useHostForm();
  const { errors } = form;
  const { bind } = text;

  const check = (e: FieldErrors) => {
    const v = text.values;
    if (!v.title.trim()) e.title = 'Name the drop.';
    checkTags(v.tags, e);
    const start = startNow ? serverClock.now() : new Date(v.startsAt).getTime();
    const end = new Date(v.endsAt).getTime();
    if (!startNow && !Number.isFinite(start)) e.startsAt = 'Pick the opening time.';
    if (!Number.isFinite(end)) e.endsAt = 'Pick the closing time.';
    else if (end <= start) e.endsAt = 'The drop must close after it opens.';
    const holdS = wholeNumber(v.hold);
    if (!(holdS >= 10 && holdS <= 86_400)) e.hold = 'Between 10 and 86,400 seconds.';
    const saleItems = pickedItems(pick.rows, e);
    const waitingRoom = room ? waitingRoomOf(roomText.values, e) : undefined;
    return async () => {
      const sale = await api.createSale({
        title: v.title.trim(),
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(end).toISOString(),
        hashtags: hashtagsOf(v.tags),
        holdSeconds: holdS,
        ...(waitingRoom ? { waitingRoom } : {}),
        items: saleItems,
      });
      navigate(`/host/sales/${sale.id}?created=1`);
    };
  };

  if (products.loading && !products.data) return <Skeleton lines={6} />;
  if (products.data && products.data.length === 0) {
    return <AddProductFirst>A drop sells variants of your products.</AddProductFirst>;
  }

  const more = (
    <>
      <StartsField
        label="Opens"
        {...bind('startsAt')}
        disabled={startNow}
        error={errors.startsAt}
        testId="sale-starts"
      />
      <TextField
        label="Closes"
        type="datetime-local"
        {...bind('endsAt')}
        error={errors.endsAt}
        data-testid="sale-ends"
      />
      <CheckField checked={startNow} onChange={setStartNow} testId="sale-start-now">
        Open it right away
      </CheckField>
      <ShortFields fields={[holdField('sale-hold')]} bind={bind} errors={errors} />
    </>
  );
  return (
    <ScheduleForm listing={LISTINGS.sale} form={form} text={text} check={check} more={more}>
      <FormCard heading="Items">
        <FormError error={errors.items} />
        <VariantPicker products={products.data} pick={pick} errors={errors} ids="sched" price="Price" />
      </FormCard>

      <section className="card pad">
        <CheckField checked={room} onChange={setRoom} testId="sale-waiting-room">
          <span>
            <strong>Waiting room</strong>
            <span className="muted small block">Admit the crowd at a pace, fairly, and keep bots out.</span>
          </span>
        </CheckField>
        {room ? (
          <div className="form-grid">
            <ShortFields fields={ROOM_FIELDS} bind={roomText.bind} errors={errors} />
          </div>
        ) : null}
      </section>
    </ScheduleForm>
  );
}

import { useMemo, useState } from 'react';
import { RepeatIcon } from '../../components/Icons.tsx';
import { Skeleton, TextField } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { partySchedule, plural, WEEK_ORDER, WEEKDAYS } from '../../lib/format.ts';
import { navigate } from '../../lib/router.tsx';
import type { PartyFrequency, User } from '../../lib/types.ts';
import {
  AddProductFirst,
  checkTags,
  DescriptionField,
  type FieldErrors,
  FormCard,
  FormError,
  hashtagsOf,
  holdField,
  LISTINGS,
  pickedItems,
  ScheduleForm,
  ShortFields,
  useHostForm,
  useHostProducts,
  useTextFields,
} from './form-parts.tsx';
import { usePickRows, VariantPicker, wholeNumber } from './VariantPicker.tsx';
import './HostParties.css';

/** The browser's IANA zone, the form's default (UTC when it has none). */
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Every zone the browser knows, for the time zone field's suggestions. */
function knownZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const FREQUENCIES = [
  ['daily', 'Every day'],
  ['weekly', 'Some weekdays'],
] as const;

/** Every day, or some weekdays: the segmented choice, then the days when it is weekly. */
function PartyDays({
  frequency,
  setFrequency,
  weekdays,
  setWeekdays,
  error,
}: {
  frequency: PartyFrequency;
  setFrequency: (f: PartyFrequency) => void;
  weekdays: number[];
  setWeekdays: (f: (w: number[]) => number[]) => void;
  error: string | undefined;
}) {
  const toggleDay = (d: number, on: boolean) =>
    setWeekdays((w) => (on ? [...new Set([...w, d])] : w.filter((x) => x !== d)).sort((a, b) => a - b));
  return (
    <>
      <div className="segmented segmented--2" role="radiogroup" aria-label="How often">
        {FREQUENCIES.map(([f, label]) => (
          <label key={f} className={`segmented__opt${frequency === f ? ' is-checked' : ''}`}>
            <input
              type="radio"
              name="party-frequency"
              value={f}
              checked={frequency === f}
              onChange={() => setFrequency(f)}
              data-testid={`party-frequency-${f}`}
            />
            {label}
          </label>
        ))}
      </div>
      {frequency === 'weekly' ? (
        <fieldset className="weekdays" aria-describedby={error ? 'party-weekdays-error' : undefined}>
          <legend className="field__label">Days</legend>
          <div className="weekdays__list">
            {WEEK_ORDER.map((d) => (
              <label key={d} className={`weekday${weekdays.includes(d) ? ' is-on' : ''}`}>
                <input
                  type="checkbox"
                  checked={weekdays.includes(d)}
                  onChange={(e) => toggleDay(d, e.target.checked)}
                  data-testid={`party-weekday-${d}`}
                />
                {WEEKDAYS[d]}
              </label>
            ))}
          </div>
          {error ? (
            <p className="field__error" id="party-weekdays-error" role="alert">
              {error}
            </p>
          ) : null}
        </fieldset>
      ) : null}
    </>
  );
}

/**
 * Start a party: the rule (every day, or on chosen weekdays, at a local time in a zone), how
 * long each sale runs, the hold time, and the items each one starts with from the host's catalog.
 */
export function ScheduleParty({ user }: { user: User }) {
  const products = useHostProducts(user);
  const zones = useMemo(knownZones, []);
  const text = useTextFields(() => ({
    title: '',
    description: '',
    tags: '',
    time: '20:00',
    timeZone: browserZone(),
    duration: '60',
    hold: '300',
  }));
  const [frequency, setFrequency] = useState<PartyFrequency>('weekly');
  const [weekdays, setWeekdays] = useState<number[]>(() => [new Date().getDay()]);
  const pick = usePickRows({ stock: '20', limit: '1' });
  const form = useHostForm();
  const { errors } = form;
  const { bind } = text;
  const { time, duration } = text.values;

  const zone = text.values.timeZone.trim();
  const preview =
    TIME.test(time) && zone && isTimeZone(zone) && (frequency === 'daily' || weekdays.length > 0)
      ? partySchedule({ frequency, weekdays, time, timeZone: zone })
      : undefined;

  const check = (e: FieldErrors) => {
    const { title, description, tags, hold } = text.values;
    if (!title.trim()) e.title = 'Name the party.';
    checkTags(tags, e);
    if (frequency === 'weekly' && weekdays.length === 0) e.weekdays = 'Pick at least one day.';
    if (!TIME.test(time)) e.time = 'A time like 20:00.';
    if (!zone) e.timeZone = 'Pick a time zone.';
    else if (!isTimeZone(zone)) e.timeZone = `"${zone}" is not a time zone this browser knows.`;
    const minutes = wholeNumber(duration);
    if (!(minutes >= 1 && minutes <= 1_440)) e.duration = 'From 1 to 1,440 minutes (a day).';
    const holdS = wholeNumber(hold);
    if (!(holdS >= 10 && holdS <= 86_400)) e.hold = 'Between 10 and 86,400 seconds.';
    const items = pickedItems(pick.rows, e);
    return async () => {
      const party = await api.createParty({
        title: title.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        hashtags: hashtagsOf(tags),
        recurrence:
          frequency === 'weekly'
            ? { frequency, weekdays, time, timeZone: zone }
            : { frequency, time, timeZone: zone },
        durationMinutes: minutes,
        holdSeconds: holdS,
        items,
      });
      navigate(`/host/parties?created=${encodeURIComponent(party.id)}`);
    };
  };

  if (products.loading && !products.data) return <Skeleton lines={6} />;
  if (products.data && products.data.length === 0) {
    return <AddProductFirst>Each of a party's sales sells variants of your products.</AddProductFirst>;
  }

  const description = (
    <DescriptionField id="party-description" rows={2} maxLength={2000} {...bind('description')} />
  );
  return (
    <ScheduleForm listing={LISTINGS.party} form={form} text={text} check={check} more={description}>
      <FormCard heading="When">
        <PartyDays
          frequency={frequency}
          setFrequency={setFrequency}
          weekdays={weekdays}
          setWeekdays={setWeekdays}
          error={errors.weekdays}
        />
        <div className="form-grid">
          <TextField
            label="Starts at"
            type="time"
            {...bind('time')}
            error={errors.time}
            hint="Local time in the zone below."
            data-testid="party-time"
          />
          <TextField
            label="Time zone"
            {...bind('timeZone')}
            error={errors.timeZone}
            list="party-zones"
            autoComplete="off"
            spellCheck={false}
            hint="Daylight saving follows the zone's rules."
            data-testid="party-timezone"
          />
          <ShortFields
            fields={[
              { name: 'duration', label: 'Each sale lasts (minutes)', testId: 'party-duration' },
              holdField('party-hold'),
            ]}
            bind={bind}
            errors={errors}
          />
        </div>
        <datalist id="party-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <p className="party-preview" data-testid="party-preview" aria-live="polite">
          <RepeatIcon size={16} />{' '}
          {preview
            ? `${preview} · ${plural(wholeNumber(duration) || 0, 'minute')} each`
            : 'Pick the days, time and zone.'}
        </p>
      </FormCard>

      <FormCard heading="Items">
        <p className="muted small">Every sale of the party starts with this stock.</p>
        <FormError error={errors.items} />
        <VariantPicker products={products.data} pick={pick} errors={errors} ids="party-item" price="Price" />
      </FormCard>
    </ScheduleForm>
  );
}

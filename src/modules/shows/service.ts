import { checkBlockedWords } from '../../domain/blocked-words.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import { createCache } from '../../platform/cache.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Sql, Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import { normaliseTag } from '../catalog/index.ts';
import { deactivateSaleItems, restockSaleItem } from '../claims/index.ts';
import {
  authorize,
  manageShow,
  moderateShow,
  offerInShow,
  type ShowFacts,
  takePart,
} from '../policy/index.ts';
import type { SalesService } from '../sales/index.ts';
import { SELECT_SHOWS, type ShowRow, toShow } from './show-row.ts';
import type { NewShow, Show, ShowPatch, ShowStatus } from './types.ts';

/** The policy's view of a show already loaded (moderators do not matter to a host's own actions). */
export const showFacts = (show: Show): ShowFacts => ({ id: show.id, hostId: show.hostId, moderatorIds: [] });

/** The host's list as stored, or a validation_failed naming the word refused. */
function storedBlockedWords(words: readonly string[]): string[] {
  const checked = checkBlockedWords(words);
  if (checked.ok) return checked.words;
  throw new AppError('validation_failed', checked.message, {
    extra: {
      detail: checked.word === '' ? checked.message : `${checked.message}: "${checked.word}"`,
      errors: [{ path: 'body.blockedWords', message: checked.message }],
    },
  });
}

/** How long after going live a show's sale stays open when nobody ends the show. */
const SHOW_SALE_HOURS = 24;
const HOUR = 3_600_000;

export class ShowsService {
  /** Sale id → the show it belongs to ('': a plain sale); a show's sale never changes. */
  private readonly showOfSaleCache = createCache<string, string>({ max: 50_000 });

  constructor(
    private readonly store: Store,
    private readonly sales: SalesService,
    private readonly clock: Clock,
    private readonly onCommit: () => void,
    private readonly moderation?: { status(showId: string, userId: string): Promise<{ banned: boolean }> },
  ) {}

  /** The policy on taking part in a show (chat, reactions, votes, entries, bids, claims): not banned. */
  async assertTakesPart(showId: string, userId: string): Promise<void> {
    authorize(takePart(await this.bannedIn(showId, userId)));
  }

  async bannedIn(showId: string, userId: string): Promise<boolean> {
    return this.moderation ? (await this.moderation.status(showId, userId)).banned : false;
  }

  /** The same for a claim on a sale: refused only when the sale is a show's and the buyer is banned from it. */
  async assertMayClaim(saleId: string, userId: string): Promise<void> {
    let showId = this.showOfSaleCache.get(saleId);
    if (showId === undefined) {
      const [row] = await this.store.query<{ id: string }>('select id from shows where sale_id = $1', [
        saleId,
      ]);
      showId = row?.id ?? '';
      this.showOfSaleCache.set(saleId, showId);
    }
    if (showId) await this.assertTakesPart(showId, userId);
  }

  private toShow(r: ShowRow): Show {
    return toShow(r, this.clock.now());
  }

  async get(id: string, sql: Sql = this.store): Promise<Show | undefined> {
    const [row] = await sql.query<ShowRow>(`${SELECT_SHOWS} where s.id = $1`, [id]);
    return row ? this.toShow(row) : undefined;
  }

  async list(filter: {
    status?: 'upcoming' | ShowStatus;
    tag?: string;
    hostId?: string;
    limit: number;
    offset: number;
  }) {
    const status = filter.status === 'upcoming' ? 'scheduled' : filter.status;
    const rows = await this.store.query<ShowRow>(
      `${SELECT_SHOWS}
       where ($1::text is null or s.status = $1) and ($2::text is null or $2 = any(s.hashtags))
         and ($3::text is null or s.host_id = $3)
       order by case s.status when 'live' then 0 when 'scheduled' then 1 else 2 end,
                case when s.status = 'ended' then -extract(epoch from s.starts_at) else extract(epoch from s.starts_at) end
       limit $4 offset $5`,
      [
        status ?? null,
        filter.tag ? normaliseTag(filter.tag) : null,
        filter.hostId ?? null,
        filter.limit,
        filter.offset,
      ],
    );
    return rows.map((r) => this.toShow(r));
  }

  /** What the policy needs to know of a show: its host and its moderators. */
  async facts(id: string): Promise<ShowFacts | undefined> {
    const [row] = await this.store.query<{ host_id: string; moderators: string[] }>(
      `select host_id, array(select user_id from show_moderators where show_id = $1 order by user_id) as moderators
       from shows where id = $1`,
      [id],
    );
    return row ? { id, hostId: row.host_id, moderatorIds: row.moderators } : undefined;
  }

  /** The show, if the policy lets `actor` run it (its host or an admin); throws otherwise. */
  async owned(actor: Principal, id: string): Promise<Show> {
    const [show, facts] = await Promise.all([this.get(id), this.facts(id)]);
    if (!show || !facts) throw new AppError('not_found', 'Show not found');
    authorize(manageShow(actor, facts));
    return show;
  }

  /** The policy's facts, if `actor` may moderate the show (host, its moderators, admin); throws otherwise. */
  async moderated(actor: Principal, id: string): Promise<ShowFacts> {
    const facts = await this.facts(id);
    if (!facts) throw new AppError('not_found', 'Show not found');
    authorize(moderateShow(actor, facts));
    return facts;
  }

  async canModerate(actor: Principal, showId: string): Promise<boolean> {
    const facts = await this.facts(showId);
    return facts !== undefined && moderateShow(actor, facts).ok;
  }

  async create(host: Principal, input: NewShow): Promise<Show> {
    const id = newId('show');
    const startsAt = Date.parse(input.startsAt);
    await this.store.transaction(async (tx) => {
      const sale = await this.sales.create(
        host,
        {
          title: `${input.title} (live)`,
          startsAt: input.startsAt,
          endsAt: new Date(startsAt + SHOW_SALE_HOURS * HOUR).toISOString(),
          hashtags: input.hashtags ?? [],
          holdSeconds: 300,
          items: [],
        },
        { kind: 'show', tx },
      );
      await tx.query(
        `insert into shows (id, host_id, title, description, starts_at, stream_url, hashtags, sale_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          id,
          host.id,
          input.title,
          input.description ?? '',
          new Date(startsAt),
          input.streamUrl ?? null,
          (input.hashtags ?? []).map(normaliseTag),
          sale.id,
        ],
      );
      await this.event(tx, id, 'show.created', { hostId: host.id });
    });
    this.onCommit();
    return (await this.get(id)) as Show;
  }

  private async event(
    tx: Sql,
    showId: string,
    type: string,
    payload: Record<string, unknown> = {},
  ): Promise<void> {
    await tx.query('update shows set version = version + 1 where id = $1', [showId]);
    await appendEvents(tx, [{ type, key: showId, payload: { showId, ...payload } }]);
  }

  private async change(
    showId: string,
    type: string,
    write: (tx: Sql) => Promise<void>,
    payload: Record<string, unknown> = {},
  ) {
    await this.store.transaction(async (tx) => {
      await write(tx);
      await this.event(tx, showId, type, payload);
    });
    this.onCommit();
    return (await this.get(showId)) as Show;
  }

  async goLive(actor: Principal, id: string): Promise<Show> {
    const show = await this.owned(actor, id);
    if (show.status === 'ended') throw new AppError('show_ended', 'This show has ended');
    if (show.status === 'live') return show;
    const now = this.clock.now();
    const result = await this.change(
      id,
      'show.live',
      async (tx) => {
        await tx.query(
          `update shows set status = 'live', went_live_at = $2 where id = $1 and status = 'scheduled'`,
          [id, new Date(now)],
        );
        // The room's sale opens with the show.
        await this.sales.openForShow(tx, show.saleId, now, now + SHOW_SALE_HOURS * HOUR);
      },
      { hostId: show.hostId, title: show.title },
    );
    this.sales.forget(show.saleId);
    return result;
  }

  async end(actor: Principal, id: string): Promise<Show> {
    const show = await this.owned(actor, id);
    if (show.status === 'ended') return show;
    const now = this.clock.now();
    const result = await this.change(id, 'show.ended', async (tx) => {
      await tx.query(`update shows set status = 'ended', ended_at = $2 where id = $1`, [id, new Date(now)]);
      // Closing the show closes its sale: holds already made can still be checked out.
      await this.sales.closeForShow(tx, show.saleId, now);
    });
    this.sales.forget(show.saleId);
    return result;
  }

  async update(actor: Principal, id: string, patch: ShowPatch): Promise<Show> {
    await this.owned(actor, id);
    const blockedWords = patch.blockedWords === undefined ? null : storedBlockedWords(patch.blockedWords);
    return this.change(id, 'show.updated', async (tx) => {
      await tx.query(
        `update shows set title = coalesce($2, title), description = coalesce($3, description),
           stream_url = case when $4::boolean then $5 else stream_url end,
           comment_to_buy = coalesce($6, comment_to_buy), keyword = coalesce($7, keyword),
           slow_mode_seconds = coalesce($8, slow_mode_seconds),
           blocked_words = coalesce($9::text[], blocked_words)
         where id = $1`,
        [
          id,
          patch.title ?? null,
          patch.description ?? null,
          patch.streamUrl !== undefined,
          patch.streamUrl ?? null,
          patch.commentToBuy ?? null,
          patch.keyword?.trim().toLowerCase() ?? null,
          patch.slowModeSeconds ?? null,
          blockedWords,
        ],
      );
    });
  }

  /**
   * Pins a product: a sale item of the show's sale (the claim engine sells it, same guarantees).
   * The previous one is unpinned (its holds stay valid for checkout). Pinning a SKU that was
   * pinned before in this show puts it back with `stock` more units.
   */
  async feature(
    actor: Principal,
    id: string,
    input: { sku: string; stock: number; priceCents: number; perBuyerLimit: number },
  ): Promise<Show> {
    const show = await this.owned(actor, id);
    if (show.status === 'ended') throw new AppError('show_ended', 'This show has ended');
    const result = await this.change(
      id,
      'show.featured',
      async (tx) => {
        const [variant] = await tx.query<{
          id: string;
          title: string;
          product_title: string;
          price_cents: number;
          currency: string;
          host_id: string;
        }>(
          `select v.id, v.title, p.title as product_title, v.price_cents, v.currency, p.host_id
         from variants v join products p on p.id = v.product_id where v.sku = $1`,
          [input.sku],
        );
        if (!variant)
          throw new AppError('unknown_sku', `No product variant has SKU ${input.sku}`, {
            extra: { sku: input.sku },
          });
        authorize(offerInShow(actor, showFacts(show), { sku: input.sku, hostId: variant.host_id }));
        // The claims module moves `version` with `active`: a batch allocated before cannot commit after.
        await deactivateSaleItems(tx, show.saleId, { onlyActive: true });
        const itemId =
          (await restockSaleItem(tx, show.saleId, input)) ??
          (
            await this.sales.insertItems(
              tx,
              show.saleId,
              [
                {
                  sku: input.sku,
                  stock: input.stock,
                  priceCents: input.priceCents,
                  perBuyerLimit: input.perBuyerLimit,
                },
              ],
              new Map([[input.sku, variant]]),
              0,
            )
          )[0];
        await tx.query('update shows set featured_item_id = $2 where id = $1', [id, itemId]);
      },
      { sku: input.sku },
    );
    this.sales.forget(show.saleId);
    return result;
  }

  async unfeature(actor: Principal, id: string): Promise<Show> {
    const show = await this.owned(actor, id);
    const result = await this.change(id, 'show.unfeatured', async (tx) => {
      await deactivateSaleItems(tx, show.saleId, { onlyActive: false });
      await tx.query('update shows set featured_item_id = null where id = $1', [id]);
    });
    this.sales.forget(show.saleId);
    return result;
  }

  async pin(actor: Principal, id: string, text: string | null): Promise<Show> {
    await this.owned(actor, id);
    const pinned = text === null ? null : { text, at: new Date(this.clock.now()).toISOString() };
    return this.change(id, 'show.updated', async (tx) => {
      await tx.query('update shows set pinned = $2::jsonb where id = $1', [
        id,
        pinned === null ? null : JSON.stringify(pinned),
      ]);
    });
  }

  async addModerator(actor: Principal, id: string, userId: string): Promise<void> {
    await this.owned(actor, id);
    await this.store.query(
      'insert into show_moderators (show_id, user_id) values ($1, $2) on conflict do nothing',
      [id, userId],
    );
  }
}

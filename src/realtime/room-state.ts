import type { AuctionsService, AuctionView } from '../modules/auctions/index.ts';
import type {
  GiveawaysService,
  GiveawayView,
  PollsService,
  PollView,
  ReactionCounts,
  Show,
  ShowsService,
} from '../modules/shows/index.ts';

/** What a `show:ID` subscriber sees: the whole room, always the latest. */
export interface RoomState {
  readonly show: Show;
  readonly auction: AuctionView | null;
  readonly poll: PollView | null;
  readonly giveaway: GiveawayView | null;
  reactions: ReactionCounts;
  viewers: number;
  serverTime: string;
}

/** Builds a room's state from the store (on first subscribe, and when something structural changes). */
export class RoomService {
  constructor(
    private readonly shows: ShowsService,
    private readonly auctions: AuctionsService,
    private readonly polls: PollsService,
    private readonly giveaways: GiveawaysService,
  ) {}

  async snapshot(showId: string, reactions: ReactionCounts, viewers: number): Promise<RoomState | undefined> {
    const show = await this.shows.get(showId);
    if (!show) return undefined;
    const [auction, poll, giveaway] = await Promise.all([
      this.auctions.current(showId),
      this.polls.current(showId),
      this.giveaways.current(showId),
    ]);
    return {
      show,
      auction: auction ?? null,
      poll: poll ?? null,
      giveaway: giveaway ?? null,
      reactions,
      viewers,
      serverTime: show.serverTime,
    };
  }
}

import type { SaleItem } from '../sales/index.ts';

export const SHOW_STATUSES = ['scheduled', 'live', 'ended'] as const;
export type ShowStatus = (typeof SHOW_STATUSES)[number];

/** The product pinned in the room: a sale item of the show's own sale, bought through the claim engine. */
export interface FeaturedItem extends Omit<SaleItem, 'id' | 'active'> {
  readonly saleId: string;
  readonly itemId: string;
}

export interface Show {
  readonly id: string;
  readonly hostId: string;
  readonly hostName: string;
  readonly title: string;
  readonly description: string;
  readonly startsAt: string;
  readonly streamUrl: string | null;
  readonly hashtags: string[];
  readonly status: ShowStatus;
  readonly wentLiveAt: string | null;
  readonly endedAt: string | null;
  readonly saleId: string;
  readonly featured: FeaturedItem | null;
  readonly commentToBuy: { readonly enabled: boolean; readonly keyword: string };
  readonly slowModeSeconds: number;
  /** The host's own words masked in chat, beside the profanity list (folded: lower case, single spaces). */
  readonly blockedWords: readonly string[];
  readonly pinned: { readonly text: string; readonly at: string } | null;
  readonly followers: number;
  readonly serverTime: string;
}

export interface NewShow {
  title: string;
  startsAt: string;
  streamUrl?: string;
  hashtags?: string[];
  description?: string;
}

export interface ShowPatch {
  title?: string;
  description?: string;
  streamUrl?: string | null;
  commentToBuy?: boolean;
  keyword?: string;
  slowModeSeconds?: number;
  /** Replaces the list; `[]` clears it. */
  blockedWords?: string[];
}

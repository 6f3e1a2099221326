import type { SaleStatus } from '../../domain/sale-status.ts';
import type { Sql } from '../../platform/store/store.ts';

export interface WaitingRoomConfig {
  readonly admitPerMinute: number;
  readonly maxActive: number;
  readonly opensBeforeSeconds: number;
  readonly admissionTtlSeconds: number;
  readonly proofOfWork?: { readonly difficulty: number };
  /** Seconds without a poll or connection after which a ticket's holder counts as gone. */
  readonly abandonAfterSeconds?: number;
}

export interface SaleItem {
  readonly id: string;
  readonly sku: string;
  readonly title: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly stock: number;
  readonly remaining: number;
  readonly perBuyerLimit: number;
  readonly imageUrl: string | null;
  readonly active: boolean;
  readonly version: number;
}

export interface Sale {
  readonly id: string;
  readonly hostId: string;
  readonly title: string;
  readonly kind: 'sale' | 'show';
  readonly startsAt: string;
  readonly endsAt: string;
  readonly hashtags: string[];
  readonly holdSeconds: number;
  readonly waitingRoom: WaitingRoomConfig | null;
  /** The party this sale is an occurrence of (modules/parties), or null. */
  readonly partyId: string | null;
  readonly status: SaleStatus;
  readonly items: SaleItem[];
  readonly serverTime: string;
}

export interface NewSale {
  title: string;
  startsAt: string;
  endsAt: string;
  hashtags?: string[];
  holdSeconds?: number;
  waitingRoom?: WaitingRoomConfig;
  items: Array<{ sku: string; stock: number; priceCents?: number; perBuyerLimit: number }>;
}

/** What the claim engine needs to know about a sale, cached per node. */
export interface SaleInfo {
  readonly id: string;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly holdSeconds: number;
  readonly waitingRoom: WaitingRoomConfig | null;
  /** The waiting room's committed pre-open draw seed (secret) and its public sha256; null before migration 014. */
  readonly queueDraw?: { readonly seed: string; readonly seedHash: string } | null;
  readonly itemsBySku: ReadonlyMap<string, { readonly id: string; readonly active: boolean }>;
}

/** A sale item's row as its sale makes it, with the variant it sells. */
export interface SaleItemRow {
  readonly variantId: string | undefined;
  readonly sku: string;
  readonly title: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly stock: number;
  readonly perBuyerLimit: number;
  readonly position: number;
}

/**
 * Writes a sale's item rows in the caller's transaction. The claims module owns them (it sells
 * them) and reads sales, so the composition root hands its writer to `SalesService`.
 */
export type SaleItemsWriter = (
  tx: Sql,
  saleId: string,
  ids: readonly string[],
  items: readonly SaleItemRow[],
) => Promise<void>;

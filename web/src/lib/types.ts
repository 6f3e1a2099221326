/** The API's shapes as the web app uses them (see GET /docs/json for the full document). */

export type Role = 'buyer' | 'host' | 'admin';

export interface User {
  id: string;
  email: string | null;
  name: string;
  role: Role;
  guest: boolean;
  createdAt: string;
}

export interface Session {
  user: User;
  token: string;
}

export type SaleStatus = 'scheduled' | 'live' | 'sold_out' | 'ended';

export interface WaitingRoomConfig {
  admitPerMinute: number;
  maxActive: number;
  opensBeforeSeconds: number;
  admissionTtlSeconds: number;
  abandonAfterSeconds?: number;
  proofOfWork?: { difficulty: number };
}

export interface SaleItem {
  id?: string;
  sku: string;
  title: string;
  priceCents: number;
  currency: string;
  stock: number;
  remaining: number;
  perBuyerLimit: number;
  imageUrl: string | null;
  active?: boolean;
  version: number;
}

export interface Sale {
  id: string;
  hostId: string;
  title: string;
  kind: string;
  startsAt: string;
  endsAt: string;
  hashtags: string[];
  holdSeconds: number;
  waitingRoom: WaitingRoomConfig | null;
  status: SaleStatus;
  items: SaleItem[];
  serverTime: string;
}

/** A ticket's state in a waiting room (`queue:SALE:TICKET` state frames carry the same). */
export type TicketState = 'waiting' | 'admitted' | 'left' | 'abandoned' | 'done';

/** GET/POST /api/sales/:id/queue[/:ticket]: the holder's place in line. */
export interface QueueStatus {
  ticket: string;
  saleId: string;
  state: TicketState;
  /** 1-based place among those waiting; 0 once admitted; null before the draw or when gone. */
  position: number | null;
  etaSeconds: number | null;
  preOpen: boolean;
  saleStartsAt: string;
  paused: boolean;
  admissionToken?: string;
  admissionExpiresAt?: string;
}

/** GET /api/sales/:id/queue: the queue as its host sees it. */
export interface QueueHostView {
  saleId: string;
  length: number;
  waiting: number;
  preOpen: number;
  admitted: number;
  active: number;
  maxActive: number;
  configuredPerMinute: number;
  admitPerMinute: number;
  observedPerMinute: number | null;
  paused: boolean;
  opensAt: string;
  startsAt: string;
}

export interface PowChallenge {
  challenge: string;
  difficulty: number;
  expiresAt: string;
}

/** What a `sale:ID` channel sends (`state` frames). */
export interface SaleState {
  id: string;
  title: string;
  status: SaleStatus;
  startsAt: string;
  endsAt: string;
  serverTime: string;
  waitingRoom: boolean;
  items: SaleItem[];
}

export type ReservationState = 'held' | 'released' | 'expired' | 'checked_out';

export interface Reservation {
  id: string;
  saleId: string;
  saleItemId?: string;
  sku: string;
  quantity: number;
  priceCents?: number;
  currency?: string;
  state: ReservationState;
  source?: string;
  expiresAt: string;
  createdAt?: string;
  orderId?: string | null;
}

export interface WaitlistEntry {
  id: string;
  saleId: string;
  sku: string;
  quantity: number;
  state: string;
  position: number | null;
  reservationId: string | null;
  createdAt: string;
}

export interface Variant {
  id: string;
  sku: string;
  title: string;
  priceCents: number;
  currency: string;
}

export interface Product {
  id: string;
  hostId: string;
  title: string;
  description: string;
  imageUrl: string | null;
  hashtags: string[];
  variants: Variant[];
  createdAt: string;
}

export type OrderState =
  | 'pending_payment'
  | 'paid'
  | 'payment_failed'
  | 'packed'
  | 'shipped'
  | 'delivered'
  | 'cancelled'
  | 'refunded';

export type PaymentMethodKind = 'card' | 'wallet' | 'bnpl';

export interface Installment {
  dueDate: string;
  amountCents: number;
}

export interface OrderPayment {
  provider?: string;
  method?: PaymentMethodKind;
  status?: string;
  ref?: string;
  label?: string;
  reason?: string;
  installments?: Installment[];
  nextAction?: { type: 'challenge'; url: string };
}

export interface Shipping {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
  email?: string;
  phone?: string;
}

export interface OrderLine {
  sku: string;
  title: string;
  quantity: number;
  priceCents: number;
  reservationId: string | null;
}

export interface Order {
  id: string;
  buyerId: string;
  state: OrderState;
  source: string;
  totalCents: number;
  currency: string;
  lines: OrderLine[];
  shipping: Shipping | null;
  payment: OrderPayment | null;
  fulfilment: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface SavedPaymentMethod {
  id: string;
  method: string;
  label: string;
  createdAt: string;
}

export interface SaleStats {
  saleId: string;
  claims: number;
  unitsClaimed: number;
  unitsReturned: number;
  ordersPaid: number;
  unitsSold: number;
  revenueCents: number;
  claimsPerMinute: Array<{ minute: string; claims: number; units: number }>;
}

/** An RFC 9457 problem with Flashmob's stable `code` and its facts. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  remaining?: number;
  limit?: number;
  alreadyHeld?: number;
  retryAfterSeconds?: number;
  startsAt?: string;
  state?: string;
  orderId?: string;
  reason?: string;
  errors?: Array<{ path: string; message: string }>;
  opensAt?: string;
  [fact: string]: unknown;
}

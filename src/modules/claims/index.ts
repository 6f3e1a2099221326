/** The claims module's public entry: other modules and the app import only this file. */
export { ClaimEngine } from './engine.ts';
export { checkOutHolds, returnOrderStock } from './order-holds.ts';
export { type ClaimsModule, claimsPlugin, createClaims } from './plugin.ts';
export { ReservationsService } from './reservations.ts';
export { type AdmissionGate, claimRoutes, ReservationSchema } from './routes.ts';
export { deactivateSaleItems, insertSaleItems, restockSaleItem } from './sale-items.ts';
export { HoldSweeper } from './sweeper.ts';
export { WaitlistService } from './waitlist.ts';

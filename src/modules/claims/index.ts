/** The claims module's public entry: other modules and the app import only this file. */
export { ClaimEngine } from './engine.ts';
export { type ClaimsModule, claimsPlugin, createClaims } from './plugin.ts';
export { ReservationsService } from './reservations.ts';
export { type AdmissionGate, claimRoutes, ReservationSchema } from './routes.ts';
export { returnStock } from './stock-return.ts';
export { HoldSweeper } from './sweeper.ts';
export { WaitlistService } from './waitlist.ts';

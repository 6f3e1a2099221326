/** The parties module's public entry: other modules and the app import only this file. */

export { createParties, type PartiesModule, partiesPlugin } from './plugin.ts';
export { partyRoutes } from './routes.ts';
export { PartiesService } from './service.ts';

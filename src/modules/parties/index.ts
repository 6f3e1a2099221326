/** The parties module's public entry: other modules and the app import only this file. */
export { partyRoutes } from './routes.ts';
export { PartiesService } from './service.ts';

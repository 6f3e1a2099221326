/** The catalog module's public entry: other modules and the app import only this file. */
export { catalogRoutes, ProductSchema } from './routes.ts';
export { CatalogService, normaliseTag } from './service.ts';

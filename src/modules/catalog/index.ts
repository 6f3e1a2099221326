/** The catalog module's public entry: other modules and the app import only this file. */

export { type CatalogModule, catalogPlugin, createCatalog } from './plugin.ts';
export { catalogRoutes, ProductSchema } from './routes.ts';
export { CatalogService, normaliseTag } from './service.ts';

/** The sales module's public entry: other modules and the app import only this file. */

export { createSales, type SalesModule, salesPlugin } from './plugin.ts';
export { NewSaleItems, SaleSchema, salesRoutes, Tag, WaitingRoomSchema } from './routes.ts';
export { DEFAULT_HOLD_SECONDS, SalesService } from './service.ts';
export type {
  NewSale,
  Sale,
  SaleInfo,
  SaleItem,
  SaleItemRow,
  SaleItemsWriter,
  WaitingRoomConfig,
} from './types.ts';

import type { StoreKind } from '../../src/platform/store/store.ts';
import { serviceAvailable } from './services.ts';

/** The store adapters a suite runs against: PGlite always, PostgreSQL when reachable (required in CI). */
export async function storeKinds(): Promise<StoreKind[]> {
  return (await serviceAvailable('postgres')) ? ['pglite', 'postgres'] : ['pglite'];
}

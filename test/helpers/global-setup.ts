import { prepareTemplate } from './pglite-template.ts';

/** Builds (once, cached by migration contents) a migrated PGlite data dir that tests copy. */
export default async function setup(): Promise<void> {
  await prepareTemplate();
}

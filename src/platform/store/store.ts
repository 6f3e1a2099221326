/**
 * The Store port: the system of record. Both adapters speak PostgreSQL's dialect,
 * so one set of migrations and one set of queries serve both.
 */
export interface Sql {
  /** Run one parameterised statement ($1, $2…) and return its rows. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export type StoreKind = 'pglite' | 'postgres';

export interface Store extends Sql {
  readonly kind: StoreKind;
  /** Run `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * An ordered lane: statements sent on one lane run one after another in the order they were
   * sent, each in its own transaction, and the next is sent without waiting for the previous
   * one's answer. One key always gets the same lane (a few dedicated connections).
   */
  lane(key: string): Sql;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL error codes we act on. */
export const PG = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

export function pgCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * The statement failed on the data it carried, not because the database was unreachable or
 * busy: SQLSTATE class 22 (data exception: a NUL in text, a malformed timestamp), 23 (integrity
 * constraint) or 54 (program limit, such as an index row too large). The same rows fail the
 * same way again, so retrying them is pointless.
 */
export function isDataError(e: unknown): boolean {
  const code = pgCode(e);
  return code !== undefined && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

// better-auth's own connection pool: every connection sees the `auth` schema first, so its
// tables never mix with the read models. Its Kysely instance remembers the transaction it runs
// in, so a database hook can lock inside the very transaction that inserts the row, and the
// request it serves, so the outbox row records where that request came from (write-origin.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import { Kysely, type Transaction, TransactionBuilder } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { AUTH_SCHEMA } from '../../projectors/identity-access/reactor.ts';
import { openPool } from '../../projectors/runtime/pool.ts';
import type { AuthDB } from './tables.ts';
import { originDialect, type WriteOrigin } from './write-origin.ts';

export type AuthDatabase = {
  pool: pg.Pool;
  db: Kysely<AuthDB>;
  /** The transaction better-auth is running the current code in, if any. */
  currentTransaction: () => Transaction<AuthDB> | undefined;
  /**
   * Runs `fn` for a request from `origin`: each write it makes to these tables (in a
   * transaction of its own or better-auth's) records the origin in the outbox rows its
   * triggers write. Writes outside (the CLI, the log's own reactors) record none.
   */
  withOrigin: <T>(origin: WriteOrigin, fn: () => Promise<T>) => Promise<T>;
  close: () => Promise<void>;
};

export async function openAuthDatabase({
  databaseUrl,
  logger,
  max = 10,
}: {
  databaseUrl: string;
  logger: Logger;
  max?: number;
}): Promise<AuthDatabase> {
  await createSchema(databaseUrl);
  const pool = openPool(
    { connectionString: databaseUrl, max, options: `-c search_path=${AUTH_SCHEMA}` },
    (err) => logger.warn({ err }, 'auth database connection lost'),
  );
  const origins = new AsyncLocalStorage<WriteOrigin>();
  const base = new Kysely<AuthDB>({ dialect: originDialect(pool, origins) });
  const scope = new AsyncLocalStorage<Transaction<AuthDB>>();
  // Every transaction runs its callback inside `scope`; everything else stays Kysely's own.
  const inScope = (builder: TransactionBuilder<AuthDB>): TransactionBuilder<AuthDB> =>
    new Proxy(builder, {
      get(target, prop) {
        if (prop === 'execute') {
          return <T>(fn: (trx: Transaction<AuthDB>) => Promise<T>) =>
            target.execute((trx) => scope.run(trx, () => fn(trx)));
        }
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          return result instanceof TransactionBuilder ? inScope(result) : result;
        };
      },
    });
  const db = new Proxy(base, {
    get(target, prop) {
      if (prop === 'transaction') return () => inScope(target.transaction());
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    pool,
    db,
    currentTransaction: () => scope.getStore(),
    withOrigin: (origin, fn) => origins.run(origin, fn),
    close: () => base.destroy(),
  };
}

/** The schema must exist before a connection whose search_path names it can use it. */
async function createSchema(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${AUTH_SCHEMA}`).catch((err: { code?: string }) => {
      // Two processes starting together may race to create it; one of them wins.
      if (err.code !== '23505' && err.code !== '42P06') throw err;
    });
  } finally {
    await client.end();
  }
}

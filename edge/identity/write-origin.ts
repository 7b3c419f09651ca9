// Where a write to better-auth's tables came from, for the outbox triggers: the request's address,
// user agent and signed-in actor travel as transaction-local settings (hearth.client_ip,
// hearth.user_agent, hearth.actor_id, hearth.on_behalf_of) that the triggers copy into the
// outbox row. Set with is_local = true, they end with the transaction,
// so the next user of a pooled connection never sees them.
import type { AsyncLocalStorage } from 'node:async_hooks';
import {
  AliasNode,
  CompiledQuery,
  type DatabaseConnection,
  DeleteQueryNode,
  type Dialect,
  type Driver,
  InsertQueryNode,
  type OperationNode,
  PostgresDialect,
  type QueryResult,
  TableNode,
  type TransactionSettings,
  UpdateQueryNode,
} from 'kysely';
import type pg from 'pg';

/**
 * The same cleaned values the command path records (edge/http/command.ts requestOrigin), read
 * when a write happens: by then the request's session (if any) says who acts, and for whom.
 */
export type WriteOrigin = {
  readonly clientIp: string;
  readonly userAgent: string;
  /** The signed-in person (the admin, while impersonating); '' when no one is. */
  readonly actorId?: string;
  /** Whom an impersonating admin acts for; '' otherwise. */
  readonly onBehalfOf?: string;
};

/**
 * The writes whose triggers record an event (migrations/20261123T0900_outbox.ts): INSERT on user
 * and session, UPDATE on user and account, DELETE on session.
 */
const TRIGGERED = {
  insert: new Set(['user', 'session']),
  update: new Set(['user', 'account']),
  delete: new Set(['session']),
};

/** Whether a statement run outside a transaction may fire an outbox trigger. */
function mayRecord(node: OperationNode): boolean {
  const named = (table: OperationNode | undefined): string => {
    if (table && AliasNode.is(table)) return named(table.node);
    return table && TableNode.is(table) ? table.table.identifier.name : '';
  };
  if (InsertQueryNode.is(node)) return TRIGGERED.insert.has(named(node.into));
  if (UpdateQueryNode.is(node)) return TRIGGERED.update.has(named(node.table));
  if (DeleteQueryNode.is(node)) return TRIGGERED.delete.has(named(node.from?.froms[0]));
  return false;
}

const mark = (origin: WriteOrigin) =>
  CompiledQuery.raw(
    `SELECT set_config('hearth.client_ip', $1, true), set_config('hearth.user_agent', $2, true),
       set_config('hearth.actor_id', $3, true), set_config('hearth.on_behalf_of', $4, true)`,
    [origin.clientIp, origin.userAgent, origin.actorId ?? '', origin.onBehalfOf ?? ''],
  );

/**
 * PostgreSQL through `pool`, where every transaction begun inside `origins` carries its origin.
 * better-auth writes some rows outside any transaction (a profile update, a session): inside
 * `origins`, such a statement, when it is a write an outbox trigger records, runs in a
 * transaction of its own that carries it. Anything else (reads, raw SQL, a session's refresh,
 * the rate limiter's rows) runs as it is: what must record an origin without such a write runs
 * in a transaction (sign-in-failures.ts).
 */
export function originDialect(pool: pg.Pool, origins: AsyncLocalStorage<WriteOrigin>): Dialect {
  const postgres = new PostgresDialect({ pool });
  return {
    createAdapter: () => postgres.createAdapter(),
    createQueryCompiler: () => postgres.createQueryCompiler(),
    createIntrospector: (db) => postgres.createIntrospector(db),
    createDriver: () => originDriver(postgres.createDriver(), origins),
  };
}

function originDriver(inner: Driver, origins: AsyncLocalStorage<WriteOrigin>): Driver {
  const connections = new WeakMap<DatabaseConnection, { conn: DatabaseConnection; open: boolean }>();
  const of = (wrapper: DatabaseConnection) => {
    const found = connections.get(wrapper);
    if (!found) throw new Error('a connection this driver did not acquire');
    return found;
  };
  const alone = async <R>(conn: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<R>> => {
    const origin = origins.getStore();
    if (!origin || !mayRecord(query.query)) return conn.executeQuery<R>(query);
    await conn.executeQuery(CompiledQuery.raw('begin'));
    try {
      await conn.executeQuery(mark(origin));
      const result = await conn.executeQuery<R>(query);
      await conn.executeQuery(CompiledQuery.raw('commit'));
      return result;
    } catch (err) {
      await conn.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
      throw err;
    }
  };
  return {
    init: () => inner.init(),
    destroy: () => inner.destroy(),
    acquireConnection: async () => {
      const conn = await inner.acquireConnection();
      const state = { conn, open: false };
      const wrapper: DatabaseConnection = {
        executeQuery: <R>(query: CompiledQuery) =>
          state.open ? conn.executeQuery<R>(query) : alone<R>(conn, query),
        streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => conn.streamQuery<R>(query, chunkSize),
      };
      connections.set(wrapper, state);
      return wrapper;
    },
    beginTransaction: async (wrapper: DatabaseConnection, settings: TransactionSettings) => {
      const state = of(wrapper);
      await inner.beginTransaction(state.conn, settings);
      state.open = true;
      const origin = origins.getStore();
      if (!origin) return;
      // Kysely rolls back only a transaction whose begin succeeded: a failed mark ends it here,
      // so the connection goes back to the pool clean.
      await state.conn.executeQuery(mark(origin)).catch(async (err: unknown) => {
        state.open = false;
        await inner.rollbackTransaction(state.conn).catch(() => undefined);
        throw err;
      });
    },
    commitTransaction: async (wrapper) => {
      const state = of(wrapper);
      state.open = false;
      await inner.commitTransaction(state.conn);
    },
    rollbackTransaction: async (wrapper) => {
      const state = of(wrapper);
      state.open = false;
      await inner.rollbackTransaction(state.conn);
    },
    savepoint: (wrapper, name, compile) =>
      inner.savepoint?.(of(wrapper).conn, name, compile) ?? Promise.resolve(),
    rollbackToSavepoint: (wrapper, name, compile) =>
      inner.rollbackToSavepoint?.(of(wrapper).conn, name, compile) ?? Promise.resolve(),
    releaseSavepoint: (wrapper, name, compile) =>
      inner.releaseSavepoint?.(of(wrapper).conn, name, compile) ?? Promise.resolve(),
    releaseConnection: (wrapper) => inner.releaseConnection(of(wrapper).conn),
  };
}

// The hub's Postgres pools. A connection can end under any client, idle or checked out (a
// database restart, a terminated backend), and node-postgres tells of it with an 'error'
// event, which without a listener ends the process. So every client has one for its whole
// life: the query in flight, if any, fails with the same error and its caller decides, and
// the pool drops the connection when it comes back.
import pg from 'pg';
import { traceQueries } from './pg-trace.ts';

/**
 * How long a request waits for a connection: a server that neither answers nor refuses (a
 * host gone from the network) would otherwise hold every request that needs one for good.
 */
const CONNECT_TIMEOUT_MS = 5000;

export function openPool(config: pg.PoolConfig, onLost: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...config });
  // An idle client's end is told by its own listener below.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', onLost);
    traceQueries(client);
  });
  return pool;
}

/**
 * Class 08 (connection exceptions); 53300: no connection left for us; 57P01–03: shut down by
 * an admin, crashed, starting up.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53300$|57P0[123]$)/;
const UNAVAILABLE_ERRNO =
  /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;
// node-postgres, pg-pool and Kysely say these in words only, without a code.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end|driver has already been destroyed/i;

/**
 * The database cannot be reached just now (down, restarting, refusing connections, or this
 * process closing its pools): nothing about the request itself, so worth answering 503 and
 * retrying, never 500. Looks through causes (better-auth and Kysely wrap what the driver threw)
 * and through an AggregateError's errors (a host name with several addresses).
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const { code, message, cause, errors } = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.test(code)))
    return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

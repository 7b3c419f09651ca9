// The hub's Postgres pools. A connection can end under any client, idle or checked out (a
// database restart, a terminated backend), and node-postgres tells of it with an 'error'
// event, which without a listener ends the process. So every client has one for its whole
// life: the query in flight, if any, fails with the same error and its caller decides, and
// the pool drops the connection when it comes back.
import pg from 'pg';

export function openPool(config: pg.PoolConfig, onLost: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle client's end is told by its own listener below.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', onLost);
  });
  return pool;
}

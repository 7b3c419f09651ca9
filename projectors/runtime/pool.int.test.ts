import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/services.ts';
import { openPool } from './pool.ts';

let database: Awaited<ReturnType<typeof testDatabase>>;
let pool: pg.Pool;
/** Outside the pool: ends the pool's connections as a database restart would. */
let admin: pg.Client;
const lost: Error[] = [];

beforeAll(async () => {
  database = await testDatabase();
  pool = openPool({ connectionString: database.url, max: 3 }, (err) => lost.push(err));
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});
afterAll(async () => {
  await pool.end();
  await admin.end();
  await database.cleanup();
});

const terminate = (pid: number) => admin.query('SELECT pg_terminate_backend($1)', [pid]);
const pidOf = async (client: pg.PoolClient) =>
  (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number;
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('a database connection that ends under the hub', () => {
  it('is reported, not thrown, while a client is checked out between queries', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await terminate(await pidOf(client));
    await settle();
    expect(lost.length).toBeGreaterThan(0);
    // The transaction's next statement fails; the connection leaves the pool.
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('is reported, not thrown, while a client is idle in the pool', async () => {
    const client = await pool.connect();
    const pid = await pidOf(client);
    client.release();
    lost.length = 0;
    await terminate(pid);
    await settle();
    expect(lost.length).toBeGreaterThan(0);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

// The auth schema through pg_dump / pg_restore (Debian's postgresql-client). Only `auth` is
// dumped: better-auth's accounts, password hashes and sessions exist nowhere else, while every
// read model (and the chainer's links) is rebuilt from the restored streams, so it cannot
// disagree with them (a dump taken a moment after the snapshots would hold checkpoints past
// the restored streams' ends).
import { spawn } from 'node:child_process';
import pg from 'pg';

export const AUTH_SCHEMA = 'auth';

type Tools = {
  databaseUrl: string;
  /** PATH for pg_dump and pg_restore (edge/config.ts reads it). */
  searchPath: string;
};

/** The URL without its password, which goes to the child in PGPASSWORD (not on its command line). */
function connection({ databaseUrl, searchPath }: Tools): { url: string; env: Record<string, string> } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { url: url.toString(), env: { PATH: searchPath, ...(password && { PGPASSWORD: password }) } };
}

function run(bin: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${bin} exited with ${code}: ${err.trim()}`)),
    );
  });
}

export async function dumpAuth({ file, ...tools }: Tools & { file: string }): Promise<void> {
  const { url, env } = connection(tools);
  await run(
    'pg_dump',
    ['--format=custom', `--schema=${AUTH_SCHEMA}`, '--no-owner', '--no-privileges', `--file=${file}`, url],
    env,
  );
}

export async function restoreAuth({ file, ...tools }: Tools & { file: string }): Promise<void> {
  const { url, env } = connection(tools);
  await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${url}`, file], env);
}

/** The schemas holding tables: a restore goes only into a database with none of Hearth's. */
export async function schemasWithTables(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string }>(
      `SELECT DISTINCT table_schema AS schema FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    return rows.map((r) => r.schema);
  } finally {
    await client.end();
  }
}

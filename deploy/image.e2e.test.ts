// The production image's layout, without a Docker engine: what deploy/Dockerfile's final stage
// holds (package.json, node_modules, dist/ from `npm run build:server`, bin/hearth.mjs) and
// nothing else, no sources, started with plain `node dist/edge/main.js` as its CMD does. It must
// answer /health and /ready, serve the SPA from dist/ui/dist, and run the CLI compiled.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../edge/boot/infra.ts';
import { inheritedEnv, NATS_URL, testDatabase, testNats } from '../test/services.ts';
import { type Spawned, spawned } from '../test/spawned.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SPA_MARKER = 'the SPA as the image holds it';
let nats: Awaited<ReturnType<typeof testNats>>;
let database: Awaited<ReturnType<typeof testDatabase>>;
let app: string;
let hub: Spawned | undefined;
let port: number;

beforeAll(async () => {
  app = await mkdtemp(path.join(tmpdir(), 'hearth-image-'));
  // Type checking is `npm run typecheck`'s job; here only what tsc emits matters (and is fast).
  const build = spawnSync(
    process.execPath,
    ['bin/build-server.mjs', '--out', path.join(app, 'dist'), '--no-check'],
    { cwd: root, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`build:server failed:\n${build.stdout}\n${build.stderr}`);
  await cp(path.join(root, 'package.json'), path.join(app, 'package.json'));
  await mkdir(path.join(app, 'bin'));
  await cp(path.join(root, 'bin/hearth.mjs'), path.join(app, 'bin/hearth.mjs'));
  await symlink(path.join(root, 'node_modules'), path.join(app, 'node_modules'), 'dir');
  // What `npm run build` would have left in ui/dist, copied in by build:server.
  await mkdir(path.join(app, 'dist/ui/dist'), { recursive: true });
  await writeFile(path.join(app, 'dist/ui/dist/index.html'), `<!doctype html><title>${SPA_MARKER}</title>`);
  nats = await testNats();
  database = await testDatabase();
  port = await freePort();
}, 120_000);

afterAll(async () => {
  await hub?.stop('SIGTERM');
  await database?.cleanup();
  await nats?.cleanup();
  if (app) await rm(app, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...inheritedEnv(),
  NODE_ENV: 'production',
  NATS_URL,
  DATABASE_URL: database.url,
  HEARTH_NAMESPACE: nats.prefix,
  HEARTH_DATA_DIR: path.join(app, '.hearth'),
  HEARTH_AUTH_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
  PORT: String(port),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  ...extra,
});

async function answered(url: string, deadline: number): Promise<Response> {
  for (;;) {
    const r = await fetch(url).catch(() => undefined);
    if (r?.ok) return r;
    await r?.body?.cancel();
    if (Date.now() > deadline) throw new Error(`${url} never answered: ${JSON.stringify(hub?.output())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the production image, laid out as its final stage', () => {
  it('holds compiled JavaScript and the assets the hub reads, and no TypeScript', async () => {
    const files = (await readdir(path.join(app, 'dist'), { recursive: true })).map(String);
    expect(files.filter((f) => /\.[cm]?ts$/.test(f))).toEqual([]);
    expect(files.filter((f) => /\.(test|fixture)\.js$/.test(f))).toEqual([]);
    for (const f of [
      'edge/main.js',
      'edge/cli.js',
      'writers/audit/hash-worker.mjs',
      'contracts/catalog.comments.json',
    ])
      expect(files).toContain(f);
  });

  it('starts with `node dist/edge/main.js` and answers /health, then /ready', {
    timeout: 60_000,
  }, async () => {
    const started = Date.now();
    hub = spawned(process.execPath, ['dist/edge/main.js'], env(), { cwd: app });
    const health = await answered(`http://127.0.0.1:${port}/health`, started + 50_000);
    expect(health.status).toBe(200);
    const ready = await answered(`http://127.0.0.1:${port}/ready`, started + 55_000);
    expect(ready.status).toBe(200);
    console.log(`image layout: /ready after ${Date.now() - started} ms (node, compiled)`);
  });

  it('serves the SPA from dist/ui/dist', async () => {
    const page = await fetch(`http://127.0.0.1:${port}/some/deep/link`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(SPA_MARKER);
  });

  it('runs the CLI compiled, without a TypeScript loader', () => {
    const cli = spawnSync(process.execPath, ['bin/hearth.mjs', '--help'], {
      cwd: app,
      env: env(),
      encoding: 'utf8',
    });
    expect(cli.stdout + cli.stderr).toContain('Usage: hearth <command>');
    expect(cli.status).toBe(0);
  });
});

// `npm start` runs this first: it builds the SPA only when ui/dist is missing or older than
// its sources, so a start with nothing changed costs a few file stats, not a build.
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const UI = fileURLToPath(new URL('.', import.meta.url));
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts'];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs; // a deleted file changes its folder's mtime
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

export async function isStale(): Promise<boolean> {
  const built = (await stat(join(UI, 'dist', 'index.html')).catch(() => null))?.mtimeMs ?? 0;
  const sources = Math.max(...(await Promise.all(SOURCES.map((s) => newestMtime(join(UI, s))))));
  return built < sources;
}

/**
 * Runs `vite build` in a process of its own, with NODE_ENV=production: Vite and the React
 * plugin take NODE_ENV from the process, and a build started by the tests (NODE_ENV=test)
 * shipped React's development build (jsxDEV, 629 KB instead of 375), which the next
 * `npm start` then found fresh and served.
 */
export async function buildUi(): Promise<void> {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', UI, '--logLevel', 'warn'], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`vite build ${UI} failed (exit code ${code})`);
}

const LOCK = join(UI, '.build-lock');
/** A lock older than this was left by a build that died. */
const LOCK_STALE_MS = 120_000;

/**
 * Builds when stale; says whether it did. Test files run in parallel processes, and two
 * builds into one ui/dist would delete each other's files: the first takes a lock (mkdir
 * is atomic), the others wait for it and then find the build fresh.
 */
export async function ensureUiBuilt(): Promise<boolean> {
  for (;;) {
    if (!(await isStale())) return false;
    try {
      await mkdir(LOCK);
    } catch {
      const held = await stat(LOCK).catch(() => null);
      if (held && Date.now() - held.mtimeMs > LOCK_STALE_MS) await rm(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (!(await isStale())) return false;
      await buildUi();
      return true;
    } finally {
      await rm(LOCK, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!process.argv.includes('--if-stale') || (await isStale())) {
    process.stdout.write('Building the web app (ui/)…\n');
    await buildUi();
  }
}

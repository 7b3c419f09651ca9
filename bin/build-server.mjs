#!/usr/bin/env node
// `npm run build:server`: the hub compiled ahead of time, so production runs `node
// dist/edge/main.js` and loads no TypeScript compiler. tsc (tsconfig.build.json) emits edge/,
// writers/, projectors/ and contracts/ with their relative `.ts` imports rewritten to `.js`;
// this copies beside them what the hub reads at run time that tsc does not emit: plain
// JavaScript files (the audit hash worker) and the built SPA (`npm run build`), which
// edge/http/static.ts finds at ../../ui/dist from its own file, in the source tree and in dist.
//
// --out <dir>   where to write (default dist); relative to the repository
// --no-check    emit without type checking (the typecheck runs on its own: `npm run typecheck`)
import { spawnSync } from 'node:child_process';
import { cp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { out: { type: 'string', default: 'dist' }, 'no-check': { type: 'boolean', default: false } },
});
const out = path.resolve(root, values.out);
const SOURCES = ['edge', 'writers', 'projectors', 'contracts'];
/** Read at run time and not emitted by tsc (it emits only the JSON files that code imports). */
const ASSET = /\.(mjs|json)$/;
/** Never part of the hub: tests and their fixtures (tsconfig.build.json leaves them out too). */
const TEST_ONLY = /\.(test|fixture)\.[cm]?[jt]s$|(^|\/)fixtures\//;

// The output is removed first: never the repository or a folder holding it.
if (path.relative(out, root) === '' || !path.relative(out, root).startsWith('..')) {
  process.stderr.write(
    `build:server: --out ${values.out} would hold the sources; choose a folder of its own\n`,
  );
  process.exit(2);
}
await rm(out, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [
    path.join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    path.join(root, 'tsconfig.build.json'),
    '--outDir',
    out,
    ...(values['no-check'] ? ['--noCheck'] : []),
  ],
  { cwd: root, stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

let copied = 0;
for (const dir of SOURCES) {
  const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true });
  for (const e of entries) {
    const rel = path.relative(root, path.join(e.parentPath, e.name));
    if (!e.isFile() || !ASSET.test(e.name) || TEST_ONLY.test(rel)) continue;
    await cp(path.join(root, rel), path.join(out, rel));
    copied++;
  }
}
const ui = path.join(root, 'ui/dist');
const hasUi = await stat(ui).then(
  (s) => s.isDirectory(),
  () => false,
);
if (hasUi) await cp(ui, path.join(out, 'ui/dist'), { recursive: true });
process.stdout.write(
  `built ${path.relative(root, out).startsWith('..') ? out : path.relative(root, out)}: ${copied} asset(s) copied, ${hasUi ? 'with' : 'without (run `npm run build` first)'} the SPA\n`,
);

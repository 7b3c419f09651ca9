// The image installs `dependencies` only (npm ci --omit=dev): every package the compiled hub
// imports at run time (edge/, writers/, projectors/, contracts/ and bin/hearth.mjs, tests left
// out; `import type` is erased) must be listed there, not in devDependencies.
import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { expect, it } from 'vitest';

const SOURCES = ['edge', 'writers', 'projectors', 'contracts'];
const TEST_ONLY = /\.(test|fixture)\.[cm]?[jt]s$|(^|\/)fixtures\//;
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

async function runtimeFiles(): Promise<string[]> {
  const files = ['bin/hearth.mjs'];
  for (const dir of SOURCES)
    for (const f of await readdir(dir, { recursive: true }))
      if (/\.[cm]?[jt]s$/.test(f) && !TEST_ONLY.test(`${dir}/${f}`)) files.push(`${dir}/${f}`);
  return files;
}

it('lists every package the compiled hub imports in dependencies', async () => {
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { dependencies: Record<string, string> };
  const builtins = new Set(builtinModules);
  const missing = new Map<string, string>();
  let imported = 0;
  for (const file of await runtimeFiles()) {
    for (const m of (await readFile(file, 'utf8')).matchAll(IMPORT)) {
      const specifier = m[1] ?? m[2] ?? '';
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      imported++;
      const name = packageOf(specifier);
      if (!(name in pkg.dependencies)) missing.set(name, file);
    }
  }
  expect(imported).toBeGreaterThan(50);
  expect(Object.fromEntries(missing)).toEqual({});
});

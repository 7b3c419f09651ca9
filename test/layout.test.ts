// The house rules ARCHITECTURE.md states, checked on every run: imports run one way between
// the layers, nothing outside edge/ reaches into it, and no folder imports a folder that
// imports it back.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAYERS = ['contracts', 'writers', 'projectors', 'edge'] as const;
/** Code that runs the hub to exercise it, not part of it: tests, the bench, the CLI's entry. */
const HARNESS = /(\.test\.ts|\.fixture\.ts)$|^test\/|^bench\/|^ui\/e2e\/|^bin\//;

type Edge = { from: string; to: string };

function sources(): string[] {
  return execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.tsx', '*.mjs'], {
    cwd: ROOT,
  })
    .toString()
    .split('\n')
    .filter((f) => f && !f.startsWith('contracts/gen/') && !f.includes('node_modules/'));
}

/** Every relative import of every source file, as TypeScript's own scanner finds them. */
function imports(): Edge[] {
  const out: Edge[] = [];
  for (const file of sources()) {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // deleted in the working tree
    }
    // Static, dynamic, side-effect, re-export and require() imports alike.
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('./') && !fileName.startsWith('../')) continue;
      out.push({ from: file, to: normalize(relative(ROOT, join(ROOT, dirname(file), fileName))) });
    }
  }
  return out;
}

const layerOf = (file: string) => LAYERS.findIndex((l) => file.startsWith(`${l}/`));

/** Strongly connected components of size > 1 in the folder graph (Tarjan). */
function folderCycles(edges: Edge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = dirname(from);
    const b = dirname(to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    graph.get(a)?.add(b);
  }
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) ?? 0, order.get(w) ?? 0));
    }
    if (low.get(v) === order.get(v)) {
      const scc: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        on.delete(w);
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

describe('the layout', () => {
  const edges = imports();
  const product = edges.filter((e) => !HARNESS.test(e.from));

  it('imports run one way: contracts ← writers ← projectors ← edge', () => {
    const upward = product
      .filter((e) => layerOf(e.from) >= 0 && layerOf(e.to) > layerOf(e.from))
      .map((e) => `${e.from} → ${e.to}`);
    expect(upward).toEqual([]);
  });

  it('nothing outside edge/ imports from it, but tests, the bench and the CLI entry point', () => {
    const intoEdge = product
      .filter((e) => !e.from.startsWith('edge/') && e.to.startsWith('edge/'))
      .map((e) => `${e.from} → ${e.to}`);
    expect(intoEdge).toEqual([]);
  });

  it('the UI imports from the server only the shapes in contracts/', () => {
    const reach = product
      .filter(
        (e) => e.from.startsWith('ui/src/') && !e.to.startsWith('ui/') && !e.to.startsWith('contracts/'),
      )
      .map((e) => `${e.from} → ${e.to}`);
    expect(reach).toEqual([]);
  });

  it('no folder imports a folder that imports it back', () => {
    expect(folderCycles(product)).toEqual([]);
  });

  it('finds a loop when there is one', () => {
    const loop = [
      { from: 'a/x.ts', to: 'a/b/y.ts' },
      { from: 'a/b/y.ts', to: 'a/z.ts' },
    ];
    expect(folderCycles(loop)).toEqual([['a', 'a/b']]);
  });
});

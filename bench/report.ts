// Prints the table and writes bench/results.json: figures, baselines, ratios and targets.
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { round } from './lanes.ts';
import type { FigureResult, Measurement } from './types.ts';

export type Machine = Record<string, string | number>;

export function machineInfo(extra: Machine): Machine {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    ...extra,
  };
}

type Row = FigureResult & { ratio: number | null; pass: boolean | null };

function judge(f: FigureResult): Row {
  const ratio = f.figure && f.baseline ? f.figure.value / f.baseline.value : null;
  const t = f.target;
  let pass: boolean | null = null;
  if (t && 'below' in t) pass = f.figure ? f.figure.value < t.below : null;
  else if (t) pass = ratio === null ? null : ratio >= t.minRatio;
  return { ...f, ratio: ratio === null ? null : round(ratio, 3), pass };
}

const rate = (m: Measurement | null) =>
  m ? `${m.value.toLocaleString('en-US', { maximumFractionDigits: m.value < 100 ? 1 : 0 })} ${m.unit}` : '—';

const bound = (r: Row) => {
  const t = r.target;
  if (!t) return '';
  return 'below' in t ? `target < ${t.below} ${r.figure?.unit ?? ''}`.trim() : `target ≥ ${t.minRatio}×`;
};

export function printTable(figures: FigureResult[]): Row[] {
  const rows = figures.map(judge);
  const lines = rows.map((r) => {
    if (r.pending) return [r.title, `pending: ${r.pending}`, '', '', ''];
    const verdict = r.pass === null ? '' : `${r.pass ? 'PASS' : 'FAIL'} (${bound(r)})`;
    return [r.title, rate(r.figure), rate(r.baseline), r.ratio === null ? '—' : `${r.ratio}×`, verdict];
  });
  const header = ['figure', 'measured', 'baseline (same run)', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
  console.log('');
  for (const r of rows) {
    for (const m of [r.figure, r.baseline]) {
      if (!m) continue;
      const details = Object.entries(m.details ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      console.log(`  ${m.label}: ${m.count} in ${round(m.seconds, 2)} s${details ? `; ${details}` : ''}`);
    }
  }
  return rows;
}

export async function writeResults(path: URL, input: { machine: Machine; config: object; rows: Row[] }) {
  const { machine, config, rows } = input;
  const body = { timestamp: new Date().toISOString(), machine, config, figures: rows };
  await writeFile(path, `${JSON.stringify(body, null, 2)}\n`);
}

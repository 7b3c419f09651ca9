import { describe, expect, it } from 'vitest';
import type { ProjectorRunner } from '../../projectors/runtime/runner.ts';
import { outcome, progressLine, rebuildCommand } from './rebuild-cli.ts';

const at = (processed: number, remaining: number, status: 'running' | 'done' = 'running') => ({
  status,
  processed,
  targetSeq: processed + remaining,
  eventsPerSecond: 2500,
  remaining,
  etaSeconds: remaining > 0 ? Math.ceil(remaining / 2500) : 0,
});

describe('the rebuild progress bar', () => {
  it('shows the share done, the rate, what is left and the ETA', () => {
    expect(progressLine(at(25_000, 75_000))).toBe(
      '[######..................] 25% running: 25,000 events, 2,500/s, 75,000 left, ETA 30s',
    );
  });

  it('is full once done', () => {
    expect(progressLine(at(100, 0, 'done'))).toMatch(/^\[#{24}\] 100% done:/);
  });

  it('says the ETA is unknown before any rate is measured', () => {
    expect(progressLine({ ...at(0, 10), eventsPerSecond: 0, etaSeconds: null })).toContain('ETA —');
  });
});

describe('the outcome of one rebuild of several', () => {
  const sink = () => {
    const lines: string[] = [];
    return { lines, write: (s: string) => lines.push(s) > 0 };
  };

  it('names the one that failed and why, and exits 1', () => {
    const out = sink();
    const err = sink();
    const failed = Object.assign(new Error('A rebuild of b is already running.'), { code: 'conflict' });
    expect(outcome({ readModel: 'b', failed }, { out, err })).toBe(1);
    expect(err.lines).toEqual(['failed: b is as it was: A rebuild of b is already running.\n']);
    expect(out.lines).toEqual([]);
  });

  const ended = (readModel: string, status: 'done' | 'mismatch' | 'cancelled') => ({
    readModel,
    ended: { ...at(1, 0, 'done'), status, readModel, verification: null, accepted: false },
  });
  const run = (results: unknown[]) =>
    rebuildCommand({
      projectors: { rebuildTogether: async () => results } as unknown as ProjectorRunner,
      names: ['a', 'b', 'c'],
      cancel: false,
      acceptDifferences: false,
      out: sink() as unknown as NodeJS.WriteStream,
      err: sink() as unknown as NodeJS.WriteStream,
    });

  it('exits with the worst of them: cancelled, then failed, then not switched', async () => {
    const failed = { readModel: 'c', failed: new Error('boom') };
    expect(await run([ended('a', 'done'), ended('b', 'mismatch')])).toBe(2);
    expect(await run([ended('a', 'done'), ended('b', 'mismatch'), failed])).toBe(1);
    expect(await run([ended('a', 'cancelled'), ended('b', 'mismatch'), failed])).toBe(130);
    expect(await run([ended('a', 'done'), ended('b', 'done')])).toBe(0);
  });
});

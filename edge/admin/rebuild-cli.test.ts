import { describe, expect, it } from 'vitest';
import { progressLine } from './rebuild-cli.ts';

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

// A batch with members' erasures is applied in log order around each of them.
import { describe, expect, it } from 'vitest';
import { aroundErasures, erasedMember, hasErasure } from './erasures.ts';
import type { StoredEvent } from './types.ts';

const event = (seq: number, erases?: string) =>
  ({
    seq,
    event: erases
      ? { case: 'memberErased', value: { memberId: erases } }
      : { case: 'messagePosted', value: { messageId: `m${seq}` } },
  }) as unknown as StoredEvent;

async function steps(events: StoredEvent[]): Promise<string[]> {
  const out: string[] = [];
  await aroundErasures(
    events,
    async (run) => {
      out.push(`run ${run.map((e) => e.seq).join(',')}`);
    },
    async (member, e) => {
      out.push(`erase ${member} at ${e.seq}`);
    },
  );
  return out;
}

describe('a batch around erasures', () => {
  it('applies the events before an erasure, the erasure, then the events after it', async () => {
    expect(
      await steps([event(1), event(2), event(3, 'ann'), event(4), event(5, 'bob'), event(6, 'cy')]),
    ).toEqual(['run 1,2', 'erase ann at 3', 'run 4', 'erase bob at 5', 'erase cy at 6']);
  });

  it('is one run without an erasure, and nothing for an empty batch', async () => {
    expect(await steps([event(1), event(2)])).toEqual(['run 1,2']);
    expect(await steps([])).toEqual([]);
    expect(hasErasure([event(1)])).toBe(false);
    expect(hasErasure([event(1), event(2, 'ann')])).toBe(true);
    expect(erasedMember(event(2, 'ann'))).toBe('ann');
  });
});

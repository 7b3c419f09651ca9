import { decodeTime } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { token } from '../../contracts/subjects.ts';
import { newId } from './ids.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('a new id', () => {
  it('is a ULID that names a subject token and carries its time', () => {
    const at = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    const id = newId(at);
    expect(id).toMatch(ULID);
    expect(token(id)).toBe(id);
    expect(decodeTime(id)).toBe(at);
    expect(newId()).toMatch(ULID);
  });

  it('sorts by creation time', () => {
    expect(newId(1_000) < newId(1_001)).toBe(true);
    expect(newId(31) < newId(32)).toBe(true);
  });

  it('is unique and unguessable within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    // Random parts, not a counter: neighbours differ in more than their last characters.
    const sharedTail = ids.slice(1).filter((id, i) => id.slice(10, 22) === ids[i]?.slice(10, 22));
    expect(sharedTail.length).toBeLessThan(5);
    // Every character of the alphabet turns up in the random part.
    expect(new Set(ids.flatMap((id) => [...id.slice(10)])).size).toBe(32);
  });
});

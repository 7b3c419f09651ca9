import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/http.ts';
import { byMonth, formatSize, uploadErrorMessage } from './words.ts';

const MB = 1024 * 1024;

describe('upload error messages', () => {
  const say = (err: unknown) => uploadErrorMessage(err, { limit: 10 * MB, scannerNote: 'Start clamd.' });

  it('names the limit when a file is too large', () => {
    expect(say(new ApiError(413, 'media.too_large', 'x'))).toBe(
      'This file is too large to share: the limit is 10 MB.',
    );
  });
  it('says a kind of file cannot be shared', () => {
    expect(say(new ApiError(415, 'media.type_not_allowed', 'x'))).toMatch(/can’t be shared/);
  });
  it('says an infected file was not shared, for the namespaced and the bare code', () => {
    expect(say(new ApiError(422, 'media.infected', 'x'))).toBe('It looks like a virus, so it wasn’t shared.');
    expect(say(new ApiError(422, 'infected', 'x'))).toBe('It looks like a virus, so it wasn’t shared.');
  });
  it('gives the hub’s own note when the scanner is away', () => {
    expect(say(new ApiError(503, 'media.scanner_unavailable', 'x'))).toBe('Start clamd.');
    expect(uploadErrorMessage(new ApiError(503, 'media.scanner_unavailable', 'x'), { limit: MB })).toMatch(
      /Uploads are off until the virus scanner runs/,
    );
  });
  it('says nothing for a cancel', () => {
    expect(say(new DOMException('cancelled', 'AbortError'))).toBeNull();
  });
});

describe('sizes', () => {
  it('reads as people say them', () => {
    expect(formatSize(2 * MB)).toBe('2 MB');
    expect(formatSize(1.45 * MB)).toBe('1.4 MB');
    expect(formatSize(2048)).toBe('2 KB');
    expect(formatSize(1)).toBe('1 byte');
  });
});

describe('the gallery’s months', () => {
  it('groups newest first files by the month they were shared in', () => {
    const groups = byMonth([
      { id: 'c', created_at: '2026-03-20T12:00:00Z' },
      { id: 'b', created_at: '2026-03-02T12:00:00Z' },
      { id: 'a', created_at: '2026-01-15T12:00:00Z' },
    ]);
    expect(groups.map((g) => [g.key, g.files.map((f) => f.id)])).toEqual([
      ['2026-03', ['c', 'b']],
      ['2026-01', ['a']],
    ]);
  });
});

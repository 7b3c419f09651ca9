import { describe, expect, it } from 'vitest';
import { createDecodeCache } from './decode-cache.ts';

const msg = (seq: number, text: string, subject = 's') => ({ seq, subject, data: Buffer.from(text) });

describe('the decoded events readers share', () => {
  it('decodes a message once for every reader of it', () => {
    const cache = createDecodeCache<{ text: string }>();
    let decodes = 0;
    const decode = (m: { data: Uint8Array }) => () => {
      decodes++;
      return { value: { text: Buffer.from(m.data).toString() }, keyId: '' };
    };
    const first = msg(1, 'hello');
    // Each reader gets its own copy of the bytes, as each consumer does from NATS.
    const second = msg(1, 'hello');
    const a = cache.get('CHAT', first, decode(first));
    const b = cache.get('CHAT', second, decode(second));
    expect(b).toBe(a);
    expect(decodes).toBe(1);
  });

  it('decodes again when the bytes, the subject or the stream differ (a stream made again reuses sequences)', () => {
    const cache = createDecodeCache<string>();
    const decode = (m: { data: Uint8Array }) => () => ({ value: Buffer.from(m.data).toString(), keyId: '' });
    const one = msg(1, 'first');
    expect(cache.get('CHAT', one, decode(one))).toBe('first');
    const other = msg(1, 'other');
    expect(cache.get('CHAT', other, decode(other))).toBe('other');
    const moved = msg(1, 'other', 'elsewhere');
    expect(cache.get('CHAT', moved, () => ({ value: 'moved', keyId: '' }))).toBe('moved');
    expect(cache.get('PLAY', moved, () => ({ value: 'play', keyId: '' }))).toBe('play');
  });

  it('keeps nothing that failed to decode', () => {
    const cache = createDecodeCache<string>();
    const m = msg(1, 'x');
    expect(() =>
      cache.get('CHAT', m, () => {
        throw new Error('poison');
      }),
    ).toThrow('poison');
    expect(cache.get('CHAT', m, () => ({ value: 'decoded', keyId: '' }))).toBe('decoded');
  });

  it('keeps a bounded number per stream, dropping the oldest', () => {
    const cache = createDecodeCache<number>(2);
    let decodes = 0;
    const get = (seq: number) =>
      cache.get('CHAT', msg(seq, 'x'), () => {
        decodes++;
        return { value: seq, keyId: '' };
      });
    get(1);
    get(2);
    get(3);
    expect(decodes).toBe(3);
    get(3);
    get(2);
    expect(decodes).toBe(3);
    get(1);
    expect(decodes).toBe(4);
  });

  it('hands tests frozen events, so a reader that changes one fails', () => {
    const cache = createDecodeCache<{ event: { value: { ids: string[]; bytes: Uint8Array } } }>();
    const event = cache.get('CHAT', msg(1, 'x'), () => ({
      value: { event: { value: { ids: ['a'], bytes: new Uint8Array([1]) } } },
      keyId: '',
    }));
    expect(() => event.event.value.ids.push('b')).toThrow(TypeError);
    expect(() => {
      (event.event.value as { ids: string[] }).ids = [];
    }).toThrow(TypeError);
  });
});

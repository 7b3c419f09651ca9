// The log's boundary, in small: strings a read model cannot store are refused, named by field.
import type { JSONSchemaType } from 'ajv';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import { jsonBody, storable, storablePath, unstorableField } from './validate.ts';

const NUL = '\u0000';
const HIGH = '\uD800';
const LOW = '\uDC00';

describe('storable', () => {
  it('accepts text, emoji and surrogate pairs', () => {
    for (const s of ['', 'hello', 'héllo wörld', '👍🏽', '\uD83D\uDE00', '\u0001\uFFFF'])
      expect(storable(s)).toBe(true);
  });

  it('refuses NUL and unpaired surrogates anywhere', () => {
    for (const s of [NUL, `a${NUL}b`, HIGH, LOW, `a${HIGH}`, `${LOW}a`, `${LOW}${HIGH}`, `👍${HIGH}`])
      expect(storable(s)).toBe(false);
  });
});

describe('unstorableField', () => {
  it('is undefined for a value it can store', () => {
    expect(unstorableField({ a: 'x', b: [1, 'y', { c: null, d: true }] })).toBeUndefined();
  });

  it('names the first bad string as a dotted path, indices included', () => {
    expect(unstorableField({ content: `a${NUL}` })).toBe('content');
    expect(unstorableField({ placements: [{ user_id: 'a' }, { user_id: HIGH }] })).toBe(
      'placements.1.user_id',
    );
    expect(unstorableField({ rules: { xp: [{ id: 'ok' }], achievements: [{ title: LOW }] } })).toBe(
      'rules.achievements.0.title',
    );
    expect(unstorableField({ a: 'x', b: NUL, c: HIGH })).toBe('b');
  });

  it('names a bad key, made printable', () => {
    expect(unstorableField({ [`k${NUL}`]: 'v' })).toBe('k\uFFFD');
    expect(unstorableField({ a: { [HIGH]: 1 } })).toBe('a.\uFFFD');
  });

  it('names the body itself when it is the bad string', () => {
    expect(unstorableField(NUL)).toBe('(body)');
  });

  it('walks a value nested deeper than the stack would allow', () => {
    let deep: unknown = NUL;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableField(deep)).toMatch(/^0(\.0)*$/);
  });
});

describe('storablePath', () => {
  const app = new Hono();
  app.use(storablePath);
  app.post('/channels/:id/messages/:message', (c) => c.json({ ok: true }));
  app.onError((err, c) =>
    err instanceof HearthError
      ? c.json({ code: err.code, field: err.details?.field }, err.status)
      : c.text('', 500),
  );
  const post = (path: string) => app.request(path, { method: 'POST' });

  it('lets ordinary and escaped parameters through', async () => {
    for (const path of [
      '/channels/a/messages/b',
      '/channels/%F0%9F%91%8D/messages/%2500',
      '/channels/100%/messages/b',
    ])
      expect((await post(path)).status).toBe(200);
  });

  it('refuses NUL and escapes that are not UTF-8, naming the parameter', async () => {
    const cases = [
      ['/channels/a%00b/messages/b', 'id'],
      ['/channels/a/messages/%ED%A0%80', 'message'],
      ['/channels/a/messages/x%ED%B0%80', 'message'],
      ['/channels/%FF/messages/b', 'id'],
      ['/nowhere/%00', 'path'],
    ] as const;
    for (const [path, field] of cases) {
      const res = await post(path);
      expect({ path, status: res.status, body: await res.json() }).toEqual({
        path,
        status: 400,
        body: { code: 'invalid_request', field },
      });
    }
  });
});

describe('a body where null means absent', () => {
  it("drops the nulls and keeps a '__proto__' key as data, not as the prototype", async () => {
    const schema = {
      type: 'object',
      additionalProperties: { type: 'integer', nullable: true },
    } as unknown as JSONSchemaType<Record<string, number>>;
    const app = new Hono();
    app.post('/', jsonBody(schema, { nullIsAbsent: true }), (c) => {
      const body = c.req.valid('json');
      return c.json({
        keys: Object.keys(body),
        proto: Object.getPrototypeOf(body) === Object.prototype,
        own: Object.getOwnPropertyDescriptor(body, '__proto__')?.value,
      });
    });
    const res = await app.request('/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"__proto__": 1, "a": null, "b": 2}',
    });
    expect(await res.json()).toEqual({ keys: ['__proto__', 'b'], proto: true, own: 1 });
  });
});

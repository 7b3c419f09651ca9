import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ProjectorRunner } from '../../projectors/runtime/runner.ts';
import type { HubEnv } from './context.ts';
import { onError } from './errors.ts';
import { readAfter } from './read-after.ts';

/** A read behind readAfter, with a runner that reaches `reached` and a stream that ends at `head`. */
async function read(query: string, { reached, head }: { reached: number; head: number }) {
  const projectors = {
    waitFor: async (_name: string, seq: number) => seq <= reached,
    streamHead: async () => head,
  } as unknown as ProjectorRunner;
  const app = new Hono<HubEnv>();
  app.onError(onError);
  app.get('/', readAfter(projectors, 'chat_messages'), (c) => c.json({ ok: true }));
  const res = await app.request(`/${query}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('read-your-writes (?after=)', () => {
  it('reads once the model has applied the event', async () => {
    expect(await read('?after=5', { reached: 5, head: 9 })).toEqual({ status: 200, body: { ok: true } });
  });

  it('answers 503 not_caught_up when the model is behind an event the log has', async () => {
    const { status, body } = await read('?after=7', { reached: 5, head: 9 });
    expect({ status, code: body.code }).toEqual({ status: 503, code: 'not_caught_up' });
  });

  it('answers 400 for an event past the end of the log: no command answered with it', async () => {
    const { status, body } = await read('?after=10', { reached: 5, head: 9 });
    expect({ status, code: body.code }).toEqual({ status: 400, code: 'invalid_request' });
  });

  it('answers 400 for what is not a sequence number', async () => {
    for (const after of ['-1', 'x', '1e3', '9999999999999999'])
      expect((await read(`?after=${after}`, { reached: 5, head: 9 })).status).toBe(400);
  });
});

// The preferences follower on real NATS: it follows again after a reconnect, and stop() leaves
// nothing behind, even when it comes while the follower opens its next consumer: no consumer
// on the server, no listener on the link.
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS } from '../../contracts/events.ts';
import { testNats } from '../../test/services.ts';
import { createAppender } from '../../writers/log/append.ts';
import type { StoredEvent } from '../../writers/log/decode.ts';
import { type Log, openLog } from '../../writers/log/open.ts';
import { createPreferencesWriter } from '../../writers/preferences/commands.ts';
import { followStream } from './follow.ts';

let nats: Awaited<ReturnType<typeof testNats>>;
let log: Log;
beforeAll(async () => {
  nats = await testNats();
  log = await openLog({ nc: nats.nc, names: nats.names });
});
afterAll(() => nats.cleanup());

/**
 * The log with its link's reconnect listeners in the test's hands, and its consumers' opening:
 * held, from the second one (a follow again), each waits for `release` once it has told `asked`.
 */
function watched({ hold = false } = {}) {
  const listeners = new Set<() => void>();
  let opened = 0;
  let opening = () => {};
  const asked = new Promise<void>((resolve) => {
    opening = resolve;
  });
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const consumers = new Proxy(log.js.consumers, {
    get(target, key) {
      if (key === 'get')
        return async (...args: Parameters<typeof target.get>) => {
          if (++opened > 1) {
            opening();
            await released;
          }
          return target.get(...args);
        };
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const js = new Proxy(log.js, {
    get: (target, key) => (key === 'consumers' ? consumers : Reflect.get(target, key)),
  });
  const watchedLog: Log = {
    ...log,
    ...(hold ? { js } : {}),
    link: {
      ...log.link,
      onBack: (listener) => {
        listeners.add(listener);
        const off = log.link.onBack(listener);
        return () => {
          listeners.delete(listener);
          off();
        };
      },
    },
  };
  return {
    log: watchedLog,
    back: () => {
      for (const l of listeners) l();
    },
    listeners,
    asked,
    release,
  };
}

const change = (memberId: string, theme: 'dark' | 'light') =>
  createPreferencesWriter({ appender: createAppender({ log }) }).change(
    { memberId, theme },
    { actorId: memberId, correlationId: 'follow', commandId: randomUUID(), now: new Date() },
  );

/** The connection's subscriptions: each consumer being followed holds one. */
const subscriptions = () =>
  (
    nats.nc as unknown as { protocol: { subscriptions: { size: () => number } } }
  ).protocol.subscriptions.size();

async function until(ok: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 200 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('the preferences follower', () => {
  it('follows again after a reconnect; stopped, it leaves no consumer and no listener', async () => {
    const w = watched();
    const seen: StoredEvent[] = [];
    let lost = 0;
    await change('ann', 'dark'); // makes the stream
    const before = subscriptions();
    const f = await followStream({
      log: w.log,
      domain: 'preferences',
      logger: pino({ level: 'silent' }),
      onEvent: (e) => seen.push(e),
      onLost: () => lost++,
    });
    const first = await change('ann', 'light');
    await until(() => seen.some((e) => e.seq === first.seq));
    expect(lost).toBe(0);
    w.back();
    const second = await change('ann', 'dark');
    await until(() => seen.some((e) => e.seq === second.seq));
    expect(seen.map((e) => e.seq)).toEqual([first.seq, second.seq]);
    // It stopped hearing while it followed again: what was held from it is let go.
    expect(lost).toBe(1);
    expect(w.listeners.size).toBe(1);
    await f.stop();
    expect(w.listeners.size).toBe(0);
    expect(subscriptions()).toBe(before);
  });

  it('stopped while it opens again after a reconnect, it closes what it opened', async () => {
    const w = watched({ hold: true });
    await change('bob', 'dark');
    const before = subscriptions();
    const f = await followStream({
      log: w.log,
      domain: 'preferences',
      logger: pino({ level: 'silent' }),
      onEvent: () => {},
    });
    w.back();
    // The old consumer closed, the next one opening: stop comes now.
    await w.asked;
    const stopped = f.stop();
    w.release();
    await stopped;
    expect(subscriptions()).toBe(before);
    expect(w.listeners.size).toBe(0);
  });

  it('tells of an event it could not decode, and goes on with the next', async () => {
    const seen: StoredEvent[] = [];
    let lost = 0;
    await change('cid', 'dark');
    const f = await followStream({
      log,
      domain: 'preferences',
      logger: pino({ level: 'silent' }),
      onEvent: (e) => seen.push(e),
      onLost: () => lost++,
    });
    const headers = natsHeaders();
    headers.set(HEADERS.type, 'hearth.preferences.v1.PreferencesChanged');
    await log.js.publish(log.names.preferences.member('cid-garbage'), new Uint8Array([0xff, 0xff, 0xff]), {
      headers,
    });
    const after = await change('cid', 'light');
    await until(() => seen.some((e) => e.seq === after.seq));
    expect(seen.map((e) => e.seq)).toEqual([after.seq]);
    expect(lost).toBe(1);
    await f.stop();
  });
});

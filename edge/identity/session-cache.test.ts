// The session cache alone: what it keeps, for how long, and what ends it.
import { describe, expect, it } from 'vitest';
import type { CurrentSession } from './session.ts';
import { createSessionCache, sessionCookie } from './session-cache.ts';

const headers = (token: string) => new Headers({ cookie: `theme=dark; better-auth.session_token=${token}` });

function session(userId: string, sessionId: string, expiresAt: number): CurrentSession {
  return {
    user: {
      id: userId,
      email: `${userId}@family.test`,
      name: userId,
      image: null,
      role: 'member',
      emailVerified: true,
      banned: false,
      createdAt: new Date(0),
      updatedAt: new Date(0),
    },
    session: {
      id: sessionId,
      userId,
      expiresAt: new Date(expiresAt),
      ipAddress: null,
      userAgent: null,
      impersonatedBy: null,
    },
  };
}

function counted(answer: () => CurrentSession | null) {
  const load = async () => {
    load.calls++;
    return answer();
  };
  load.calls = 0;
  return load;
}

describe('the session cache', () => {
  it('finds the session cookie, secure or not, and nothing else', () => {
    expect(sessionCookie(headers('abc.sig'))).toBe('abc.sig');
    expect(sessionCookie(new Headers({ cookie: '__Secure-better-auth.session_token=x.y' }))).toBe('x.y');
    expect(sessionCookie(new Headers({ cookie: 'theme=dark' }))).toBeUndefined();
    expect(sessionCookie(new Headers())).toBeUndefined();
  });

  it('answers a verified session from memory until it is ended', async () => {
    let clock = 1_000;
    const cache = createSessionCache({ now: () => clock });
    const load = counted(() => session('ana', 's1', 10_000_000));
    await cache.get(headers('t1'), load);
    expect(await cache.get(headers('t1'), load)).toMatchObject({ user: { id: 'ana' } });
    expect(load.calls).toBe(1);
    clock += 1;
    cache.endSession('s1');
    await cache.get(headers('t1'), load);
    expect(load.calls).toBe(2);
  });

  it('never keeps a token that was not a session', async () => {
    const cache = createSessionCache();
    const load = counted(() => null);
    expect(await cache.get(headers('forged'), load)).toBeNull();
    expect(await cache.get(headers('forged'), load)).toBeNull();
    expect(load.calls).toBe(2);
    expect(cache.size()).toBe(0);
  });

  it('keeps nothing past the session’s expiry', async () => {
    let clock = 1_000;
    const cache = createSessionCache({ now: () => clock });
    const load = counted(() => session('ana', 's1', 1_500));
    await cache.get(headers('t1'), load);
    clock = 1_400;
    await cache.get(headers('t1'), load);
    expect(load.calls).toBe(1);
    clock = 1_500;
    await cache.get(headers('t1'), load);
    expect(load.calls).toBe(2);
  });

  it('ends every session of a person at once, and keeps none of theirs while the change settles', async () => {
    let clock = 1_000;
    const cache = createSessionCache({ now: () => clock, settleMs: 10_000 });
    const load = counted(() => session('ana', 's1', 10_000_000));
    const other = counted(() => session('ana', 's2', 10_000_000));
    await cache.get(headers('t1'), load);
    await cache.get(headers('t2'), other);
    cache.endUser('ana');
    expect(cache.size()).toBe(0);
    // The database may still hold the old answer until the change is applied there.
    await cache.get(headers('t1'), load);
    await cache.get(headers('t1'), load);
    expect(load.calls).toBe(3);
    clock += 10_000;
    await cache.get(headers('t1'), load);
    await cache.get(headers('t1'), load);
    expect(load.calls).toBe(4);
  });

  it('does not store an answer looked up before an event that ended it', async () => {
    const cache = createSessionCache();
    let release: () => void = () => undefined;
    const slow = async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      return session('bob', 's9', 10_000_000);
    };
    const pending = cache.get(headers('t9'), slow);
    cache.endSession('another');
    release();
    await pending;
    expect(cache.size()).toBe(0);
  });

  it('forgets the session a sign-out sends', async () => {
    const cache = createSessionCache();
    const load = counted(() => session('ana', 's1', 10_000_000));
    await cache.get(headers('t1'), load);
    cache.forget(headers('t1'));
    expect(cache.size()).toBe(0);
  });
});

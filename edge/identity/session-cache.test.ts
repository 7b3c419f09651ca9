// The session cache alone: what it keeps, for how long, and what ends it.
import { describe, expect, it } from 'vitest';
import type { CurrentSession } from './session.ts';
import { createSessionCache as create, sessionCookie } from './session-cache.ts';

const NAME = 'better-auth.session_token';
/** An expiry far ahead of the real clock, for tests that keep it. */
const FAR = Date.now() + 1e9;
const headers = (token: string) => new Headers({ cookie: `theme=dark; ${NAME}=${token}` });
const createSessionCache = (options: Omit<Parameters<typeof create>[0], 'cookieName'> = {}) =>
  create({ cookieName: async () => NAME, ...options });

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
  it('reads the cookie better-auth reads, by its exact name, and none when it is given twice', () => {
    expect(sessionCookie(headers('abc.sig'), NAME)).toBe('abc.sig');
    const secure = `__Secure-${NAME}`;
    expect(sessionCookie(new Headers({ cookie: `${secure}=x.y` }), secure)).toBe('x.y');
    // A look-alike name planted beside it is not the session cookie.
    expect(sessionCookie(new Headers({ cookie: `evil.session_token=K; ${secure}=x.y` }), secure)).toBe('x.y');
    expect(sessionCookie(new Headers({ cookie: `${NAME}=STALE.sig` }), secure)).toBeUndefined();
    expect(sessionCookie(new Headers({ cookie: `${NAME}=a; ${NAME}=b` }), NAME)).toBeUndefined();
    expect(sessionCookie(new Headers({ cookie: 'theme=dark' }), NAME)).toBeUndefined();
    expect(sessionCookie(new Headers(), NAME)).toBeUndefined();
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
    clock += 10_001;
    await cache.get(headers('t1'), load);
    await cache.get(headers('t1'), load);
    expect(load.calls).toBe(4);
  });

  it('does not store an answer looked up before an event that ended it', async () => {
    const cache = createSessionCache();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started: () => void = () => undefined;
    const begun = new Promise<void>((r) => {
      started = r;
    });
    const slow = async () => {
      started();
      await gate;
      return session('bob', 's9', FAR);
    };
    const pending = cache.get(headers('t9'), slow);
    await begun;
    cache.endSession('another');
    release();
    await pending;
    expect(cache.size()).toBe(0);
  });

  it('forgets the session a sign-out sends', async () => {
    const cache = createSessionCache();
    const load = counted(() => session('ana', 's1', FAR));
    await cache.get(headers('t1'), load);
    await cache.forget(headers('t1'));
    expect(cache.size()).toBe(0);
    // Whatever the database still says, that session is over.
    expect(await cache.get(headers('t1'), load)).toBeNull();
  });

  it('trusts a ban, a revoke and a role over a database that has not applied them yet', async () => {
    let clock = 1_000;
    const cache = createSessionCache({ now: () => clock, settleMs: 10_000 });
    const stale = counted(() => session('ana', 's1', 10_000_000));
    await cache.get(headers('t1'), stale);
    cache.roleChanged('ana', 'child');
    clock += 60_000; // long after the settle window: the reactor is far behind
    expect((await cache.get(headers('t1'), stale))?.user.role).toBe('child');
    expect(cache.size()).toBe(0);
    cache.banned('ana', null);
    expect(await cache.get(headers('t1'), stale)).toBeNull();
    cache.unbanned('ana');
    expect(await cache.get(headers('t1'), stale)).not.toBeNull();
    const other = counted(() => session('bob', 's2', 10_000_000));
    cache.endSession('s2');
    clock += 60_000;
    expect(await cache.get(headers('t2'), other)).toBeNull();
    expect(cache.size()).toBe(0);
  });

  it('refuses every session of an erased person at once, whatever the database says yet', async () => {
    let clock = 1_000;
    const cache = createSessionCache({ now: () => clock, settleMs: 10_000 });
    const stale = counted(() => session('eve', 's1', 10_000_000));
    expect(await cache.get(headers('t1'), stale)).not.toBeNull();
    expect(cache.size()).toBe(1);
    cache.erased('eve');
    expect(cache.size()).toBe(0);
    clock += 60_000; // the reactor has not removed their sessions yet
    expect(await cache.get(headers('t1'), stale)).toBeNull();
    expect(await cache.get(headers('t9'), stale)).toBeNull();
    // An unban changes nothing of it.
    cache.unbanned('eve');
    expect(await cache.get(headers('t1'), stale)).toBeNull();
    expect(cache.size()).toBe(0);
  });

  it('answers nothing from memory while it cannot hear the events', async () => {
    const cache = createSessionCache();
    const load = counted(() => session('ana', 's1', FAR));
    await cache.get(headers('t1'), load);
    cache.deaf();
    await cache.get(headers('t1'), load);
    await cache.get(headers('t1'), load);
    expect(load.calls).toBe(3);
    cache.hearing();
    await cache.get(headers('t1'), load);
    await cache.get(headers('t1'), load);
    expect(load.calls).toBe(4);
  });

  describe('while the database is away', () => {
    const away = async (): Promise<CurrentSession | null> => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    };

    it('answers a session as it was last verified, past its minute', async () => {
      let clock = 1_000;
      const cache = createSessionCache({ now: () => clock });
      await cache.get(headers('t1'), async () => session('ana', 's1', 10_000_000));
      clock += 5 * 60_000;
      expect(await cache.get(headers('t1'), away)).toMatchObject({ user: { id: 'ana' } });
      // Back: the database is asked again, and its answer replaces memory's.
      const load = counted(() => null);
      expect(await cache.get(headers('t1'), load)).toBeNull();
      expect(load.calls).toBe(1);
      await expect(cache.get(headers('t1'), away)).rejects.toThrow('ECONNREFUSED');
    });

    it('still ends it on the events, and keeps it no longer than they are remembered', async () => {
      let clock = 1_000;
      const cache = createSessionCache({ now: () => clock });
      const load = async () => session('ana', 's1', 100_000_000);
      await cache.get(headers('t1'), load);
      await cache.get(headers('t2'), async () => session('bob', 's2', 100_000_000));
      clock += 2 * 60_000;
      cache.endUser('ana');
      await expect(cache.get(headers('t1'), away)).rejects.toThrow('ECONNREFUSED');
      cache.endSession('s2');
      await expect(cache.get(headers('t2'), away)).rejects.toThrow('ECONNREFUSED');
      await cache.get(headers('t3'), async () => session('cy', 's3', 100_000_000));
      clock += 15 * 60_000 + 1;
      await expect(cache.get(headers('t3'), away)).rejects.toThrow('ECONNREFUSED');
    });

    it('keeps a ban heard during a long outage until the database has been back for a while', async () => {
      let clock = 1_000;
      const cache = createSessionCache({ now: () => clock });
      cache.banned('bob', null);
      cache.endSession('s9');
      // Twenty minutes away, asked now and then: the reactor that writes bans is stopped too.
      for (let minute = 0; minute < 20; minute++) {
        clock += 60_000;
        await expect(cache.get(headers('t1'), away)).rejects.toThrow('ECONNREFUSED');
      }
      // Back, with the reactor still behind: the database still calls them fine.
      clock += 60_000;
      expect(await cache.get(headers('t1'), async () => session('bob', 's1', FAR))).toBeNull();
      expect(await cache.get(headers('t2'), async () => session('cy', 's9', FAR))).toBeNull();
      // Long after, what the database says stands again.
      clock += 15 * 60_000;
      expect(await cache.get(headers('t1'), async () => session('bob', 's1', FAR))).toMatchObject({
        user: { id: 'bob' },
      });
    });

    it('answers nothing past the session’s expiry, and nothing it never verified', async () => {
      let clock = 1_000;
      const cache = createSessionCache({ now: () => clock });
      await cache.get(headers('t1'), async () => session('ana', 's1', 100_000));
      clock = 100_000;
      await expect(cache.get(headers('t1'), away)).rejects.toThrow('ECONNREFUSED');
      await expect(cache.get(headers('t9'), away)).rejects.toThrow('ECONNREFUSED');
    });

    it('answers nothing from memory for another failure, or while it cannot hear the events', async () => {
      let clock = 1_000;
      const cache = createSessionCache({ now: () => clock });
      await cache.get(headers('t1'), async () => session('ana', 's1', 10_000_000));
      clock += 2 * 60_000;
      const broken = async (): Promise<CurrentSession | null> => {
        throw new Error('column "banned" does not exist');
      };
      await expect(cache.get(headers('t1'), broken)).rejects.toThrow('does not exist');
      await cache.get(headers('t2'), async () => session('bob', 's2', 10_000_000));
      clock += 2 * 60_000;
      cache.deaf();
      cache.hearing();
      await expect(cache.get(headers('t2'), away)).rejects.toThrow('ECONNREFUSED');
    });
  });
});

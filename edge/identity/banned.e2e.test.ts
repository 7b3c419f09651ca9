// A ban explained to the person banned, over a whole hub: their open socket hears why before
// it closes, and signing in again is refused with identity.banned, in family words, with the
// reason and the end. Only the right password learns it: a wrong one is the usual refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHubs, PASSWORD, type Person, startChatHubs } from '../../test/sockets.ts';

let t: ChatHubs;
let ann: Person; // the admin
let bob: Person;

const signIn = (email: string, password = PASSWORD) =>
  fetch(`${t.edges[0]?.url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: t.origin },
    body: JSON.stringify({ email, password }),
  });

beforeAll(async () => {
  t = await startChatHubs();
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test');
});
afterAll(() => t?.stop());

describe('when a family admin bans someone who is signed in', () => {
  const until = new Date(Date.now() + 3 * 86_400_000).toISOString();

  it('tells their open socket it was a ban, with the reason and the end, then closes it for good', async () => {
    const ws = await bob.connect();
    const res = await ann.request(`/api/v1/admin/users/${bob.id}/ban`, {
      body: { reason: 'Too many late-night memes', expiresAt: until },
    });
    expect(res.status).toBe(200);
    expect(await ws.waitFor((f) => f.type === 'session_ended')).toEqual({
      type: 'session_ended',
      why: 'banned',
      reason: 'Too many late-night memes',
      until,
    });
    const closed = await ws.closed;
    expect(closed).toEqual({ code: 4401, reason: 'banned' });
  });

  it('refuses their sign-in with identity.banned, saying who, why, until when and what to do', async () => {
    const res = await signIn('bob@family.test');
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: string; code: string; details: unknown };
    expect(body.code).toBe('identity.banned');
    expect(body.details).toEqual({ reason: 'Too many late-night memes', until });
    expect(body.error).toContain('A family admin has banned this account until');
    expect(body.error).toContain('Too many late-night memes');
    expect(body.error).toContain('ask your family’s admin');
    expect(body.error).not.toMatch(/support/i);
  });

  it('tells a wrong password nothing about the ban', async () => {
    const res = await signIn('bob@family.test', 'not the password at all');
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).not.toMatch(/ban/i);
  });
});

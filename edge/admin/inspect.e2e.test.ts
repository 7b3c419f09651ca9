// Stream inspection over a whole hub on real NATS and Postgres: the streams' and consumers'
// figures, events browsed by sequence and by time with personal fields withheld (and erased
// for an erased member), and an aggregate travelled back to a sequence or a moment, equal to
// the writers' own fold there. Hostile parameters are refused and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AggregateAt,
  ConsumersAnswer,
  EventsPage,
  LoggedEvent,
  StreamFigures,
} from '../../contracts/inspect.api.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { channelAggregate } from '../../writers/chat/channel.ts';
import { foldAggregate } from '../../writers/log/fold.ts';
import { completionAggregate } from '../../writers/play/completion.ts';
import { runInspect } from './inspect-cli.ts';
import { plain } from './plain.ts';

let t: TestHub;
let admin: TestClient;
let bob: TestClient;
let cy: TestClient;
const ids = { admin: '', bob: '', cy: '' };

async function ok<T>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  const body = await r.json();
  if (r.status >= 300) throw new Error(`${r.status}: ${JSON.stringify(body)}`);
  return body as T;
}
const get = <T>(path: string, who = admin) => ok<T>(who.request(`/api/v1${path}`));
const post = <T>(path: string, body: unknown = {}, who = admin) =>
  ok<T>(who.request(`/api/v1${path}`, { body }));

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'ann@family.test', name: 'Ann' });
  bob = t.client();
  await bob.signUp({ email: 'bob@family.test', name: 'Bob Secretname' });
  cy = t.client();
  await cy.signUp({ email: 'cy@family.test', name: 'Cy Erasedname' });
  ids.admin = (await admin.me()).id;
  ids.bob = (await bob.me()).id;
  ids.cy = (await cy.me()).id;
});
afterAll(async () => {
  await t?.stop();
});

describe('the streams', () => {
  it('give their figures: messages, bytes, sequences and times, subjects and retention', async () => {
    const streams = await get<StreamFigures[]>('/admin/streams');
    const identity = streams.find((s) => s.domain === 'identity');
    expect(identity).toMatchObject({ retention: 'limits', maxAgeDays: 365, firstSeq: 1 });
    expect(identity?.messages).toBeGreaterThanOrEqual(3);
    expect(identity?.lastSeq).toBe(identity?.messages);
    expect(identity?.bytes).toBeGreaterThan(0);
    // One subject per aggregate: as many as the events up to that moment name (the relay may
    // append more meanwhile).
    const all = await get<EventsPage>('/admin/streams/identity/events?limit=500');
    const then = all.events.filter((e) => e.seq <= (identity?.lastSeq ?? 0));
    expect(identity?.numSubjects).toBe(new Set(then.map((e) => e.subject)).size);
    expect(Date.parse(identity?.lastTime ?? '')).toBeGreaterThanOrEqual(
      Date.parse(identity?.firstTime ?? ''),
    );
  });
});

describe('the consumers', () => {
  it('give pending, redelivered and lag for every read model and reactor, and a sampled history', async () => {
    const answer = await eventually(async () => {
      const a = await get<ConsumersAnswer>('/admin/consumers');
      const users = a.consumers.find((x) => x.name === 'identity_users');
      return users?.pending !== null && users?.lagEvents === 0 && a.history.length > 0 ? a : undefined;
    });
    const users = answer.consumers.find((x) => x.name === 'identity_users');
    expect(users).toMatchObject({ kind: 'read-model', consumer: 'rm_identity_users', lagSeconds: 0 });
    expect(users?.redelivered).toBeGreaterThanOrEqual(0);
    expect(answer.consumers.some((x) => x.kind === 'reactor')).toBe(true);
    expect(answer.history[0]?.lag.identity_users).toBeDefined();
    expect(answer.everySeconds).toBeGreaterThanOrEqual(10);
  });
});

describe('browsing a stream', () => {
  it('reads 50 at a time from a sequence, each event with its headers and no personal value', async () => {
    const all = await get<EventsPage>('/admin/streams/identity/events');
    expect(all.events.length).toBeLessThanOrEqual(50);
    const bobs = all.events.find(
      (e) => e.type.endsWith('UserRegistered') && e.actor === ids.bob,
    ) as LoggedEvent;
    expect(bobs.headers['Hearth-Type']).toBe('hearth.identity.v1.UserRegistered');
    expect(bobs.personal).toEqual({
      status: 'withheld',
      fields: expect.arrayContaining(['userRegistered.email', 'userRegistered.name']),
    });
    const one = await get<EventsPage>(`/admin/streams/identity/events?from_seq=${bobs.seq}&limit=1`);
    expect(one.events.map((e) => e.seq)).toEqual([bobs.seq]);
    const text = JSON.stringify(all);
    expect(text).not.toContain('Secretname');
    expect(text).not.toContain('bob@family.test');
    expect(text).not.toContain('"box"');
  });

  it('starts at a moment: the first event stored then or later', async () => {
    const all = await get<EventsPage>('/admin/streams/identity/events?limit=500');
    const middle = all.events[Math.floor(all.events.length / 2)] as LoggedEvent;
    const since = await get<EventsPage>(
      `/admin/streams/identity/events?since=${encodeURIComponent(middle.time)}`,
    );
    const first = all.events.find((e) => e.time >= middle.time) as LoggedEvent;
    expect(since.events[0]?.seq).toBe(first.seq);
    const future = await get<EventsPage>('/admin/streams/identity/events?since=2999-01-01T00:00:00Z');
    expect(future.events).toEqual([]);
  });

  it('filters by subject, inside the stream only', async () => {
    const mine = await get<EventsPage>(
      `/admin/streams/identity/events?subject=${encodeURIComponent(`user.${ids.bob}.*`)}`,
    );
    expect(mine.events.length).toBeGreaterThan(0);
    expect(mine.events.every((e) => e.subject.includes(`.user.${ids.bob}.`))).toBe(true);
    // A filter names subjects of this stream only: another domain's reads nothing here.
    const chat = await get<EventsPage>(
      `/admin/streams/identity/events?subject=${encodeURIComponent('hearth.chat.>')}`,
    );
    expect(chat.events).toEqual([]);
  });

  it("says an erased member's fields are erased", async () => {
    await post(`/admin/members/${ids.cy}/erase`, { requestedBy: ids.admin });
    const page = await eventually(async () => {
      const p = await get<EventsPage>(
        `/admin/streams/identity/events?subject=${encodeURIComponent(`user.${ids.cy}.>`)}`,
      );
      return p.events.some((e) => e.personal?.status === 'erased') ? p : undefined;
    });
    const registered = page.events.find((e) => e.type.endsWith('UserRegistered'));
    expect(registered?.personal?.status).toBe('erased');
    expect(JSON.stringify(page)).not.toContain('Erasedname');
  });
});

describe('time travel', () => {
  it("folds a chore's completion up to a sequence: as the writers folded it before the rejection", async () => {
    const chore = await post<{ id: string; seq: number }>('/play/chores', {
      title: 'Feed the cat',
      points: 40,
      recurrence: 'daily',
    });
    const done = await post<{ id: string }>(`/play/chores/${chore.id}/done`, {}, bob);
    const approved = await post<{ seq: number }>(`/play/chores/${chore.id}/completions/${done.id}/approve`, {
      member_id: ids.bob,
    });
    const { log } = t.hub.deps;
    const key = `${chore.id}:${done.id}`;
    const subject = completionAggregate.subject(log.names, key);
    const before = await foldAggregate({ log, type: completionAggregate, subject });
    await post(`/play/chores/${chore.id}/completions/${done.id}/reject`, {
      reason: 'the cat says otherwise',
    });

    const at = await get<AggregateAt>(`/admin/aggregates/play/completion/${key}?at_seq=${approved.seq}`);
    expect(at.version).toBe(before.seq);
    expect(at.state).toEqual(plain(before.state));
    expect(at.folded).toBe(2);
    const now = await get<AggregateAt>(`/admin/aggregates/play/completion/${key}`);
    expect(now.state).toMatchObject({ status: 'rejected' });
    expect(now.history.events.map((e) => e.type.split('.').at(-1))).toHaveLength(3);
  });

  it('folds a channel up to a moment', async () => {
    const channel = await post<{ id: string; seq: number }>('/channels', { name: 'Sunday evening' });
    const { log } = t.hub.deps;
    const subject = channelAggregate.subject(log.names, channel.id);
    const then = await foldAggregate({ log, type: channelAggregate, subject });
    const stored = await log.jsm.direct.getMessage(log.names.stream('chat'), { seq: then.seq });
    await post(`/channels/${channel.id}/members`, { user_id: ids.bob });

    const time = encodeURIComponent(stored?.time.toISOString() ?? '');
    const at = await get<AggregateAt>(`/admin/aggregates/chat/channel/${channel.id}?at_time=${time}`);
    expect(at.version).toBe(then.seq);
    expect(at.state).toEqual(plain(then.state));
    const now = await get<AggregateAt>(`/admin/aggregates/chat/channel/${channel.id}`);
    expect(now.version).toBeGreaterThan(then.seq);
    expect(now.state).not.toEqual(at.state);
  });
});

describe('hostile parameters', () => {
  it.each([
    ['/admin/streams/nosuch/events', 404],
    ['/admin/streams/identity/events?after_seq=-1', 400],
    ['/admin/streams/identity/events?from_seq=1&since=2026-01-01', 400],
    ['/admin/streams/identity/events?since=2026-13-45T99:99', 400],
    ['/admin/streams/identity/events?subject=..', 400],
    ['/admin/streams/identity/events?subject=a%20b', 400],
    ['/admin/streams/identity/events?subject=a%00b', 400],
    ['/admin/streams/identity/events?limit=x&other=1', 400],
    ['/admin/aggregates/nosuch/channel/x', 404],
    ['/admin/aggregates/chat/nosuch/x', 404],
    ['/admin/aggregates/chat/__proto__/x', 404],
    ['/admin/aggregates/chat/channel/a.b', 400],
    ['/admin/aggregates/chat/channel/%3E', 400],
    ['/admin/aggregates/chat/channel/x?at_seq=1&at_time=2026-01-01', 400],
    ['/admin/aggregates/chat/channel/x?at_seq=1e3', 400],
    ['/admin/aggregates/chat/message/abc', 400],
    ['/admin/aggregates/chat/message/a:b:c', 400],
    ['/admin/aggregates/chat/channel/a:b', 400],
    ['/admin/streams/chat/events?subject=chat.%3E.x', 400],
    ['/admin/streams/chat/events?subject=chat.', 400],
    ['/admin/streams/chat/events?subject=chat..a', 400],
    ['/admin/streams/chat/events?subject=%3E.x', 400],
  ])('%s answers %i', async (path, status) => {
    const before = (await t.hub.deps.log.jsm.streams.info(t.hub.deps.log.names.stream('chat'))).state
      .last_seq;
    const res = await admin.request(`/api/v1${path}`);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code: expect.any(String), error: expect.any(String) });
    const after = (await t.hub.deps.log.jsm.streams.info(t.hub.deps.log.names.stream('chat'))).state.last_seq;
    expect(after).toBe(before);
  });

  it('an aggregate never folded answers its initial state at version 0', async () => {
    const at = await get<AggregateAt>('/admin/aggregates/chat/channel/nosuch');
    expect(at).toMatchObject({ version: 0, folded: 0, history: { events: [] } });
  });
});

describe('the CLI', () => {
  const run = async (
    command: 'streams' | 'consumers' | 'events' | 'aggregate',
    args: string[],
    options = {},
  ) => {
    const tables: object[][] = [];
    const lines: string[] = [];
    const code = await runInspect({
      command,
      args,
      options,
      deps: t.hub.deps,
      out: { table: (rows) => tables.push(rows), line: (text) => lines.push(text) },
    });
    return { code, tables, text: lines.join('\n') };
  };

  it('prints the streams and the consumers', async () => {
    const streams = await run('streams', []);
    expect(streams.tables[0]).toContainEqual(expect.objectContaining({ retention: 'limits, 365 days' }));
    const consumers = await run('consumers', []);
    expect(consumers.tables[0]).toContainEqual(expect.objectContaining({ name: 'identity_users' }));
  });

  it('prints events from a sequence, and an aggregate at one', async () => {
    const events = await run('events', ['identity'], { 'from-seq': '2', limit: '1' });
    expect(events.text).toMatch(/^2 {2}/);
    expect(events.text).toContain('--from-seq 3');
    const channel = await post<{ id: string; seq: number }>('/channels', { name: 'Kitchen' });
    const at = await run('aggregate', ['chat', 'channel', channel.id], { 'at-seq': String(channel.seq) });
    expect(at.text).toContain(`at seq ${channel.seq} (`);
    expect(at.text).toContain('"name": "Kitchen"');
    await expect(run('aggregate', ['chat', 'channel', 'a.b'])).rejects.toThrow(/no aggregate id/);
  });
});

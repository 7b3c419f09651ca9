// Hostile input, generated: for every command route and every socket frame type, values built
// from its JSON Schema and then mutated (wrong types, huge and deep values, NUL, surrogates,
// Object.prototype's names, extra and missing fields), sent by an admin and by a child to one
// hub. No 5xx, the envelope on every 4xx, nothing appended on a refusal, the hub still alive.
// A failure prints its seed: HEARTH_FUZZ_SEED=<seed> replays it (HEARTH_FUZZ_RUNS: how many).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandRoute, clientFrames, commandRoutes, pathOf } from '../test/command-routes.ts';
import { appendedSince, caughtUp, logHeads, serveHub } from '../test/hostile.ts';
import { PASSWORD, startTestHub, type TestClient, type TestHub } from '../test/hub.ts';
import { type FakeOllama, startFakeOllama } from '../test/ollama.ts';
import {
  type Hostile,
  hostileValue,
  NOT_AN_OBJECT,
  type Pools,
  serialise,
  validValue,
} from '../test/schema-arbitrary.ts';
import { openSocket, type Socket } from '../test/sockets.ts';

const SEED = Number.parseInt(process.env.HEARTH_FUZZ_SEED ?? '', 10) || (Math.random() * 2 ** 31) | 0;
const RUNS = Number.parseInt(process.env.HEARTH_FUZZ_RUNS ?? '', 10) || 200;
console.log(`hostile input: seed ${SEED}, ${RUNS} runs a property (replay: HEARTH_FUZZ_SEED=${SEED})`);

type Who = 'admin' | 'child';
/** `typist` takes the typing frames: they are answered out of order, so their late refusals
 * stay off the socket whose answers the other frames are matched with. */
type Person = { client: TestClient; id: string; ws: Socket; typist: Socket };

let t: TestHub;
let server: Awaited<ReturnType<typeof serveHub>>;
const people = {} as Record<Who, Person>;
let rows: CommandRoute[];
let pools: Pools;
let messageId: string;
let requests = 0;
let ollama: FakeOllama;

beforeAll(async () => {
  // The assistant's prompts are answered by a model server on loopback (test/ollama.ts).
  ollama = await startFakeOllama();
  ollama.pace = 0;
  t = await startTestHub({
    identity: { allowedEmailDomains: ['family.test'] },
    env: { HEARTH_COMMAND_RATE_LIMIT: '1000000', HEARTH_AUTH_RATE_LIMIT: 'off', OLLAMA_URL: ollama.url },
    chat: { rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } },
  });
  server = await serveHub(t.hub);
  const signUp = async (email: string) => {
    const client = t.client();
    await client.signUp({ email });
    return { client, id: (await client.me()).id };
  };
  const admin = await signUp('admin@family.test');
  const child = await signUp('child@family.test');
  const target = await signUp('target@family.test');
  expect(
    (await admin.client.request(`/api/v1/admin/users/${child.id}/role`, { body: { role: 'child' } })).status,
  ).toBe(200);
  for (const [who, p] of [
    ['admin', admin],
    ['child', child],
  ] as const) {
    const socket = async () => {
      const { token } = (await (await p.client.request('/api/v1/ws-token', { method: 'POST' })).json()) as {
        token: string;
      };
      return openSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`);
    };
    people[who] = { ...p, ws: await socket(), typist: await socket() };
  }
  // The family channel takes in newcomers through a reactor: post once everyone is in it.
  for (let i = 0; ; i++) {
    const res = await child.client.request('/api/v1/messages', {
      body: { channel: 'family', content: 'hi' },
    });
    if (res.status === 201) {
      messageId = ((await res.json()) as { id: string }).id;
      break;
    }
    if (i > 100) throw new Error(`the child never joined the family: ${res.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const users = [admin.id, child.id, target.id];
  pools = {
    ids: ['family', messageId, ...users, 'nosuch'],
    byField: Object.fromEntries([
      ['channel', ['family']],
      ['id', [messageId]],
      ['reply_to', [messageId]],
      ...['user_id', 'member_id', 'mentions', 'members', 'member_ids', 'hidden_member_ids'].map((f) => [
        f,
        users,
      ]),
    ]),
  };
  rows = commandRoutes({ user: target.id, password: PASSWORD });
}, 60_000);

afterAll(async () => {
  for (const p of Object.values(people)) {
    await p.ws.close();
    await p.typist.close();
  }
  await server?.close();
  await t?.stop();
  await ollama?.stop();
});

// Path parameters: the row's own value, an id that exists, or something hostile.
const PARAM_POOL: Record<string, () => string[]> = {
  channel: () => ['family'],
  message: () => [messageId],
};
const HOSTILE_PARAMS = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%ED%B0%80',
  '%FF',
  '__proto__',
  'constructor',
  'toString',
  'a'.repeat(3000),
  '%25',
  '%',
  '%ZZ',
  '..',
  '%2e%2e',
  '%2F',
  '%20',
  '%F0%9F%98%80',
  '-',
  '99999999999999999999',
];
const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];

type Request = { label: string; method: string; path: string; text: string | undefined; contentType: string };

/** A request for the row: hostile, or (`valid`) with what its schema allows and real ids. */
const requestFor = (row: CommandRoute, { valid: onlyValid = false } = {}): fc.Arbitrary<Request> => {
  const params = Object.fromEntries(
    Object.entries(row.params).map(([name, value]) => [
      name,
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(encodeURIComponent(value)) },
        { weight: 1, arbitrary: fc.constantFrom(...(PARAM_POOL[name]?.() ?? ['nosuch'])) },
        { weight: onlyValid ? 0 : 2, arbitrary: fc.constantFrom(...HOSTILE_PARAMS) },
      ),
    ]),
  );
  const valid = row.schema ? validValue(row.schema, pools) : fc.constantFrom<unknown>(undefined, {});
  const body = fc.oneof(
    {
      weight: 12,
      arbitrary: onlyValid
        ? valid.map((value) => ({ label: 'valid', value }))
        : hostileValue(valid, { maxBytes: 80_000 }),
    },
    {
      weight: onlyValid ? 0 : 1,
      arbitrary: fc.constantFrom(...NOT_AN_OBJECT).map((text): Hostile & { text?: string } => ({
        label: `not an object: ${JSON.stringify(text)}`,
        value: undefined,
        text,
      })),
    },
  );
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    { weight: onlyValid ? 0 : 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  );
  return fc
    .record({ params: fc.record(params), body, contentType })
    .map(({ params: raw, body: b, contentType: ct }) => ({
      label: b.label,
      method: row.method,
      path: pathOf(row, raw),
      text: 'text' in b ? b.text : serialise(b.value),
      contentType: ct,
    }))
    .map((r) => briefly({ ...r, label: `${r.method} ${r.path.slice(0, 100)} ${r.label}` }));
};

/** Reported by its label and the start of its text: a failing value can be 60 kB of brackets. */
function briefly<T extends { label: string; text?: string | undefined }>(value: T): T {
  const summary = `${value.label}: ${value.text?.slice(0, 300) ?? '(no body)'}`;
  return Object.defineProperty(value, fc.toStringMethod, { value: () => summary });
}

async function send(p: Person, r: Request): Promise<{ res: Response; requestId: string }> {
  const requestId = `fuzz-${++requests}`;
  const headers: Record<string, string> = {
    'X-Forwarded-For': p.client.ip,
    'X-Request-ID': requestId,
    Origin: t.origin,
    Cookie: [...p.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
  };
  if (r.text !== undefined) headers['Content-Type'] = r.contentType;
  const res = await t.hub.app.request(`${t.origin}${r.path}`, {
    method: r.method,
    headers,
    ...(r.text !== undefined && { body: r.text }),
  });
  return { res, requestId };
}

/**
 * Alive: it answers /health, both sockets answer a ping, a command still lands, and every
 * read model took every event it was given (none parked as a dead letter).
 */
async function expectAlive() {
  expect((await t.hub.app.request(`${t.origin}/health`)).status).toBe(200);
  for (const p of Object.values(people)) {
    expect(p.ws.ws.readyState).toBe(p.ws.ws.OPEN);
    const from = p.ws.frames.length;
    p.ws.send({ type: 'ping' });
    await p.ws.waitFor((f) => f.type === 'pong' && p.ws.frames.indexOf(f) >= from);
  }
  const res = await people.admin.client.request('/api/v1/messages', {
    body: { channel: 'family', content: 'alive' },
  });
  expect(res.status).toBe(201);
  const stuck = (await caughtUp(t.hub)).filter((s) => s.lag > 0 || s.deadLetters > 0);
  expect(stuck).toEqual([]);
}

const params = { seed: SEED, numRuns: RUNS, endOnFailure: true };

/** No 5xx; a refusal has the envelope and appended nothing for this request. */
async function check(who: Who, r: Request) {
  const before = await logHeads(t.hub);
  const { res, requestId } = await send(people[who], r);
  const what = r.label.slice(0, 240);
  expect({ what, status: res.status < 500 ? 'below 500' : res.status }).toEqual({
    what,
    status: 'below 500',
  });
  if (res.status < 400) return;
  const body = (await res.json()) as { error?: unknown; code?: unknown };
  expect({ what, error: typeof body.error, code: typeof body.code }).toEqual({
    what,
    error: 'string',
    code: 'string',
  });
  const appended = (await appendedSince(t.hub, before)).filter((e) => e.correlation === requestId);
  expect({ what, appended }).toEqual({ what, appended: [] });
}

describe.each(['admin', 'child'] as const)('as %s', (who) => {
  it('every command route answers hostile requests below 500, with the envelope, appending nothing when it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...rows).chain((row) => requestFor(row)),
        (r) => check(who, r),
      ),
      params,
    );
    await expectAlive();
  }, 120_000);

  it('every command route, given what its schema allows, answers below 500 and stores what it accepts', async () => {
    // Route by route, so each gets its share: a read model that cannot store an accepted
    // event parks it, and expectAlive finds it there.
    for (const row of rows) {
      await fc.assert(
        fc.asyncProperty(requestFor(row, { valid: true }), (r) => check(who, r)),
        { ...params, numRuns: Math.max(3, Math.round(RUNS / 25)) },
      );
    }
    await expectAlive();
  }, 120_000);

  it('every frame type answers hostile frames without an internal error, appending nothing when it refuses', async () => {
    const p = people[who];
    const frames = clientFrames({ channel: 'family', message: messageId, user: p.id });
    const arb = fc.constantFrom(...frames).chain((f) =>
      fc.oneof(
        {
          weight: 12,
          arbitrary: hostileValue(
            validValue(f.schema, pools).map((v) => ({ ...(v as object), type: f.type })),
            // Below the socket's largest frame: a larger one closes the socket, tested elsewhere.
            { maxBytes: 30_000 },
          ).map((h) => briefly({ type: f.type, label: h.label, text: serialise(h.value) ?? 'null' })),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...NOT_AN_OBJECT)
            .map((text) => briefly({ type: f.type, label: 'not an object', text })),
        },
      ),
    );
    await fc.assert(
      fc.asyncProperty(arb, async (frame) => {
        const before = await logHeads(t.hub);
        const from = p.ws.frames.length;
        // Typing writes nothing and is answered out of order: its own socket, checked at the end.
        if (frame.type === 'typing') {
          p.typist.send(frame.text);
          return;
        }
        p.ws.send(frame.text);
        // Frames that write keep their order: the answer to this one comes before the sync's.
        const sync = `sync-${++requests}`;
        p.ws.send({ type: 'delete', channel: 'nosuch', id: 'sync', ref: sync });
        await p.ws.waitFor((f) => f.ref === sync && p.ws.frames.indexOf(f) >= from);
        const what = `${frame.type}: ${frame.label.slice(0, 120)} ${frame.text.slice(0, 200)}`;
        const errors = p.ws.frames.slice(from).filter((f) => f.type === 'error' && f.ref !== sync);
        expect({ what, internal: errors.filter((f) => f.code === 'internal') }).toEqual({
          what,
          internal: [],
        });
        expect({ what, open: p.ws.ws.readyState }).toEqual({ what, open: p.ws.ws.OPEN });
        if (errors.length === 0) return;
        // Frames write only chat events; the person's own, since this frame was sent.
        const appended = (await appendedSince(t.hub, before)).filter(
          (e) => e.domain === 'chat' && e.actor === p.id,
        );
        expect({ what, errors, appended }).toEqual({ what, errors, appended: [] });
      }),
      params,
    );
    // The typing frames' answers so far (a round trip after the last): none an internal error,
    // and the socket still open.
    const from = p.typist.frames.length;
    p.typist.send({ type: 'ping' });
    await p.typist.waitFor((f) => f.type === 'pong' && p.typist.frames.indexOf(f) >= from);
    expect(p.typist.frames.filter((f) => f.type === 'error' && f.code === 'internal')).toEqual([]);
    expect(p.typist.ws.readyState).toBe(p.typist.ws.OPEN);
    await expectAlive();
  }, 120_000);
});

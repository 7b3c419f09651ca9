// Refused attempts on the AUDIT stream, over a whole hub: a command a role does not allow, a
// rate limit, failed sign-ins (a storm of them coalesced), a sign-up with a bad invite; and
// where every command came from, in its event's metadata.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttemptRefused,
  AuditEventSchema,
  RefusalKind,
} from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import { ChatEventSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import type { EventMetadata } from '../../contracts/gen/hearth/common/v1/metadata_pb.ts';
import {
  eventually,
  identityEvents,
  PASSWORD,
  startTestHub,
  type TestClient,
  type TestHub,
} from '../../test/hub.ts';
import { inviteIdOf } from '../../writers/identity/invite-token.ts';

const RATE_LIMIT = 20;
let t: TestHub;
let admin: TestClient;
let ann: TestClient;
let annId: string;

type Refusal = AttemptRefused & { metadata: EventMetadata | undefined };

/** Every refusal on the hub's AUDIT stream, in order (test streams are small). */
async function refusals(): Promise<Refusal[]> {
  const { log } = t.hub.deps;
  const stream = log.names.stream('audit');
  const { state } = await log.jsm.streams.info(stream);
  const out: Refusal[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await log.jsm.direct.getMessage(stream, { seq });
    if (!m) continue;
    const envelope = fromBinary(AuditEventSchema, m.data);
    if (envelope.event.case !== 'attemptRefused') continue;
    out.push({ ...envelope.event.value, metadata: envelope.metadata });
  }
  return out;
}

/** The refusals that `match`, once at least `count` of them are on the stream. */
const refusalsWhere = (match: (r: Refusal) => boolean, count = 1) =>
  eventually(
    async () => {
      const found = (await refusals()).filter(match);
      return found.length >= count ? found : undefined;
    },
    { what: 'the refusal on the AUDIT stream' },
  );

/** The metadata of the chat event at `seq`. */
async function chatMetadata(seq: number): Promise<EventMetadata | undefined> {
  const { log } = t.hub.deps;
  const m = await log.jsm.direct.getMessage(log.names.stream('chat'), { seq });
  return fromBinary(ChatEventSchema, m?.data ?? new Uint8Array()).metadata;
}

const post = (client: TestClient, content: string, headers: Record<string, string> = {}) =>
  client.request('/api/v1/messages', { body: { channel: 'family', content }, headers });

/** Waits until the family channel counts the person in (reads: no command budget spent). */
const inFamily = (client: TestClient) =>
  eventually(
    async () => {
      const res = await client.request('/api/v1/channels');
      const channels = res.status === 200 ? ((await res.json()) as { id: string }[]) : [];
      return channels.some((c) => c.id === 'family') ? true : undefined;
    },
    { timeoutMs: 15_000, what: 'a member in the family channel' },
  );

beforeAll(async () => {
  t = await startTestHub({
    env: { HEARTH_COMMAND_RATE_LIMIT: String(RATE_LIMIT), HEARTH_AUTH_RATE_LIMIT: 'off' },
  });
  admin = t.client();
  expect((await admin.signUp({ email: 'mum@family.test', name: 'Mum' })).status).toBe(200);
  ann = t.client();
  expect((await ann.signUp({ email: 'ann@family.test', name: 'Ann' })).status).toBe(200);
  annId = (await ann.me()).id;
  await inFamily(ann);
  await inFamily(admin);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('a command’s event', () => {
  it('carries the client address and user agent in its metadata', async () => {
    const res = await post(ann, 'from my phone', { 'User-Agent': 'HearthPhone/2.1 (Android 14)' });
    expect(res.status).toBe(201);
    const { seq } = (await res.json()) as { seq: number };
    expect(await chatMetadata(seq)).toMatchObject({
      actorId: annId,
      clientIp: ann.ip,
      userAgent: 'HearthPhone/2.1 (Android 14)',
    });
  });

  it('stores a hostile user agent cleaned, and the request still succeeds', async () => {
    const server = serve({ fetch: t.hub.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const raw = async (agent: Buffer) => {
      const body = JSON.stringify({ channel: 'family', content: 'hostile agent' });
      const head = [
        'POST /api/v1/messages HTTP/1.1',
        'Host: 127.0.0.1',
        'Connection: close',
        `Origin: ${t.origin}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `Cookie: ${[...ann.cookies].map(([k, v]) => `${k}=${v}`).join('; ')}`,
        `X-Forwarded-For: ${ann.ip}`,
      ].join('\r\n');
      const socket = connect(port, '127.0.0.1');
      socket.write(
        Buffer.concat([Buffer.from(`${head}\r\nUser-Agent: `), agent, Buffer.from(`\r\n\r\n${body}`)]),
      );
      let answer = '';
      for await (const chunk of socket) answer += chunk;
      return { status: Number(answer.split(' ')[1]), body: answer.split('\r\n\r\n')[1] ?? '' };
    };
    try {
      // 10 KB, a tab, C1 controls and a lone surrogate as UTF-8 (ED A0 80): cleaned and cut.
      // (Node's parser refuses C0 controls and DEL itself: see the NUL below.)
      const agent = Buffer.concat([
        Buffer.from('Evil\t1.0 '),
        Buffer.from([0xc2, 0x85]),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('x'.repeat(10_000)),
      ]);
      const ok = await raw(agent);
      expect(ok, ok.body).toMatchObject({ status: 201 });
      const { seq } = JSON.parse(ok.body.slice(ok.body.indexOf('{'), ok.body.lastIndexOf('}') + 1)) as {
        seq: number;
      };
      const stored = (await chatMetadata(seq))?.userAgent ?? '';
      expect(stored).toBe(`Evil 1.0 \ufffd\ufffd\ufffd${'x'.repeat(256 - 12)}`);
      expect(stored).toHaveLength(256);
      // A NUL never gets past Node's HTTP parser: a 400, and nothing is posted.
      const before = (await t.hub.deps.log.jsm.streams.info(t.hub.deps.log.names.stream('chat'))).state
        .last_seq;
      expect((await raw(Buffer.from('a\0b'))).status).toBe(400);
      const after = (await t.hub.deps.log.jsm.streams.info(t.hub.deps.log.names.stream('chat'))).state
        .last_seq;
      expect(after).toBe(before);
    } finally {
      server.close();
    }
  });
});

describe('a command the person’s role does not allow', () => {
  it('is recorded as FORBIDDEN with its route, target, code, actor and address', async () => {
    const adminId = (await admin.me()).id;
    const res = await ann.request(`/api/v1/admin/users/${adminId}/role`, {
      body: { role: 'member' },
      headers: { 'User-Agent': 'Firefox/128.0' },
    });
    expect(res.status).toBe(403);
    const [refusal] = await refusalsWhere(
      (r) => r.kind === RefusalKind.FORBIDDEN && r.action.startsWith('POST /api/v1/admin/'),
    );
    expect(refusal).toMatchObject({
      action: 'POST /api/v1/admin/users/:id/role',
      target: adminId,
      code: 'forbidden',
      count: 1,
      account: '',
      metadata: { actorId: annId, clientIp: ann.ip, userAgent: 'Firefox/128.0' },
    });
  });
});

describe('a sign-up with an invite that does not exist', () => {
  it('is recorded as INVITE_REFUSED, aimed at the invite’s id, from the address', async () => {
    const stranger = t.client();
    const token = randomBytes(32).toString('base64url');
    const res = await stranger.signUp({ email: 'stranger@family.test', invite: token });
    expect(res.status).toBe(403);
    const [refusal] = await refusalsWhere((r) => r.kind === RefusalKind.INVITE_REFUSED);
    expect(refusal).toMatchObject({
      action: 'POST /api/auth/sign-up/email',
      target: inviteIdOf(token),
      code: 'identity.invite_not_found',
      count: 1,
      metadata: { actorId: '', clientIp: stranger.ip },
    });
  });
});

describe('a person over the command rate limit', () => {
  it('is recorded as RATE_LIMITED, once for the minute’s first refusal', async () => {
    const bob = t.client();
    expect((await bob.signUp({ email: 'bob@family.test', name: 'Bob' })).status).toBe(200);
    const bobId = (await bob.me()).id;
    let refused = 0;
    for (let i = 0; i < RATE_LIMIT + 5; i++) {
      const res = await post(bob, `spam ${i}`);
      if (res.status === 429) refused++;
    }
    expect(refused).toBeGreaterThan(0);
    const [refusal] = await refusalsWhere(
      (r) => r.kind === RefusalKind.RATE_LIMITED && r.metadata?.actorId === bobId,
    );
    expect(refusal).toMatchObject({
      action: 'POST /api/v1/messages',
      target: '',
      code: 'rate_limited',
      count: 1,
      metadata: { clientIp: bob.ip },
    });
  });
});

describe('a storm of failed sign-ins from one client', () => {
  it('becomes at most two events per minute, whose counts add up, while others are served', async () => {
    const attacker = t.client();
    const signIn = () =>
      attacker.request('/api/auth/sign-in/email', {
        body: { email: 'ann@family.test', password: 'wrong password' },
        headers: { 'User-Agent': 'storm/1.0' },
      });
    const storm = (async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        statuses.push(
          ...(await Promise.all(Array.from({ length: 20 }, async () => (await signIn()).status))),
        );
      }
      return statuses;
    })();
    // Another client is served meanwhile.
    expect((await post(admin, 'still here')).status).toBe(201);
    const statuses = await storm;
    expect(
      statuses.filter((s) => s === 401),
      String([...new Set(statuses)]),
    ).toHaveLength(200);

    // The first attempt of the minute is on the log at once; the rest come with the flush.
    await refusalsWhere((r) => r.kind === RefusalKind.SIGN_IN_FAILED && r.metadata?.clientIp === attacker.ip);
    await t.hub.refusals.flush();
    const found = (await refusals()).filter(
      (r) => r.kind === RefusalKind.SIGN_IN_FAILED && r.metadata?.clientIp === attacker.ip,
    );
    expect(found.reduce((n, r) => n + r.count, 0)).toBe(200);
    const minutes = new Set(
      found.map((r) => Math.floor((r.firstAt ? timestampDate(r.firstAt).getTime() : 0) / 60_000)),
    );
    // A storm that straddles a minute's end is two groups.
    expect(minutes.size).toBeLessThanOrEqual(2);
    expect(found.length).toBeLessThanOrEqual(2 * minutes.size);
    expect(found[0]).toMatchObject({
      action: 'POST /api/auth/sign-in/email',
      target: '',
      account: '@family.test',
      accounts: 1,
      metadata: { actorId: '', clientIp: attacker.ip, userAgent: 'storm/1.0' },
    });
    expect(found[0]?.code).not.toBe('');
  }, 120_000);
});

describe('the client address of a sign-in, a failed one and a refusal', () => {
  const signInFrom = async (client: TestClient, forwarded: string, password: string) =>
    (
      await client.request('/api/auth/sign-in/email', {
        body: { email: 'ann@family.test', password },
        headers: { 'X-Forwarded-For': forwarded },
      })
    ).status;
  const recordedFor = async (address: string) => {
    const events = await eventually(
      async () => {
        const found = (await identityEvents(t.hub)).filter((e) => e.metadata?.clientIp === address);
        const kinds = new Set(found.map((e) => e.case));
        return kinds.has('signedIn') && kinds.has('signInFailed') ? found : undefined;
      },
      { what: 'a sign-in and a failed one recorded from the address' },
    );
    const [refusal] = await refusalsWhere(
      (r) => r.kind === RefusalKind.SIGN_IN_FAILED && r.metadata?.clientIp === address,
    );
    return { events, refusal };
  };

  it('is the edge’s one address in full, as commands record it, for an IPv6 client too', async () => {
    const client = t.client();
    expect(await signInFrom(client, '2001:0DB8:0:0:0:0:a:7', 'wrong password')).toBe(401);
    expect(await signInFrom(client, '2001:0DB8:0:0:0:0:a:7', PASSWORD)).toBe(200);
    const { events, refusal } = await recordedFor('2001:db8::a:7');
    const signedIn = events.find((e) => e.case === 'signedIn');
    expect(signedIn?.case === 'signedIn' && signedIn.value.ipAddress).toBe('2001:db8::a:7');
    expect(refusal?.count).toBe(1);
  });

  it('is the entry a loopback proxy appended, even when the client sent its own', async () => {
    const server = serve({ fetch: t.hub.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const overSocket = (password: string) =>
      fetch(`http://127.0.0.1:${port}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: {
          Origin: t.origin,
          'Content-Type': 'application/json',
          // The client claims 6.6.6.6; the proxy on this host appended what it saw.
          'X-Forwarded-For': '6.6.6.6, 203.0.113.77',
        },
        body: JSON.stringify({ email: 'ann@family.test', password }),
      });
    try {
      expect((await overSocket('wrong password')).status).toBe(401);
      expect((await overSocket(PASSWORD)).status).toBe(200);
      const { refusal } = await recordedFor('203.0.113.77');
      expect(refusal?.count).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('a sign-up with an invite', () => {
  it('records, on the invite’s use, where the sign-up came from', async () => {
    const invite = await t.invite(admin);
    const newcomer = t.client();
    const res = await newcomer.request('/api/auth/sign-up/email', {
      body: { email: 'cousin@family.test', password: PASSWORD, name: 'Cousin', invite: invite.token },
      headers: { 'User-Agent': 'Safari/17.4' },
    });
    expect(res.status).toBe(200);
    const used = await eventually(
      async () =>
        (await identityEvents(t.hub)).find((e) => e.case === 'inviteUsed' && e.value.inviteId === invite.id),
      { what: 'the invite’s use on the log' },
    );
    expect(used.metadata).toMatchObject({ clientIp: newcomer.ip, userAgent: 'Safari/17.4' });
  });
});

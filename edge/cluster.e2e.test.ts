// Hearth on a three-node JetStream cluster (real nats-server processes on loopback, every
// stream and bucket R3): two edge processes and two projectors processes (one leads, one
// stands by), all given the three nodes' URLs. Mid-load the node leading the CHAT stream is
// killed with SIGKILL: commands see at most a short 503, retried with their keys; none is lost
// or kept twice (in the log and in the read model), and a client's socket on each edge (opened
// again with after_seq when the edge closes it with 1012 on reconnecting) gets each once, in
// order; the node starts again and catches up. The hubs run at the production ack wait, so a
// delivery lost with the node would show as a lasting gap. Then the leading projectors process
// is killed: the standby takes every lead within seconds, with no gap and nothing applied twice.
// Last, every read model equals a clean rebuild of it from the log.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNames } from '../contracts/subjects.ts';
import {
  familyWatch,
  type HubProcess,
  type Member,
  signUp,
  startHubProcess,
  until,
} from '../test/cluster-hubs.ts';
import { exactlyOnce, familyHistory, type Load, onTheLog, startLoad } from '../test/cluster-load.ts';
import { type PrivateCluster, startPrivateCluster } from '../test/private-cluster.ts';
import { testDatabase, uniquePrefix } from '../test/services.ts';

const REPLICAS = 3;
/** Answered before a kill, and after it before anything else happens. */
const BEFORE_KILL = 150;
const AFTER_KILL = 150;
/**
 * A command's 503s, from its first attempt to its answer: a leader election, not an outage. A
 * publish sent to the killed leader is answered by no one until its 5 s timeout; nats-server
 * 2.9 then elects a new leader within a few seconds more (5 to 11 s seen on a busy 2-core box).
 */
const LONGEST_RETRY_MS = 20_000;
const TAKEOVER_MS = 10_000;

let cluster: PrivateCluster;
let database: Awaited<ReturnType<typeof testDatabase>>;
let prefix = '';
let nc: NatsConnection;
let db: pg.Client;
const hubs: HubProcess[] = [];
let edges: [string, string];
let leader: HubProcess;
let people: Member[];
let ann: Member;
const loads: Load[] = [];
const watches: { stop: () => Promise<void> }[] = [];

// Registered first, so it runs last and whatever fails before it: no node outlives the file.
afterAll(() => cluster?.cleanup());

beforeAll(async () => {
  prefix = uniquePrefix();
  cluster = await startPrivateCluster();
  database = await testDatabase(prefix);
  const start = (role: 'edge' | 'projectors') =>
    startHubProcess({
      role,
      natsUrls: cluster.urls,
      databaseUrl: database.url,
      namespace: prefix,
      replicas: REPLICAS,
      spawnedAs: (h) => hubs.push(h),
    });
  // The first projectors process makes the streams and schemas and takes every lead; the
  // second finds them taken and stands by.
  leader = await start('projectors');
  const [one, two] = await Promise.all([start('edge'), start('edge'), start('projectors')]);
  edges = [(one as HubProcess).url, (two as HubProcess).url];
  nc = await connect({ servers: cluster.urls });
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  people = [];
  for (const name of ['ann', 'bob', 'cat']) {
    const member = await signUp(edges[0], `${name}@family.test`);
    // In the family channel once its reactor (on the leading projectors process) has run.
    await until(async () => {
      const res = await member.request(edges[1], '/api/v1/channels');
      return res.ok && ((await res.json()) as { id: string }[]).some((c) => c.id === 'family');
    }, `${name} in the family channel`);
    people.push(member);
  }
  ann = people[0] as Member;
}, 120_000);

afterAll(async () => {
  // A hub that died on its own says why.
  for (const h of hubs)
    if (h.process.child.exitCode !== null || (h.process.child.signalCode && h !== leader))
      console.error(
        `${h.role} hub exited:`,
        h.process.output().stdout.slice(-3000),
        h.process.output().stderr.slice(-3000),
      );
  await Promise.all(loads.map((l) => l.stop()));
  await Promise.all(watches.map((w) => w.stop()));
  for (const h of hubs) await h.kill();
  await db?.end();
  await nc?.close();
  await database?.cleanup();
});

const lanes = () => people.flatMap((member) => edges.map((edge) => ({ member, edge })));
const stream = (domain: 'chat') => createNames(prefix).stream(domain);

/** Every stream and bucket of the namespace, as each running node holds it: name → last seq. */
async function heldBy(monitor: string): Promise<Map<string, number>> {
  const res = await fetch(`${monitor}/jsz?accounts=true&streams=true`);
  const jsz = (await res.json()) as {
    account_details?: { stream_detail?: { name: string; state: { last_seq: number } }[] }[];
  };
  const upper = prefix.toUpperCase();
  const held = new Map<string, number>();
  for (const account of jsz.account_details ?? [])
    for (const s of account.stream_detail ?? [])
      if (s.name.startsWith(upper) || s.name.includes(`_${upper}_`)) held.set(s.name, s.state.last_seq);
  return held;
}

/** Which database sessions hold the read models' and reactors' leads, and how many each. */
async function leads(names: string[]): Promise<{ pid: number; n: number }[]> {
  // pg_try_advisory_lock(hashtext(key)): the key's low 32 bits are the lock's objid.
  const { rows } = await db.query<{ pid: number; n: number }>(
    `SELECT l.pid, count(*)::int AS n FROM pg_locks l
     JOIN unnest($1::text[]) AS k(key) ON l.objid = (hashtext(k.key)::bigint & 4294967295)::oid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     GROUP BY l.pid`,
    [names.map((name) => `hearth.projector.${name}`)],
  );
  return rows;
}

/**
 * The node that leads the history read model's consumer, once it leads the CHAT stream too
 * (moved there by stepping its leader down): killing it, appends wait on a new stream leader
 * and the projector's pull on a new consumer leader.
 */
async function leadingBoth(name: string, consumer: string): Promise<string> {
  const jsm = await jetstreamManager(nc);
  for (let tries = 0; tries < 20; tries++) {
    const target = (await jsm.consumers.info(name, consumer)).cluster?.leader;
    const now = (await jsm.streams.info(name)).cluster?.leader;
    if (target && now === target) return target;
    await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${name}`).catch(() => undefined);
    await until(async () => {
      const next = (await jsm.streams.info(name)).cluster?.leader;
      return next && next !== now;
    }, 'a new stream leader');
  }
  throw new Error(`the leader of ${name} never moved to its consumer's`);
}

type ReadModel = { name: string; lag: number; deadLetters: number; reactor: boolean };
const readModels = async () =>
  (await (await ann.request(edges[1], '/api/v1/admin/read-models')).json()) as ReadModel[];

function expectShortOutage(load: Load) {
  // Only answers and 503s (with Retry-After and the envelope), never a 500 or a dropped request.
  const odd = load.replies.filter((r) => ![200, 201, 503].includes(r.status));
  expect(odd).toEqual([]);
  for (const r of load.replies.filter((r) => r.status === 503)) {
    expect(r.code).toBe('unavailable');
    expect(Number(r.retryAfter)).toBeGreaterThan(0);
  }
  expect(Math.max(...load.spans)).toBeLessThan(LONGEST_RETRY_MS);
}

describe('a three-node R3 cluster losing a node mid-load', () => {
  it('keeps every stream on three replicas', async () => {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream('chat'));
    expect(info.config.num_replicas).toBe(REPLICAS);
    expect(info.cluster?.replicas).toHaveLength(REPLICAS - 1);
  });

  it('answers each command at most a short 503 later, and keeps it exactly once', async () => {
    const jsm = await jetstreamManager(nc);
    const victim = await leadingBoth(stream('chat'), 'rm_chat_messages');
    const index = cluster.nodes.findIndex((n) => n.name === victim);
    expect(index).toBeGreaterThanOrEqual(0);
    // Open throughout: one on each edge.
    const watching = await Promise.all(edges.map((edge) => familyWatch(ann, edge)));
    watches.push(...watching);
    const load = startLoad({ senders: lanes(), from: 0, prefix: 'node' });
    loads.push(load);
    await load.answered(BEFORE_KILL, `${BEFORE_KILL} answers before the kill`);
    const killedAt = Date.now();
    await cluster.kill(index);
    await load.answered(AFTER_KILL, `${AFTER_KILL} answers after the kill`, LONGEST_RETRY_MS * 3);
    const servedWithout = Date.now() - killedAt;
    // The history read model follows again: it has a message answered after the kill.
    const seq = Math.max(...[...load.answers.values()].map((a) => a.seq));
    await until(
      async () => (await ann.request(edges[1], `/api/v1/messages?channel=family&limit=1&after=${seq}`)).ok,
      'the history read model to follow again',
      40_000,
    );
    const followed = Date.now() - killedAt;
    await cluster.start(index);
    await load.answered(AFTER_KILL, `${AFTER_KILL} answers after the restart`, LONGEST_RETRY_MS * 3);
    await load.stop();
    const refused = load.replies.filter((r) => r.status !== 200 && r.status !== 201);
    console.info(
      `node ${victim} killed: ${AFTER_KILL} answered ${servedWithout} ms later, ` +
        `the history read model following ${followed} ms later; ` +
        `${refused.length} refusals; longest command ${Math.max(...load.spans)} ms; ` +
        `sockets closed by the edges: ${JSON.stringify(watching.map((w) => w.closes))}`,
    );
    expectShortOutage(load);
    expect(followed).toBeLessThan(LONGEST_RETRY_MS);

    const last = Math.max(...[...load.answers.values()].map((a) => a.seq));
    const history = await familyHistory(ann, edges[1], last);
    const { twice, lost, stray } = exactlyOnce(load, history, 'node');
    expect(twice).toEqual([]);
    expect(lost).toEqual([]);
    expect(stray).toEqual([]);

    // Exactly once on the log too: the read model upserts, and would hide a second event.
    const answeredIds = [...load.answers.values()].map((a) => a.id);
    const logged = await onTheLog(nc, prefix, answeredIds);
    expect([...logged].filter(([, n]) => n !== 1)).toEqual([]);

    // Each socket got every answered message once, in the log's order.
    for (const [i, ws] of watching.entries()) {
      const got = () => new Set(ws.frames.filter((f) => f.type === 'message').map((f) => f.id));
      await until(async () => answeredIds.every((id) => got().has(id)), 'every message').catch(
        () => undefined,
      );
      const missing = [...load.answers.values()].filter((a) => !got().has(a.id)).map((a) => a.seq);
      // Closed only to be opened again (1012: the edge's connection came back), never otherwise.
      expect({ socket: i, missing, closes: ws.closes.filter((c) => c !== 1012) }).toEqual({
        socket: i,
        missing: [],
        closes: [],
      });
      const frames = ws.frames.filter((f) => f.type === 'message' && String(f.content).startsWith('node '));
      const seqs = frames.map((f) => Number(f.seq));
      expect(seqs, `socket ${i}`).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      const once = new Map<unknown, number>();
      for (const f of frames) once.set(f.id, (once.get(f.id) ?? 0) + 1);
      expect(
        answeredIds.filter((id) => once.get(id) !== 1),
        `socket ${i}`,
      ).toEqual([]);
    }

    // The node caught up: it holds every stream and bucket, each up to where its peers are.
    const caughtUp = await until(async () => {
      const held = await Promise.all(cluster.nodes.map((n) => heldBy(n.monitor)));
      const [first, ...rest] = held.map((h) => JSON.stringify([...h].sort()));
      return (held[0]?.size ?? 0) > 0 && rest.every((r) => r === first) ? held : undefined;
    }, 'the restarted node to catch up');
    expect(caughtUp[index]?.get(stream('chat'))).toBeGreaterThanOrEqual(last);
    const info = await jsm.streams.info(stream('chat'));
    expect(info.cluster?.replicas?.every((r) => r.current && !r.offline)).toBe(true);
  }, 120_000);
});

describe('the leading projectors process killed mid-load', () => {
  it('has its standby take every lead within seconds, with no gap and nothing twice', async () => {
    const names = (await readModels()).map((m) => m.name);
    const before = await until(async () => {
      const held = await leads(names);
      return held.length === 1 && held[0]?.n === names.length ? held[0] : undefined;
    }, 'one process holding every lead');
    const load = startLoad({ senders: lanes(), from: 0, prefix: 'lead' });
    loads.push(load);
    await load.answered(BEFORE_KILL, `${BEFORE_KILL} answers before the kill`);
    const killedAt = Date.now();
    await leader.kill();
    const after = await until(
      async () => {
        const held = await leads(names);
        return held.length === 1 && held[0]?.pid !== before.pid && held[0]?.n === names.length
          ? held[0]
          : undefined;
      },
      'the standby to take every lead',
      TAKEOVER_MS * 2,
    );
    const takeover = Date.now() - killedAt;
    await load.answered(AFTER_KILL, `${AFTER_KILL} answers after the kill`, LONGEST_RETRY_MS * 3);
    await load.stop();
    console.info(`projectors leader killed: the standby led all ${after.n} in ${takeover} ms`);
    expect(takeover).toBeLessThan(TAKEOVER_MS);
    expectShortOutage(load);

    const last = Math.max(...[...load.answers.values()].map((a) => a.seq));
    const history = await familyHistory(ann, edges[0], last);
    const { twice, lost, stray } = exactlyOnce(load, history, 'lead');
    expect(twice).toEqual([]);
    expect(lost).toEqual([]);
    expect(stray).toEqual([]);
    const all = await until(async () => {
      const models = await readModels();
      return models.every((m) => m.lag === 0) ? models : undefined;
    }, 'every read model caught up');
    expect(all.filter((m) => m.deadLetters > 0)).toEqual([]);
  }, 90_000);
});

describe('every read model afterwards', () => {
  it('equals a clean rebuild of it from the log', async () => {
    let rebuilt = 0;
    for (const { name } of await readModels()) {
      const path = `/api/v1/admin/read-models/${name}/rebuild`;
      const started = await ann.request(edges[0], path, { body: {} });
      // Reactors and read models that cannot be rebuilt beside themselves answer 400.
      if (started.status === 400) continue;
      expect(started.status, name).toBe(202);
      const ended = await until(
        async () => {
          const status = (await (await ann.request(edges[0], path)).json()) as { status: string };
          return ['running', 'verifying', 'switching'].includes(status.status) ? undefined : status;
        },
        `the rebuild of ${name}`,
        30_000,
      );
      expect({ name, ...ended }).toMatchObject({ name, status: 'done' });
      rebuilt++;
    }
    expect(rebuilt).toBeGreaterThanOrEqual(10);
  }, 120_000);
});

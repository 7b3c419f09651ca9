// deploy/nats/nats.conf on a real nats-server of this test's own: the hub's user does all the
// hub does, and an integrator reads every event yet cannot change, take or reach the hub's.
import { readFile } from 'node:fs/promises';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishIdentity, registered } from '../../test/events.ts';
import { type PrivateNats, startPrivateNats } from '../../test/private-nats.ts';
import { connectLog } from '../../writers/log/connect.ts';
import { decodeEvent, toRaw } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';

const HUB = { user: 'hub', pass: 'hub-secret-for-this-test' };
const INTEGRATOR = { user: 'integrator', pass: 'integrator-secret-for-this-test' };
/** Where the integrator reaches the hub's read-only exports (nats.conf's imports). */
const HUB_API = '$JS.hub.API';

let nats: PrivateNats;
let log: Log;
let integrator: NatsConnection;
/** The integrator's view of the hub's streams, and of its own account's JetStream. */
let hubStreams: JetStreamManager;
let own: JetStreamManager;

const messages = async (stream: string) => (await log.jsm.streams.info(stream)).state.messages;

beforeAll(async () => {
  nats = await startPrivateNats({
    config: await readFile('deploy/nats/nats.conf', 'utf8'),
    env: { NATS_HUB_PASSWORD: HUB.pass, NATS_INTEGRATOR_PASSWORD: INTEGRATOR.pass },
  });
  log = await connectLog({ servers: nats.url, namespace: '', name: 'hub', auth: HUB });
  integrator = await connect({ servers: nats.url, ...INTEGRATOR, name: 'integrator' });
  hubStreams = await jetstreamManager(integrator, { apiPrefix: HUB_API, checkAPI: false });
  own = await jetstreamManager(integrator);
});

afterAll(async () => {
  await integrator?.close();
  await log?.nc.close();
  await nats?.cleanup();
});

describe('the hub user', () => {
  it('opens the log, appends, and consumes on a durable consumer as the projectors do', async () => {
    const seq = await publishIdentity(log, registered('ada'));
    await log.jsm.consumers.add('IDENTITY', {
      durable_name: 'identity_users',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    const consumer = await log.js.consumers.get('IDENTITY', 'identity_users');
    const m = await consumer.next({ expires: 5000 });
    if (!m) throw new Error('no message');
    const stored = decodeEvent('identity', 'IDENTITY', toRaw(m));
    expect(stored.seq).toBe(seq);
    expect(stored.event.case).toBe('userRegistered');
    expect((stored.event.value as { email?: string }).email).toBe('ada@family.test');
    await m.ackAck();
    expect((await log.jsm.consumers.info('IDENTITY', 'identity_users')).ack_floor.stream_seq).toBe(seq);
  });

  it('is refused with a wrong password', async () => {
    await expect(
      connect({ servers: nats.url, user: 'hub', pass: 'wrong', reconnect: false }),
    ).rejects.toThrow(/authorization/i);
  });
});

describe('an integrator', () => {
  it('reads any event of a domain stream by sequence, sealed as the hub wrote it', async () => {
    const seq = await publishIdentity(log, registered('grace'));
    const m = await hubStreams.direct.getMessage('IDENTITY', { seq, next_by_subj: 'hearth.>' });
    expect(m?.seq).toBe(seq);
    expect(m?.subject).toBe(log.names.identity.account('grace'));
    // Personal fields are sealed under the member's key, which integrators never hold.
    expect(Buffer.from(m?.data ?? []).includes(Buffer.from('grace@family.test'))).toBe(false);
    expect((await hubStreams.streams.info('IDENTITY')).state.last_seq).toBeGreaterThanOrEqual(seq);
  });

  it('receives every event as it is appended, and makes its own stream and consumer of them', async () => {
    await own.streams.add({ name: 'MINE', subjects: ['hearth.identity.>'] });
    await own.consumers.add('MINE', { durable_name: 'mine', ack_policy: AckPolicy.Explicit });
    const live = integrator.subscribe('hearth.identity.>', { max: 1 });
    await integrator.flush();
    const seq = await publishIdentity(log, registered('hopper'));
    for await (const m of live) expect(m.subject).toBe(log.names.identity.account('hopper'));
    const mine = await jetstream(integrator).consumers.get('MINE', 'mine');
    const m = await mine.next({ expires: 5000 });
    expect(m?.subject).toBe(log.names.identity.account('hopper'));
    await m?.ackAck();
    expect(seq).toBeGreaterThan(0);
  });

  it('cannot publish onto the hub’s subjects', async () => {
    const before = await messages('IDENTITY');
    await expect(
      integrator.request(log.names.identity.account('mallory'), 'x', { timeout: 2000 }),
    ).rejects.toThrow(/permission/i);
    expect(await messages('IDENTITY')).toBe(before);
  });

  it('cannot purge, delete or change the hub’s streams, nor read the keys bucket', async () => {
    const before = await messages('IDENTITY');
    const seq = (await log.jsm.streams.info('IDENTITY')).state.last_seq;
    // Through the hub's prefix: refused by the integrator's permissions, not merely unanswered.
    await expect(hubStreams.streams.purge('IDENTITY')).rejects.toThrow(/permission/i);
    await expect(hubStreams.streams.delete('IDENTITY')).rejects.toThrow(/permission/i);
    await expect(hubStreams.streams.deleteMessage('IDENTITY', seq)).rejects.toThrow(/permission/i);
    await expect(hubStreams.streams.update('IDENTITY', { max_msgs: 1 })).rejects.toThrow(/permission/i);
    // Through its own JetStream API: its own account, where the hub's stream does not exist.
    for (const attempt of [
      () => own.streams.purge('IDENTITY'),
      () => own.streams.delete('IDENTITY'),
      () => own.streams.deleteMessage('IDENTITY', seq),
    ])
      await expect(attempt()).rejects.toThrow(/stream not found/i);
    await expect(
      hubStreams.direct.getMessage(`KV_${log.names.kvBucket('keys')}`, { seq: 1 }),
    ).rejects.toThrow(/no responders/i);
    expect(await messages('IDENTITY')).toBe(before);
    expect((await log.jsm.streams.info('IDENTITY')).config.max_msgs).toBe(-1);
  });

  it('cannot reach the hub’s consumers: no info, no messages, no deletion, no ack', async () => {
    // The hub holds a message it has not acknowledged yet.
    await publishIdentity(log, registered('lovelace'));
    const held = await (await log.js.consumers.get('IDENTITY', 'identity_users')).next({ expires: 5000 });
    // The subject the server expects its ack on (the message's reply subject; JsMsg's type omits it).
    const reply = (held as (JsMsg & { reply?: string }) | null)?.reply;
    if (!held || !reply) throw new Error('no message for the hub');
    const before = await log.jsm.consumers.info('IDENTITY', 'identity_users');
    expect(before.num_ack_pending).toBe(1);

    await expect(hubStreams.consumers.info('IDENTITY', 'identity_users')).rejects.toThrow(/permission/i);
    await expect(hubStreams.consumers.delete('IDENTITY', 'identity_users')).rejects.toThrow(/permission/i);
    await expect(
      integrator.request(`${HUB_API}.CONSUMER.MSG.NEXT.IDENTITY.identity_users`, '{"batch":1}', {
        timeout: 2000,
      }),
    ).rejects.toThrow(/permission/i);
    // Its own API answers from its own account, which has no such stream.
    await expect(own.consumers.info('IDENTITY', 'identity_users')).rejects.toThrow(/not found/i);
    await expect(own.consumers.delete('IDENTITY', 'identity_users')).rejects.toThrow(/not found/i);
    // An ack on the very reply subject the hub's message carries lands in the integrator's account.
    integrator.publish(reply, '+ACK');
    await integrator.flush();

    const after = await log.jsm.consumers.info('IDENTITY', 'identity_users');
    expect(after.num_ack_pending).toBe(before.num_ack_pending);
    expect(after.ack_floor).toEqual(before.ack_floor);
    expect(after.num_pending).toBe(before.num_pending);
    expect(after.config.ack_policy).toBe(AckPolicy.Explicit);
    // The same subject from the hub does acknowledge: it was the real one.
    await held.ackAck();
    const acked = await log.jsm.consumers.info('IDENTITY', 'identity_users');
    expect(acked.ack_floor.stream_seq).toBe(held.seq);
    expect(acked.num_ack_pending).toBe(0);
  });

  it('cannot make a consumer on the hub’s streams, nor deliver into them from its own', async () => {
    const before = { identity: await messages('IDENTITY'), play: await messages('PLAY') };
    // Where consumers may be made, they may deliver anywhere in their account: into PLAY, here.
    await expect(
      hubStreams.consumers.add('IDENTITY', { name: 'integrator-x', ack_policy: AckPolicy.None }),
    ).rejects.toThrow();
    await own.consumers.add('MINE', {
      name: 'into-play',
      deliver_subject: 'hearth.play.settings',
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
    });
    // It delivers, within the integrator's own account only.
    let delivered = 0;
    for await (const _ of integrator.subscribe('hearth.play.settings', { max: 1 })) delivered += 1;
    expect(delivered).toBe(1);
    expect(await messages('PLAY')).toBe(before.play);
    expect(await messages('IDENTITY')).toBe(before.identity);
  });
});

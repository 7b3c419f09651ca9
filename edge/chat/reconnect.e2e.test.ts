// Nothing missed: a client that drops mid-burst rejoins with the last seq it saw and gets
// exactly the messages it missed, in order, with no gaps or duplicates, also when the edge
// it was connected to is restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatHubs,
  type Edge,
  FAST_PRESENCE,
  type Frame,
  type Person,
  type Socket,
  startChatHubs,
} from '../../test/sockets.ts';

const BURST = 150;
let t: ChatHubs;
let ann: Person;
let bob: Person;
let bobWs: Socket;

beforeAll(async () => {
  t = await startChatHubs({
    count: 2,
    chat: {
      presence: FAST_PRESENCE,
      rateLimit: { burst: 10_000, perSecond: 10_000 },
    },
  });
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test', t.edges[1]);
  bobWs = await bob.connect();
});
afterAll(() => t?.stop());

const messages = (ws: Socket, tag: string) =>
  ws.frames.filter((f) => f.type === 'message' && String(f.content).startsWith(tag));

/** Bob sends a burst over his socket; resolves with the seqs the log gave them, in order. */
async function burst(tag: string): Promise<number[]> {
  for (let i = 0; i < BURST; i++)
    bobWs.send({ type: 'message', channel: 'family', content: `${tag} ${i}`, ref: `${tag}-${i}` });
  const acks: Frame[] = [];
  for (let i = 0; i < BURST; i++)
    acks.push(await bobWs.waitFor((f) => f.type === 'ack' && f.ref === `${tag}-${i}`, 20_000));
  return acks.map((a) => a.seq as number);
}

async function joined(ws: Socket, afterSeq?: number) {
  ws.send({ type: 'join', channel: 'family', ...(afterSeq === undefined ? {} : { after_seq: afterSeq }) });
  await ws.waitFor((f) => f.type === 'joined');
}

function expectExactly(received: Frame[], sent: number[]) {
  const seqs = received.map((f) => f.seq as number);
  expect(new Set(seqs).size).toBe(seqs.length); // no duplicates
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // in order
  expect(seqs).toEqual(sent); // no gaps
}

describe('a client that drops mid-burst', () => {
  it('gets exactly what it missed after rejoining with after_seq', async () => {
    const first = await ann.connect();
    await joined(first);
    const sending = burst('drop');
    await first.waitFor((f) => f.type === 'message' && f.content === 'drop 40', 20_000);
    first.ws.terminate(); // the network goes, no close handshake
    const seen = messages(first, 'drop');
    const lastSeen = seen.at(-1)?.seq as number;

    const second = await ann.connect();
    await joined(second, lastSeen);
    const sent = await sending;
    await second.waitFor((f) => f.type === 'message' && f.content === `drop ${BURST - 1}`, 20_000);
    expectExactly([...seen, ...messages(second, 'drop')], sent);
    expect(seen.length).toBeLessThan(BURST);
    await second.close();
  });

  it('gets nothing twice when it rejoins at the very end', async () => {
    const ws = await ann.connect();
    await joined(ws);
    const sent = await burst('tail');
    await ws.waitFor((f) => f.content === `tail ${BURST - 1}`, 20_000);
    ws.ws.terminate();
    const again = await ann.connect();
    await joined(again, sent.at(-1));
    bobWs.send({ type: 'message', channel: 'family', content: 'marker', ref: 'marker' });
    await again.waitFor((f) => f.content === 'marker');
    expect(messages(again, 'tail')).toEqual([]);
    await again.close();
  });
});

describe('a client whose edge restarts', () => {
  it('gets exactly what it missed from another edge process', async () => {
    const edge: Edge = await t.startEdge();
    const first = await ann.connect(edge);
    await joined(first);
    const sending = burst('restart');
    await first.waitFor((f) => f.type === 'message' && f.content === 'restart 30', 20_000);
    await edge.stop(); // the edge goes away mid-burst; its sockets close
    const closed = await first.closed;
    expect(closed.code).toBe(1012);
    const seen = messages(first, 'restart');
    const fresh = await t.startEdge();
    const second = await ann.connect(fresh);
    await joined(second, seen.at(-1)?.seq as number);
    const sent = await sending;
    await second.waitFor((f) => f.type === 'message' && f.content === `restart ${BURST - 1}`, 20_000);
    expectExactly([...seen, ...messages(second, 'restart')], sent);
    await second.close();
  });
});

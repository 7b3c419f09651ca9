// Helper process of the chat figures: the WebSocket clients, in a process of their own so
// the edge's event loop does only the edge's work. Each socket gets its ticket the way a
// browser does (POST /api/v1/ws-token with the session cookie) and speaks the seed protocol.
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { newId } from '../writers/chat/ids.ts';
import { sharedClock } from './clock.ts';
import { serveHelper } from './ipc.ts';
import { inLanes } from './lanes.ts';

export type Connect = {
  base: string;
  origin: string;
  /** Session cookies of the people the sockets belong to, used in turn. */
  cookies: string[];
  count: number;
  /** Join this channel on every socket (and wait for `joined`); none: the sockets only write. */
  channel?: string;
};
export type Fanout = { channel: string; messages: number; warmup: number; spacingMs: number };
export type FanoutResult = {
  /** Send → receipt on each socket, ms, every counted message and socket. */
  latencies: number[];
  /** Send → receipt on the last socket, ms, per counted message. */
  lastDelivery: number[];
  missing: number;
  duplicates: number;
  closedEarly: number;
};
export type Post = { channel: string; rate: number; count: number };
export type PostResult = {
  /** Per answered message: its place in the sending order, sent and acked on the shared clock, its seq. */
  sent: { i: number; t0: number; seq: number; ackAt: number }[];
  errors: Record<string, number>;
  unanswered: number;
  sendSeconds: number;
};

const clock = sharedClock();
const sockets: WebSocket[] = [];
let closedEarly = 0;
let closing = false;
/** The current phase's frame handler; `at` is taken before anything else happens. */
let listener: (index: number, at: number, data: Buffer) => void = () => {};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

function open(url: string, index: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data: Buffer) => listener(index, performance.now(), data));
    ws.once('open', () => {
      ws.on('error', () => undefined);
      ws.once('close', () => {
        if (!closing) closedEarly++;
      });
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

serveHelper(
  {
    connect: async ({ base, origin, cookies, count, channel }: Connect) => {
      const joins = new Map<number, () => void>();
      listener = (i, _at, data) => {
        const joined = joins.get(i);
        if (joined && data.includes('"type":"joined"')) {
          joins.delete(i);
          joined();
        }
      };
      const started = performance.now();
      await inLanes(count, 32, async (i) => {
        const res = await fetch(`${base}/api/v1/ws-token`, {
          method: 'POST',
          headers: { cookie: cookies[i % cookies.length] as string, origin },
        });
        if (res.status !== 200) throw new Error(`ws-token: ${res.status} ${await res.text()}`);
        const { token } = (await res.json()) as { token: string };
        const ws = await open(`${base.replace(/^http/, 'ws')}/ws?token=${token}`, i);
        sockets[i] = ws;
        if (!channel) return;
        const joined = new Promise<void>((r) => joins.set(i, r));
        ws.send(JSON.stringify({ type: 'join', channel }));
        await within(joined, 10_000);
        if (joins.has(i)) throw new Error(`socket ${i} was not joined to ${channel} within 10 s`);
      });
      listener = () => {};
      return { sockets: sockets.length, seconds: (performance.now() - started) / 1000 };
    },

    // One socket sends, like the UI (client-chosen id and ref); every socket, the sender's too,
    // should receive the message frame once. The next message goes after all have it, or after
    // the spacing, whichever is later, so deliveries of two messages never overlap.
    fanout: async ({ channel, messages, warmup, spacingMs }: Fanout): Promise<FanoutResult> => {
      const n = sockets.length;
      const sender = sockets[0];
      if (!sender) throw new Error('no sockets');
      const latencies: number[] = [];
      const lastDelivery: number[] = [];
      let missing = 0;
      let duplicates = 0;
      for (let k = 0; k < warmup + messages; k++) {
        const id = newId();
        const seen = new Uint8Array(n);
        let got = 0;
        let last = 0;
        let finish = () => {};
        const all = new Promise<void>((r) => {
          finish = r;
        });
        let t0 = 0;
        listener = (i, at, data) => {
          if (!data.includes(id)) return;
          const f = JSON.parse(data.toString()) as { type: string; id?: string };
          if (f.type !== 'message' || f.id !== id) return;
          if (seen[i]) {
            duplicates++;
            return;
          }
          seen[i] = 1;
          got++;
          const ms = at - t0;
          last = Math.max(last, ms);
          if (k >= warmup) latencies.push(ms);
          if (got === n) finish();
        };
        t0 = performance.now();
        sender.send(JSON.stringify({ type: 'message', channel, content: `fan-out ${k}`, id, ref: id }));
        await within(all, 10_000);
        if (k >= warmup) {
          missing += n - got;
          lastDelivery.push(last);
        }
        const rest = t0 + spacingMs - performance.now();
        if (rest > 0) await sleep(rest);
      }
      listener = () => {};
      return { latencies, lastDelivery, missing, duplicates, closedEarly };
    },

    // Messages at a fixed rate, spread over the sockets in turn, each sent as the UI sends it;
    // the ack carries the event's sequence.
    post: async ({ channel, rate, count }: Post): Promise<PostResult> => {
      const pending = new Map<string, { i: number; t0: number }>();
      const sent: PostResult['sent'] = [];
      const errors: Record<string, number> = {};
      let answered = 0;
      let finish = () => {};
      const all = new Promise<void>((r) => {
        finish = r;
      });
      listener = (_i, at, data) => {
        const f = JSON.parse(data.toString()) as { type: string; ref?: string; seq?: number; code?: string };
        if ((f.type !== 'ack' && f.type !== 'error') || f.ref === undefined) return;
        const sending = pending.get(f.ref);
        if (sending === undefined) return;
        pending.delete(f.ref);
        if (f.type === 'ack') sent.push({ ...sending, seq: f.seq ?? 0, ackAt: clock.fromPerf(at) });
        else errors[f.code ?? 'unknown'] = (errors[f.code ?? 'unknown'] ?? 0) + 1;
        if (++answered === count) finish();
      };
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 1) await sleep(wait);
        const id = newId();
        pending.set(id, { i, t0: clock.now() });
        (sockets[i % sockets.length] as WebSocket).send(
          JSON.stringify({ type: 'message', channel, content: `history ${i}`, id, ref: id }),
        );
      }
      const sendSeconds = (performance.now() - started) / 1000;
      await within(all, 30_000);
      listener = () => {};
      return { sent, errors, unanswered: pending.size, sendSeconds };
    },
  },
  async () => {
    closing = true;
    for (const ws of sockets) ws.terminate();
  },
);

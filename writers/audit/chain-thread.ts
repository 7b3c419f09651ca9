// Verify's chain on a thread of its own (hash-worker.mjs), so reading and hashing overlap: this
// side encodes each message canonically (encodeWire) from the wire reader's memory into a ring
// shared with the thread, after room for the link before it, and the thread chains and hashes
// them in order. The ring's room is given back as the thread answers; a batch that does not fit
// waits for it (holding its received memory), and the reader waits for such a batch (`room`).
import { Worker } from 'node:worker_threads';
import { encodeWire, wireRoom } from './canonical-raw.ts';
import { WIRE_FIELDS, type WireBatch } from './read-wire.ts';
import type { ChainPlan } from './verify.ts';

const LINK_BYTES = 32;
const RING = 16 << 20;

type Job = {
  w: WireBatch;
  plan: ChainPlan;
  /** The next event to encode. */
  i: number;
  links: Uint8Array[];
  release: (() => void) | undefined;
  resolve: (links: Uint8Array[]) => void;
  reject: (err: Error) => void;
};
/** A part of a job posted to the thread: where its first event starts in the ring. */
type Part = { start: number; job: Job; last: boolean };

export type ChainThread = {
  /** The batch chained on the thread (as chainHere would): the plan's reported links. */
  chain: (w: WireBatch, plan: ChainPlan) => Promise<Uint8Array[]>;
  /** Settles once no batch waits for room in the ring. */
  room: () => Promise<void>;
  /** Stops the thread once it has answered every batch. */
  close: () => Promise<void>;
};

export function openChainThread({ ringBytes = RING }: { ringBytes?: number } = {}): ChainThread {
  const shared = new SharedArrayBuffer(ringBytes);
  const ring = Buffer.from(shared);
  const worker = new Worker(new URL('./hash-worker.mjs', import.meta.url), { workerData: { ring: shared } });
  const posted: Part[] = [];
  const waiting: Job[] = [];
  let head = 0;
  let failure: Error | undefined;
  let roomWaiters: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];

  /** Where `need` bytes fit in the ring, given what the thread has yet to hash from `tail` on; -1: full. */
  const placeFor = (need: number, tail: number | undefined): number => {
    if (tail === undefined) return head + need <= ringBytes ? head : need <= ringBytes ? 0 : -1;
    if (head >= tail) return head + need <= ringBytes ? head : need < tail ? 0 : -1;
    return head + need < tail ? head : -1;
  };

  /** Encodes what fits of `job` and posts it; answers whether all of it is posted. */
  const run = (job: Job): boolean => {
    const { w, plan } = job;
    const a = w.at;
    const first = job.i;
    const at: number[] = [];
    for (; job.i < w.count; job.i++) {
      const o = job.i * WIRE_FIELDS;
      const subject = a[o + 1] as number;
      const subjectEnd = a[o + 2] as number;
      const headers = a[o + 3] as number;
      const headersEnd = a[o + 4] as number;
      const payloadEnd = a[o + 5] as number;
      const need = LINK_BYTES + wireRoom(subjectEnd - subject, headersEnd - headers, payloadEnd - headersEnd);
      if (need > ringBytes)
        throw new Error(`audit verify: an event of ${need} bytes is larger than the ring`);
      // The oldest bytes the thread has yet to hash: of a part posted, or of this one.
      const p = placeFor(need, posted[0]?.start ?? at[0]);
      if (p < 0) break;
      const end = encodeWire(
        ring,
        p + LINK_BYTES,
        w.buf,
        a[o] as number,
        subject,
        subjectEnd,
        headers,
        headersEnd,
        payloadEnd,
      );
      at.push(p, end);
      head = end;
    }
    const done = job.i === w.count;
    if (at.length > 0 || done) {
      posted.push({ start: at[0] ?? head, job, last: done });
      worker.postMessage({
        first,
        at: Int32Array.from(at),
        resets: plan.resets,
        reports: plan.reports,
      });
    }
    return done;
  };

  const pump = () => {
    while (waiting.length > 0 && !failure) {
      const job = waiting[0] as Job;
      try {
        if (!run(job)) return;
      } catch (err) {
        return fail(err as Error);
      }
      waiting.shift();
      job.release?.();
    }
    const ws = roomWaiters;
    roomWaiters = [];
    for (const wake of ws) wake();
    if (posted.length === 0 && waiting.length === 0) {
      const idle = idleWaiters;
      idleWaiters = [];
      for (const wake of idle) wake();
    }
  };

  function fail(err: Error): void {
    failure ??= err;
    for (const p of posted.splice(0)) p.job.reject(failure);
    for (const job of waiting.splice(0)) {
      job.release?.();
      job.reject(failure);
    }
    pump();
  }
  worker.on('message', ({ links }: { links: Uint8Array[] }) => {
    const part = posted.shift();
    if (!part) return;
    for (const l of links) part.job.links.push(l);
    if (part.last) part.job.resolve(part.job.links);
    pump();
  });
  worker.on('error', fail);
  worker.on('exit', () => fail(new Error('audit verify: the hashing thread stopped')));

  return {
    chain: (w, plan) =>
      new Promise<Uint8Array[]>((resolve, reject) => {
        if (failure) return reject(failure);
        const job: Job = { w, plan, i: 0, links: [], release: undefined, resolve, reject };
        try {
          if (waiting.length === 0 && run(job)) return;
        } catch (err) {
          fail(err as Error);
          return reject(err);
        }
        // Encoded later, from the received memory: held until then.
        job.release = w.hold();
        waiting.push(job);
      }),
    room: () =>
      waiting.length === 0 || failure
        ? Promise.resolve()
        : new Promise<void>((wake) => roomWaiters.push(wake)),
    close: async () => {
      if (posted.length > 0 || waiting.length > 0) await new Promise<void>((wake) => idleWaiters.push(wake));
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

// Figure: `hearth audit verify` over a stream of realistic events (200–400 byte payloads with
// the headers every event carries) — read from JetStream in order, re-encoded canonically and
// chained — beside the raw SHA-256 chain over the same canonical bytes held in memory, in the
// same run. Target: at least half the raw hash's speed. The baseline hashes each event with
// createHash, as it always has; verify hashes with the one-shot crypto.hash, whose speed over
// the same bytes is given beside the baseline (a stricter yardstick).
import { createHash, hash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { type ChainEvent, eventPrefix, generateSigningKey, ZERO_LINK } from '../writers/audit/chain.ts';
import { appendCheckpoint } from '../writers/audit/checkpoints.ts';
import { readWire } from '../writers/audit/read-wire.ts';
import { THREAD_FROM, verifyStream } from '../writers/audit/verify-stream.ts';
import { openLog } from '../writers/log/open.ts';
import type { BenchContext } from './context.ts';
import { round } from './lanes.ts';
import type { FigureResult } from './types.ts';

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

export async function measureAuditVerify({
  ctx,
  events,
  publishInFlight,
  step,
}: {
  ctx: BenchContext;
  events: number;
  publishInFlight: number;
  step: (text: string) => void;
}): Promise<FigureResult> {
  const names = ctx.names('audit');
  const log = await openLog({ nc: ctx.nc, names });
  step(`audit verify: publishing ${events} events`);
  // The canonical bytes of every event, as the baseline hashes them: one buffer, offsets, each
  // event after room for the previous link, so each is hashed in one update() as verify does.
  const chunks: Buffer[] = [];
  const ends: number[] = [];
  let total = 0;
  let eventBytes = 0;
  let inFlight: Promise<unknown>[] = [];
  for (let i = 1; i <= events; i++) {
    const h = natsHeaders();
    h.set('Hearth-Type', 'hearth.chat.v1.MessagePosted');
    h.set('Hearth-Actor', `user-${i % 12}`);
    h.set('Hearth-Correlation-Id', `c0ffee00-0000-4000-8000-${String(i).padStart(12, '0')}`);
    h.set('traceparent', `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`);
    h.set('Nats-Msg-Id', `cmd-${i}`);
    const payload = randomBytes(200 + (i % 201));
    const subject = names.chat.message(`ch${i % 20}`, `m${i}`);
    const e: ChainEvent = { seq: i, subject, headers: [...h], payload };
    const bytes = Buffer.concat([ZERO_LINK, eventPrefix(e), payload]);
    chunks.push(bytes);
    total += bytes.length;
    eventBytes += bytes.length - ZERO_LINK.length;
    ends.push(total);
    inFlight.push(log.js.publish(subject, payload, { headers: h }));
    if (inFlight.length >= publishInFlight) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  await Promise.all(inFlight);
  const held = Buffer.concat(chunks);
  chunks.length = 0;

  step('audit verify: raw SHA-256 chain over the same bytes in memory');
  const hashStart = performance.now();
  const hashCpu = process.cpuUsage();
  let prev: Uint8Array = ZERO_LINK;
  let from = 0;
  for (const end of ends) {
    held.set(prev, from);
    prev = createHash('sha256').update(held.subarray(from, end)).digest();
    from = end;
  }
  const hashSeconds = (performance.now() - hashStart) / 1000;
  const hashCpuSeconds = cpuSeconds(process.cpuUsage(hashCpu));
  const oneShotStart = performance.now();
  const oneShotCpu = process.cpuUsage();
  let link: Uint8Array = ZERO_LINK;
  from = 0;
  for (const end of ends) {
    held.set(link, from);
    link = hash('sha256', held.subarray(from, end), 'buffer');
    from = end;
  }
  const oneShotSeconds = (performance.now() - oneShotStart) / 1000;
  const oneShotCpuSeconds = cpuSeconds(process.cpuUsage(oneShotCpu));
  const rawSeconds = Math.min(hashSeconds, oneShotSeconds);
  const rawCpuSeconds = hashSeconds < oneShotSeconds ? hashCpuSeconds : oneShotCpuSeconds;
  // The one-shot hash with its digest as a string written back in place, as verify hashes: no
  // buffer allocated per event. Shown beside the baseline, not as it: the fastest known way to
  // hash the same bytes in this process, a stricter yardstick than the baseline's.
  const binaryStart = performance.now();
  const binaryCpu = process.cpuUsage();
  let digest = '';
  from = 0;
  for (const end of ends) {
    for (let k = 0; k < ZERO_LINK.length; k++) held[from + k] = from === 0 ? 0 : digest.charCodeAt(k);
    digest = hash('sha256', held.subarray(from, end), 'binary');
    from = end;
  }
  const binarySeconds = (performance.now() - binaryStart) / 1000;
  const binaryCpuSeconds = cpuSeconds(process.cpuUsage(binaryCpu));
  if (
    !Buffer.from(link).equals(Buffer.from(prev)) ||
    !Buffer.from(digest, 'latin1').equals(Buffer.from(prev))
  )
    throw new Error('audit verify bench: the hashes differ');

  const key = generateSigningKey();
  await appendCheckpoint({
    log,
    key,
    now: new Date(),
    range: { stream: 'CHAT', firstSeq: 1, anchor: ZERO_LINK, seq: events, link: prev },
  });

  step('audit verify: verify the stream against its checkpoint');
  const verifyStart = performance.now();
  // This process's CPU beside the wall time: how much of it verify spends waiting on the server.
  const verifyCpu = process.cpuUsage();
  const report = await verifyStream({ log, stream: 'CHAT', key });
  const verifySeconds = (performance.now() - verifyStart) / 1000;
  const verifyCpuSeconds = cpuSeconds(process.cpuUsage(verifyCpu));
  if (!report.ok || report.events !== events)
    throw new Error(
      `audit verify bench: the stream did not verify (${JSON.stringify(report.problems.slice(0, 3))})`,
    );
  // The same verify the other way (verify-stream.ts's THREAD_FROM picks by the host's cores):
  // hashing on a thread of its own (chain-thread.ts) or on the reader's, in the same run.
  const threaded = THREAD_FROM !== Number.POSITIVE_INFINITY;
  step(
    `audit verify: the same verify, hashed ${threaded ? 'on the reader’s thread' : 'on a thread of its own'}`,
  );
  const oneStart = performance.now();
  const oneCpu = process.cpuUsage();
  const one = await verifyStream({
    log,
    stream: 'CHAT',
    key,
    threadFrom: threaded ? Number.POSITIVE_INFINITY : 1,
  });
  const oneSeconds = (performance.now() - oneStart) / 1000;
  const oneCpuSeconds = cpuSeconds(process.cpuUsage(oneCpu));
  if (!one.ok || one.events !== events) throw new Error('audit verify bench: one thread did not verify');
  // What the server delivers to the same reader with nothing hashed: verify's ceiling here.
  step('audit verify: the same read, nothing hashed');
  const readStart = performance.now();
  const readCpu = process.cpuUsage();
  let read = 0;
  for await (const w of readWire({
    url: `nats://${ctx.nc.getServer()}`,
    jsm: log.jsm,
    stream: names.stream('chat'),
    fromSeq: 1,
  }))
    read += w.count;
  const readSeconds = (performance.now() - readStart) / 1000;
  const readCpuSeconds = cpuSeconds(process.cpuUsage(readCpu));
  return {
    id: 'audit-verify',
    title: 'audit verify: events/s read from JetStream and chained, vs raw SHA-256 in memory',
    figure: {
      label: 'hearth audit verify',
      unit: 'events/s',
      value: round(events / verifySeconds),
      count: events,
      seconds: round(verifySeconds, 2),
      details: {
        bytes: eventBytes,
        checkpoints: report.checkpoints,
        cpuSeconds: round(verifyCpuSeconds, 2),
        hashing: threaded ? 'own thread' : 'reader thread',
        [threaded ? 'oneThreadEventsPerSecond' : 'hashingThreadEventsPerSecond']: round(events / oneSeconds),
        [threaded ? 'oneThreadCpuSeconds' : 'hashingThreadCpuSeconds']: round(oneCpuSeconds, 2),
        readOnlyEventsPerSecond: round(read / readSeconds),
        readOnlyCpuSeconds: round(readCpuSeconds, 2),
      },
    },
    // The faster of the two ways to hash in memory (verify itself hashes one shot per event).
    baseline: {
      label: 'SHA-256 chain over the same bytes in memory (the faster of createHash and one-shot hash)',
      unit: 'events/s',
      value: round(events / rawSeconds),
      count: events,
      seconds: round(rawSeconds, 2),
      details: {
        mbPerSecond: round(total / rawSeconds / 1e6, 1),
        cpuSeconds: round(rawCpuSeconds, 2),
        createHashEventsPerSecond: round(events / hashSeconds),
        oneShotEventsPerSecond: round(events / oneShotSeconds),
        oneShotStringDigestEventsPerSecond: round(events / binarySeconds),
        oneShotStringDigestCpuSeconds: round(binaryCpuSeconds, 2),
      },
    },
    target: { description: 'verify at least half the speed of the raw hash', minRatio: 0.5 },
  };
}

// `hearth tail <subject>`: the log's events live, one decoded line each, until Ctrl-C. An
// ordered consumer (ephemeral, in memory, nothing to clean up) from now or from a sequence.
// Personal fields stay sealed as the log holds them: the tail is a view of the log, not of
// the family's data.
import { toJson } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { ENVELOPES } from '../../contracts/events.ts';
import { createNames, DOMAINS, type Domain } from '../../contracts/subjects.ts';
import { connectNats, type NatsAuth } from '../../writers/log/connect.ts';
import { decodeEnvelope } from '../../writers/log/decode.ts';
import { eventDesc } from '../../writers/log/encode.ts';
import { personalFields } from '../../writers/log/seal.ts';
import { readRuntimeFile } from '../boot/runtime-file.ts';

export type TailTarget = { domain: Domain; stream: string; filter: string };

const TOKEN = /^([A-Za-z0-9_-]+|\*)$/;

/**
 * The stream and filter of what the operator typed: a subject of the catalogue
 * (`hearth.chat.>`, `hearth.chat.channel.*.members`) or a domain (`chat`), inside the
 * namespace. Anything else is an Error saying what is accepted.
 */
export function tailTarget(given: string, namespace: string): TailTarget | Error {
  const names = createNames(namespace);
  const known = (DOMAINS as readonly string[]).includes(given);
  const tokens = (known ? `hearth.${given}.>` : given).split('.');
  const domain = tokens[1] as Domain;
  const wellFormed =
    tokens[0] === 'hearth' &&
    (DOMAINS as readonly string[]).includes(domain) &&
    tokens.every((t, i) => TOKEN.test(t) || (t === '>' && i === tokens.length - 1));
  if (!wellFormed)
    return new Error(
      `name a subject of the catalogue, such as hearth.chat.> or hearth.chat.channel.*.members, or a domain: ${DOMAINS.join(', ')}`,
    );
  return {
    domain,
    stream: names.stream(domain),
    filter: namespace ? `${namespace}.${tokens.join('.')}` : tokens.join('.'),
  };
}

/** One line: sequence, time, subject, type, actor, the event's fields as JSON, and what is sealed. */
export function tailLine(domain: Domain, m: { seq: number; subject: string; data: Uint8Array }): string {
  const envelope = ENVELOPES[domain];
  try {
    const decoded = decodeEnvelope(envelope, m.data);
    const event = decoded.event as { case?: string; value?: { $typeName: string } };
    if (!event.case || !event.value) return `${m.seq} ${m.subject} (no event this build knows)`;
    const desc = eventDesc(envelope, event.value.$typeName);
    const at = decoded.metadata?.occurredAt ? timestampDate(decoded.metadata.occurredAt).toISOString() : '-';
    const actor = decoded.metadata?.actorId || 'hearth';
    const fields = JSON.stringify(toJson(desc, event.value as never));
    const sealed = decoded.metadata?.sealed ? ` sealed: ${personalFields(desc).join(', ')}` : '';
    return `${m.seq} ${at} ${m.subject} ${desc.name} by ${actor} ${fields}${sealed}`;
  } catch (err) {
    return `${m.seq} ${m.subject} (undecodable: ${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Follows until the signal (Ctrl-C) or the connection ends; writes a line per event. */
export async function tail({
  target,
  servers,
  auth,
  fromSeq,
  write,
  signal,
}: {
  target: TailTarget;
  servers: string;
  auth: NatsAuth | undefined;
  fromSeq: number | undefined;
  write: (line: string) => void;
  signal: AbortSignal;
}): Promise<void> {
  const nc = await connectNats({ servers: servers.split(','), name: 'hearth-tail', auth });
  try {
    const consumer = await jetstream(nc).consumers.get(target.stream, {
      filter_subjects: target.filter,
      ...(fromSeq === undefined
        ? { deliver_policy: DeliverPolicy.New }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq }),
    });
    const messages = await consumer.consume();
    const stop = () => messages.stop();
    signal.addEventListener('abort', stop, { once: true });
    // A Ctrl-C while connecting fired before the listener was there.
    if (signal.aborted) stop();
    process.stderr.write(
      `following ${target.filter} on ${target.stream}${fromSeq === undefined ? ' from now' : ` from ${fromSeq}`} (Ctrl-C stops)\n`,
    );
    for await (const m of messages)
      write(tailLine(target.domain, { seq: m.seq, subject: m.subject, data: m.data }));
    signal.removeEventListener('abort', stop);
  } finally {
    await nc.close();
  }
}

/** `hearth tail`: validates what the operator typed, then follows until Ctrl-C. */
export async function tailCommand({
  subject,
  fromSeqText,
  settings,
}: {
  subject: string | undefined;
  fromSeqText: string | undefined;
  /** What the CLI's environment says (edge/config.ts). */
  settings: {
    namespace: string;
    infra: {
      natsUrl?: string | undefined;
      natsAuth?: NatsAuth | undefined;
      dataDir: string;
      probeNats: string;
    };
  };
}): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`hearth tail: ${message}\n`);
    return 1;
  };
  // The hub's NATS as the other commands find it: configured, else the running hub's.
  const running = settings.infra.natsUrl ? null : await readRuntimeFile(settings.infra.dataDir);
  const target = tailTarget(subject ?? '', running?.namespace ?? settings.namespace);
  if (target instanceof Error) return fail(target.message);
  const fromSeq = fromSeqText === undefined ? undefined : Number(fromSeqText);
  if (fromSeq !== undefined && (!Number.isSafeInteger(fromSeq) || fromSeq < 1))
    return fail('--from-seq must be a whole number from 1');
  const stop = new AbortController();
  const abort = () => stop.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  await tail({
    target,
    servers: settings.infra.natsUrl ?? running?.natsUrl ?? settings.infra.probeNats,
    auth: settings.infra.natsAuth,
    fromSeq,
    write: (line) => process.stdout.write(`${line}\n`),
    signal: stop.signal,
  });
  return 0;
}

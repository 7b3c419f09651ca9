// `hearth streams | consumers | events | aggregate`: the stream inspection of the console, at
// the operator's terminal. Errors are the same as the API's; the caller prints their message.
import type { LoggedEvent } from '../../contracts/inspect.api.ts';
import { aggregateTypes } from '../../projectors/log-keeper/registry.ts';
import { readEvents } from '../../writers/log/read-events.ts';
import type { HubDeps } from '../http/deps.ts';
import { consumerFigures } from './consumers.ts';
import { streamFigures } from './streams.ts';
import { aggregateAt, domainParam, PAGE } from './travel.ts';

export const INSPECT_USAGE = `  streams                 the event streams (the audit log): messages, size, first/last
                          sequence and time, subjects, retention
  consumers               each read model's and reactor's consumer: pending, ack pending,
                          redelivered, lag in events and seconds
  events <domain> [--subject S] [--from-seq N | --since ISO] [--limit N]
                          the stream's events decoded, 50 at a time (personal fields withheld)
  aggregate <domain> <type> <id> [--at-seq N | --at TIME]
                          one aggregate's state as it stood then (e.g. play completion <chore>:<id>)`;

export type InspectOptions = {
  subject?: string | undefined;
  'from-seq'?: string | undefined;
  since?: string | undefined;
  limit?: string | undefined;
  'at-seq'?: string | undefined;
  at?: string | undefined;
};

type Out = { table: (rows: object[]) => void; line: (text: string) => void };

const number = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number`);
  return n;
};
const moment = (value: string | undefined, name: string): Date | undefined => {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new Error(`${name} must be a time, such as 2026-12-06T18:00:00Z`);
  return at;
};

const eventLine = (e: LoggedEvent) =>
  `${e.seq}  ${e.time}  ${e.type}  ${e.subject}${e.actor ? `  by ${e.actor}` : ''}${
    e.personal ? `  (${e.personal.fields.join(', ')}: ${e.personal.status})` : ''
  }\n  ${JSON.stringify(e.payload)}`;

/** Runs one inspection command; the exit code. */
export async function runInspect({
  command,
  args,
  options,
  deps,
  out,
}: {
  command: 'streams' | 'consumers' | 'events' | 'aggregate';
  args: string[];
  options: InspectOptions;
  deps: Pick<HubDeps, 'log' | 'projectors'>;
  out: Out;
}): Promise<number> {
  const { log } = deps;
  switch (command) {
    case 'streams':
      out.table(
        (await streamFigures(log)).map((s) => ({
          stream: s.stream,
          messages: s.messages,
          bytes: s.bytes,
          first_seq: s.firstSeq,
          last_seq: s.lastSeq,
          first_time: s.firstTime,
          last_time: s.lastTime,
          subjects: s.numSubjects,
          retention: `${s.retention}, ${s.maxAgeDays} days`,
        })),
      );
      return 0;
    case 'consumers':
      out.table(
        (await consumerFigures({ log, projectors: deps.projectors })).map((c) => ({
          name: c.name,
          kind: c.kind,
          pending: c.pending ?? '-',
          ack_pending: c.ackPending ?? '-',
          redelivered: c.redelivered ?? '-',
          lag_events: c.lagEvents,
          lag_seconds: c.lagSeconds,
          dead_letters: c.deadLetters,
        })),
      );
      return 0;
    case 'events': {
      const domain = domainParam(args[0] ?? '');
      const fromSeq = number(options['from-seq'], '--from-seq');
      const since = moment(options.since, '--since');
      if (fromSeq !== undefined && since !== undefined)
        throw new Error('give --from-seq or --since, not both');
      const page = await readEvents({
        log,
        domain,
        afterSeq: Math.max((fromSeq ?? 1) - 1, 0),
        since,
        limit: Math.min(number(options.limit, '--limit') ?? PAGE, 500),
        subject: options.subject,
      });
      for (const e of page.events) out.line(eventLine(e));
      out.line(`${page.events.length} events; the next page: --from-seq ${page.nextAfterSeq + 1}`);
      return 0;
    }
    case 'aggregate': {
      const [domain = '', type = '', id = ''] = args;
      const at = await aggregateAt({
        log,
        types: new Map(aggregateTypes(log.names).map((t) => [t.name, t])),
        domain,
        type,
        id,
        atSeq: number(options['at-seq'], '--at-seq'),
        atTime: moment(options.at, '--at'),
      });
      out.line(
        `${at.subject} at seq ${at.version} (${at.folded} events folded${at.fromSnapshot ? ', from its snapshot' : ''})`,
      );
      if (at.withheld.length > 0) out.line(`${at.erased ? 'erased' : 'withheld'}: ${at.withheld.join(', ')}`);
      out.line(JSON.stringify(at.state, null, 2));
      return 0;
    }
  }
}

// A read model's or reactor's span per batch, and a reactor's per command it issues. Each
// event carries its command's traceparent (the append's span). The batch's span continues the
// trace of the first traced event in it, linked to the others'; every event of another command
// gets a short span of the same name on its own trace (its `hearth.seq`, a link to the batch's
// span), open while the batch applies: whatever the batch size, each event's trace shows its apply,
// and the first's shows the statements too. A reactor's command continues its cause's trace.
import { context, type Link, type Span, SpanKind, trace } from '@opentelemetry/api';
import { HEADERS } from '../../contracts/events.ts';
import type { RawMessage } from '../../writers/log/decode.ts';
import {
  failed,
  inSpan,
  parseTraceparent,
  remoteParent,
  tracer,
  tracingOn,
} from '../../writers/log/tracing.ts';
import type { AnyProjection } from './types.ts';

/** At most this many links on a batch's span (the events' spans link back to it anyway). */
const MAX_LINKS = 128;

/** `fn` itself while tracing is off; inside the batch's span while on. */
export function inBatchSpan<T>(
  { projection, stream, messages }: { projection: AnyProjection; stream: string; messages: RawMessage[] },
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracingOn()) return fn();
  // The headers are parsed only now: an untraced worker never reads them.
  const events = messages.map((m) => ({
    seq: m.seq,
    traceparent: m.header?.get(HEADERS.traceparent) || undefined,
  }));
  const lead = events.find((e) => parseTraceparent(e.traceparent));
  // Events of the lead's command share its traceparent: the batch's span is theirs already.
  const others = events.filter((e) => e.traceparent !== lead?.traceparent && parseTraceparent(e.traceparent));
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const m of messages) {
    if (m.seq < first) first = m.seq;
    if (m.seq > last) last = m.seq;
  }
  const reactor = projection.sideEffects === true;
  const name = `${reactor ? 'react' : 'apply'} ${projection.name}`;
  const model = { [reactor ? 'hearth.reactor' : 'hearth.read_model']: projection.name };
  const links: Link[] = [];
  const linked = new Set<string>();
  for (const e of others) {
    const sc = parseTraceparent(e.traceparent);
    if (!sc || linked.has(e.traceparent as string)) continue;
    linked.add(e.traceparent as string);
    links.push({ context: sc });
    if (links.length >= MAX_LINKS) break;
  }
  const options = {
    kind: SpanKind.CONSUMER,
    links,
    attributes: {
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': stream,
      'messaging.consumer.group.name': `rm_${projection.name}`,
      'messaging.batch.message_count': messages.length,
      ...model,
      ...(lead ? { 'hearth.seq': lead.seq } : {}),
      'hearth.first_seq': first,
      'hearth.last_seq': last,
    },
  };
  return inSpan(name, options, remoteParent(lead?.traceparent), async (batch) => {
    const spans = others.map((e) => eventSpan(name, e, batch, model));
    try {
      return await fn();
    } catch (err) {
      for (const span of spans) failed(span, err);
      throw err;
    } finally {
      for (const span of spans) span.end();
    }
  });
}

/** One event's share of a batch: on its own trace, linked to the batch's span. */
function eventSpan(
  name: string,
  { seq, traceparent }: { seq: number; traceparent: string | undefined },
  batch: Span,
  model: Record<string, string>,
): Span {
  return tracer().startSpan(
    name,
    {
      kind: SpanKind.CONSUMER,
      links: [{ context: batch.spanContext() }],
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        ...model,
        'hearth.seq': seq,
      },
    },
    remoteParent(traceparent),
  );
}

/**
 * A reactor's command, inside a span on its cause's trace: under the batch's span when that
 * is the same trace (a batch of one), else a child of the cause linked to the batch.
 */
export function inIssueSpan<T>(
  { reactor, cause, traceparent }: { reactor: string; cause: string; traceparent: string | undefined },
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracingOn()) return fn();
  const active = context.active();
  const batch = trace.getSpan(active)?.spanContext();
  const causeContext = parseTraceparent(traceparent);
  const same = batch && (!causeContext || batch.traceId === causeContext.traceId);
  const links: Link[] = !same && batch ? [{ context: batch }] : [];
  const options = {
    kind: SpanKind.INTERNAL,
    links,
    attributes: { 'hearth.reactor': reactor, 'hearth.cause': cause },
  };
  return inSpan(`issue ${reactor}`, options, same ? active : remoteParent(traceparent), () => fn());
}

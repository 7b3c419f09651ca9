// A read model's or reactor's span per batch, and a reactor's per command it issues. A batch of
// one event continues that event's trace (its traceparent header is the append's span); a
// batch of several starts a trace of its own, linked to each of theirs. A reactor's command
// continues its cause's trace whatever the batch.
import { context, type Link, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { HEADERS } from '../../contracts/events.ts';
import type { RawMessage } from '../../writers/log/decode.ts';
import { inSpan, linksTo, parseTraceparent, remoteParent, tracingOn } from '../../writers/log/tracing.ts';
import type { AnyProjection } from './types.ts';

/** `fn` itself while tracing is off; inside the batch's span while on. */
export function inBatchSpan<T>(
  { projection, stream, messages }: { projection: AnyProjection; stream: string; messages: RawMessage[] },
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracingOn()) return fn();
  // The headers are parsed only now: an untraced worker never reads them.
  const traceparents = messages.map((m) => m.header?.get(HEADERS.traceparent) || undefined);
  const one = messages.length === 1 ? parseTraceparent(traceparents[0]) : undefined;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const m of messages) {
    if (m.seq < first) first = m.seq;
    if (m.seq > last) last = m.seq;
  }
  const reactor = projection.sideEffects === true;
  const options = {
    kind: SpanKind.CONSUMER,
    links: one ? [] : linksTo(traceparents),
    attributes: {
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': stream,
      'messaging.consumer.group.name': `rm_${projection.name}`,
      'messaging.batch.message_count': messages.length,
      [reactor ? 'hearth.reactor' : 'hearth.read_model']: projection.name,
      'hearth.first_seq': first,
      'hearth.last_seq': last,
    },
  };
  const parent = one ? trace.setSpanContext(ROOT_CONTEXT, one) : ROOT_CONTEXT;
  return inSpan(`${reactor ? 'react' : 'apply'} ${projection.name}`, options, parent, fn);
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

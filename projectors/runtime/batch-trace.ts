// A read model's or reactor's span per batch, and a reactor's per command it issues. Each
// event carries its command's traceparent (the append's span). The batch's span continues the
// trace of the first traced event in it, linked to the others'; every event of another command
// gets a short span of the same name on its own trace (its `hearth.seq`, a link to the batch's
// span), open while the batch applies: whatever the batch size, each event's trace shows its apply,
// and the first's shows the statements too. A reactor's command continues its cause's trace.
import {
  type Attributes,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  trace,
} from '@opentelemetry/api';
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

/** An event of another command than the batch's lead: its seq and its command's span. */
type Other = { seq: number; parent: SpanContext };

/** `fn` itself while tracing is off; inside the batch's span while on. */
export function inBatchSpan<T>(
  { projection, stream, messages }: { projection: AnyProjection; stream: string; messages: RawMessage[] },
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracingOn()) return fn();
  // The traceparents are read only now, each parsed once (a command's events share theirs):
  // an untraced worker never reads them.
  let lead: { seq: number; traceparent: string; parent: SpanContext } | undefined;
  const others: Other[] = [];
  const links: Link[] = [];
  const linked = new Set<string>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let previous: string | undefined;
  let parsed: SpanContext | undefined;
  for (const m of messages) {
    if (m.seq < first) first = m.seq;
    if (m.seq > last) last = m.seq;
    const traceparent = m.traceparent ? m.traceparent() : m.header?.get(HEADERS.traceparent) || undefined;
    if (!traceparent) continue;
    if (traceparent !== previous) {
      previous = traceparent;
      parsed = parseTraceparent(traceparent);
    }
    if (!parsed) continue;
    if (!lead) lead = { seq: m.seq, traceparent, parent: parsed };
    // Events of the lead's command share its traceparent: the batch's span is theirs already.
    else if (traceparent !== lead.traceparent) {
      others.push({ seq: m.seq, parent: parsed });
      if (links.length < MAX_LINKS && !linked.has(traceparent)) {
        linked.add(traceparent);
        links.push({ context: parsed });
      }
    }
  }
  const reactor = projection.sideEffects === true;
  const name = `${reactor ? 'react' : 'apply'} ${projection.name}`;
  const modelKey = reactor ? 'hearth.reactor' : 'hearth.read_model';
  const attributes: Attributes = {
    'messaging.system': 'nats',
    'messaging.operation.type': 'process',
    'messaging.destination.name': stream,
    'messaging.consumer.group.name': `rm_${projection.name}`,
    'messaging.batch.message_count': messages.length,
    [modelKey]: projection.name,
  };
  if (lead) attributes['hearth.seq'] = lead.seq;
  attributes['hearth.first_seq'] = first;
  attributes['hearth.last_seq'] = last;
  const options = { kind: SpanKind.CONSUMER, links, attributes };
  const parent = lead ? trace.setSpanContext(ROOT_CONTEXT, lead.parent) : ROOT_CONTEXT;
  if (others.length === 0) return inSpan(name, options, parent, () => fn());
  return inSpan(name, options, parent, async (batch) => {
    const link: Link[] = [{ context: batch.spanContext() }];
    const spans = others.map((e) => eventSpan(name, e, link, modelKey, projection.name));
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
  { seq, parent }: Other,
  links: Link[],
  modelKey: string,
  model: string,
): Span {
  return tracer().startSpan(
    name,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        [modelKey]: model,
        'hearth.seq': seq,
      },
    },
    trace.setSpanContext(ROOT_CONTEXT, parent),
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

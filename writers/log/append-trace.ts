// The append's span: load → decide → publish of one command, the producer of its events. Its
// context is the traceparent the events carry in their headers, so each read model's and
// reactor's span (projectors/runtime/batch-trace.ts) continues the command's trace.
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { Envelope } from '../../contracts/events.ts';
import type { AggregateType, AppendResult, CommandMeta } from './append.ts';
import type { Log } from './open.ts';
import { formatTraceparent, inSpan, remoteParent, tracingOn } from './tracing.ts';

type AppendInput<S, C, Env extends Envelope> = {
  type: AggregateType<S, C, Env>;
  id: string;
  command: C;
  meta: CommandMeta;
};

/** `append` itself while tracing is off; inside its span, with the span as the trace, while on. */
export function tracedAppend(
  log: Log,
  append: <S, C, Env extends Envelope>(input: AppendInput<S, C, Env>) => Promise<AppendResult>,
): <S, C, Env extends Envelope>(input: AppendInput<S, C, Env>) => Promise<AppendResult> {
  return (input) => {
    if (!tracingOn()) return append(input);
    const { type, id, meta } = input;
    const active = context.active();
    // The request's or the reactor's span when there is one, else the trace the command names.
    const parent = trace.getSpan(active) ? active : remoteParent(meta.traceparent);
    const stream = log.names.stream(type.domain);
    const options = {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
        'messaging.destination.name': type.subject(log.names, id),
        'hearth.stream': stream,
        'hearth.concurrency': type.concurrency,
      },
    };
    return inSpan(`append ${stream}`, options, parent, async (span) => {
      const result = await append({
        ...input,
        meta: { ...meta, traceparent: formatTraceparent(span.spanContext()) },
      });
      span.setAttributes({
        'hearth.seq': result.seq,
        'hearth.appended': result.appended,
        'hearth.duplicate': result.duplicate,
      });
      return result;
    });
  };
}

// One trace from the click to the read model: a hub whose spans go to an exporter kept in
// memory, a message posted over HTTP, and the same trace id on the request's span, the
// append's, the chat_messages batch that applied it and the statements that batch sent.
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestClient, type TestHub } from '../test/hub.ts';

const exporter = new InMemorySpanExporter();
let t: TestHub;
let ann: TestClient;

beforeAll(async () => {
  t = await startTestHub({ tracing: { exporter } });
  ann = t.client();
  expect((await ann.signUp({ email: 'ann@family.test' })).status).toBe(200);
});
afterAll(() => t?.stop());

const spans = () => exporter.getFinishedSpans();
const inTrace = (traceId: string) => spans().filter((s) => s.spanContext().traceId === traceId);
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

/** Posts until the family channel has taken the first account in (chat's reactor adds it). */
async function postMessage(content: string, headers: Record<string, string> = {}): Promise<number> {
  return eventually(
    async () => {
      const res = await ann.request('/api/v1/messages', { body: { channel: 'family', content }, headers });
      return res.status === 201 ? ((await res.json()) as { seq: number }).seq : undefined;
    },
    { what: 'a message posted to the family channel', timeoutMs: 10_000 },
  );
}

describe('with an exporter configured', () => {
  it('carries one trace id from the HTTP request to the read model and its statements', async () => {
    // The family has taken Ann in and told so (chat_family's line), all applied: the traced
    // message is then a batch of its own.
    await postMessage('warming up');
    await eventually(
      async () => {
        const res = await ann.request('/api/v1/messages?channel=family&limit=50');
        return (await res.text()).includes('"joined-') || undefined;
      },
      { what: "the family's line about Ann", timeoutMs: 10_000 },
    );

    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const seq = await postMessage('Dinner is ready', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(await t.hub.deps.projectors.waitFor('chat_messages', seq, 10_000)).toBe(true);

    const found = await eventually(
      async () => {
        const trace = inTrace(traceId);
        const http = trace.find((s) => s.kind === SpanKind.SERVER);
        const append = trace.find((s) => s.name.startsWith('append ') && s.attributes['hearth.seq'] === seq);
        const apply = trace.find((s) => s.name === 'apply chat_messages');
        const statements = trace.filter((s) => apply && parentOf(s) === apply.spanContext().spanId);
        return http && append && apply && statements.length > 0
          ? { http, append, apply, statements }
          : undefined;
      },
      { what: 'the spans of the traced message', timeoutMs: 10_000 },
    );
    const { http, append, apply, statements } = found;
    // The caller's traceparent is the request span's parent.
    expect(parentOf(http)).toBe('00f067aa0ba902b7');
    expect(http.attributes).toMatchObject({
      'http.route': '/api/v1/messages',
      'http.request.method': 'POST',
      'http.response.status_code': 201,
    });
    expect(http.name).toBe('POST /api/v1/messages');
    expect(parentOf(append)).toBe(http.spanContext().spanId);
    expect(append.kind).toBe(SpanKind.PRODUCER);
    // The event's traceparent header is the append's span: the batch of one continues it.
    expect(parentOf(apply)).toBe(append.spanContext().spanId);
    expect(apply.kind).toBe(SpanKind.CONSUMER);
    expect(apply.attributes).toMatchObject({ 'hearth.read_model': 'chat_messages', 'hearth.last_seq': seq });
    expect(statements.every((s) => s.attributes['db.system.name'] === 'postgresql')).toBe(true);
    expect(statements.map((s) => s.name)).toContain('COMMIT');
    // Never the values a statement was sent with: the message's text is nowhere in the trace.
    expect(JSON.stringify(inTrace(traceId).map((s) => s.attributes))).not.toContain('Dinner is ready');
  });

  it("continues a reactor's command on the trace of the batch that issued it", async () => {
    // Ann's sign-up had chat_family add her to the family channel: a command it issued.
    const issue = await eventually(async () => spans().find((s) => s.name === 'issue chat_family'), {
      what: "chat_family's issue span",
    });
    const append = spans().find(
      (s) => s.name.startsWith('append ') && parentOf(s) === issue.spanContext().spanId,
    );
    expect(append?.spanContext().traceId).toBe(issue.spanContext().traceId);
  });
});

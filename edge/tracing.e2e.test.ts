// One trace from the click to the read model: a hub whose spans go to an exporter kept in
// memory, messages posted over HTTP, and the same trace id on each request's span, its
// append's, the chat_messages apply of its event (whatever the batch it came in) and the
// statements of that batch under a span on the trace of the batch's first event.
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestClient, type TestHub } from '../test/hub.ts';
import { inSpan } from '../writers/log/tracing.ts';

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
const byId = (spanId: string | undefined) => spans().find((s) => s.spanContext().spanId === spanId);
const traceIdOf = (i: number) => `4bf92f3577b34da6a3ce929d0e0e${(0x1000 + i).toString(16)}`;

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

/**
 * The spans of one traced message once applied: its request's, its append's, its apply's (the
 * batch's span when its event led the batch, else the event's own span linked to the batch's),
 * and the batch's statements.
 */
function traced(traceId: string, seq: number) {
  const trace = inTrace(traceId);
  const http = trace.find((s) => s.kind === SpanKind.SERVER);
  const append = trace.find((s) => s.name.startsWith('append ') && s.attributes['hearth.seq'] === seq);
  const apply = trace.find(
    (s) => s.name === 'apply chat_messages' && append && parentOf(s) === append.spanContext().spanId,
  );
  if (!http || !append || !apply) return undefined;
  const batch = apply.attributes['messaging.batch.message_count']
    ? apply
    : byId(apply.links[0]?.context.spanId);
  if (!batch) return undefined;
  const statements = spans().filter((s) => parentOf(s) === batch.spanContext().spanId);
  return statements.some((s) => s.name === 'COMMIT') ? { http, append, apply, batch, statements } : undefined;
}

describe('with an exporter configured', () => {
  it('carries one trace id from the HTTP request to the read model and its statements', async () => {
    await postMessage('warming up');
    const traceId = traceIdOf(0);
    const seq = await postMessage('Dinner is ready', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(await t.hub.deps.projectors.waitFor('chat_messages', seq, 10_000)).toBe(true);

    const { http, append, apply, batch, statements } = await eventually(async () => traced(traceId, seq), {
      what: 'the spans of the traced message',
      timeoutMs: 10_000,
    });
    // The caller's traceparent (in-process here: as from a trusted proxy) is the request's parent.
    expect(parentOf(http)).toBe('00f067aa0ba902b7');
    expect(http.attributes).toMatchObject({
      'http.route': '/api/v1/messages',
      'http.request.method': 'POST',
      'http.response.status_code': 201,
    });
    expect(http.attributes['url.path']).toBeUndefined();
    expect(http.name).toBe('POST /api/v1/messages');
    expect(parentOf(append)).toBe(http.spanContext().spanId);
    expect(append.kind).toBe(SpanKind.PRODUCER);
    // The event's traceparent header is the append's span: its apply is the append's child.
    expect(apply.kind).toBe(SpanKind.CONSUMER);
    expect(apply.attributes).toMatchObject({ 'hearth.read_model': 'chat_messages', 'hearth.seq': seq });
    expect(batch.attributes['hearth.first_seq']).toBeLessThanOrEqual(seq);
    expect(batch.attributes['hearth.last_seq']).toBeGreaterThanOrEqual(seq);
    expect(statements.every((s) => s.attributes['db.system.name'] === 'postgresql')).toBe(true);
    // Never the values a statement was sent with: the message's text is in no span.
    expect(JSON.stringify(spans().map((s) => s.attributes))).not.toContain('Dinner is ready');
  });

  it("gives each event of a batch of several its apply on its own command's trace", async () => {
    const posted = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        postMessage(`busy ${i}`, { traceparent: `00-${traceIdOf(i + 1)}-00f067aa0ba902b7-01` }),
      ),
    );
    expect(await t.hub.deps.projectors.waitFor('chat_messages', Math.max(...posted), 10_000)).toBe(true);
    const found = await eventually(
      async () => {
        const all = posted.map((seq, i) => traced(traceIdOf(i + 1), seq));
        return all.every(Boolean) ? all : undefined;
      },
      { what: 'the spans of every busy message', timeoutMs: 10_000 },
    );
    for (const spansOf of found) {
      const { apply, batch } = spansOf as NonNullable<typeof spansOf>;
      if (apply !== batch) expect(apply.links[0]?.context.spanId).toBe(batch.spanContext().spanId);
    }
  });

  it("continues a reactor's command on the trace of the batch that issued it", async () => {
    // Ann's sign-up had chat_family add her to the family channel: a command it issued.
    const { issue, append } = await eventually(
      async () => {
        for (const issue of spans().filter((s) => s.name === 'issue chat_family')) {
          const append = spans().find(
            (s) => s.name.startsWith('append ') && parentOf(s) === issue.spanContext().spanId,
          );
          if (append) return { issue, append };
        }
        return undefined;
      },
      { what: "chat_family's issue span and its append" },
    );
    expect(append.spanContext().traceId).toBe(issue.spanContext().traceId);
  });

  it("records a failed statement's SQLSTATE, never its message (Postgres quotes the values)", async () => {
    await inSpan('probe', {}, ROOT_CONTEXT, async () => {
      await t.hub.deps.pool.query('SELECT $1::int', ['Dinner is ready']).catch(() => undefined);
    });
    const probe = spans().find((s) => s.name === 'probe');
    const statement = spans().find((s) => parentOf(s) === probe?.spanContext().spanId);
    expect(statement?.attributes).toMatchObject({
      'error.type': '22P02',
      'db.response.status_code': '22P02',
    });
    expect(statement?.status.message).toBe('database error');
    expect(statement?.events).toEqual([]);
    expect(JSON.stringify([statement?.attributes, statement?.status])).not.toContain('Dinner');
  });
});

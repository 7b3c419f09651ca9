// OpenTelemetry spans, shared by the writers, the projectors and the edge. Tracing is on only
// when the edge registered a provider (edge/boot/tracing.ts, from the OTEL_* variables); off,
// every helper here returns at its first line, so an untraced hub pays a boolean per call.
// The W3C traceparent the log carries in its headers links the spans across processes.

import type { JsMsg } from '@nats-io/jetstream';
import {
  type Context,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { HEADERS } from '../../contracts/events.ts';

let on = false;

/** True while a tracer provider is registered (edge/boot/tracing.ts sets it). */
export function tracingOn(): boolean {
  return on;
}

/** Only edge/boot/tracing.ts calls this, as it registers or removes its provider. */
export function setTracingOn(value: boolean): void {
  on = value;
  current = undefined;
}

let current: Tracer | undefined;

/**
 * The provider's tracer, looked up again whenever tracing is turned on or off: one kept from
 * an earlier provider would outlive it (the bench and the tests register one, remove it and
 * register another in the same process).
 */
export const tracer = (): Tracer => {
  current ??= trace.getTracer('hearth');
  return current;
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The span context a W3C traceparent names, marked remote; undefined if malformed or all zeros. */
export function parseTraceparent(traceparent: string | undefined | null): SpanContext | undefined {
  if (!traceparent) return undefined;
  const m = TRACEPARENT.exec(traceparent);
  if (!m) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = m;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 1, isRemote: true };
}

const NEEDLE = new TextEncoder().encode(`\r\n${HEADERS.traceparent}:`);
const utf8 = new TextDecoder();

/**
 * A delivered message's traceparent header, read from the header block's bytes: decoding the
 * block (nats's headers getter) splits every line and builds a map of them, for each message
 * and each read model that reads it. The key is matched exactly, as headers.get does; the
 * value trimmed as it trims. Falls back on the getter if the client's message is not shaped
 * as expected.
 */
export function headerTraceparent(m: JsMsg): string | undefined {
  const inner = (m as { msg?: { _rdata?: unknown; _msg?: { hdr?: unknown } } }).msg;
  const raw = inner?._rdata;
  const hdr = inner?._msg?.hdr;
  if (!(raw instanceof Uint8Array) || typeof hdr !== 'number' || hdr > raw.length)
    return m.headers?.get(HEADERS.traceparent) || undefined;
  // The header is written last (encode.ts): look from the end of the block.
  const n = NEEDLE.length;
  let at = hdr - n;
  for (; at >= 0; at--) {
    let i = 0;
    while (i < n && raw[at + i] === NEEDLE[i]) i++;
    if (i === n) break;
  }
  if (at < 0) return undefined;
  let start = at + n;
  let end = start;
  while (end < hdr && raw[end] !== 0x0d) end++;
  while (start < end && (raw[start] === 0x20 || raw[start] === 0x09)) start++;
  while (end > start && (raw[end - 1] === 0x20 || raw[end - 1] === 0x09)) end--;
  return end > start ? utf8.decode(raw.subarray(start, end)) : undefined;
}

export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`;
}

/** A context whose parent is the remote span a traceparent names (none: the root). */
export function remoteParent(traceparent: string | undefined | null): Context {
  const sc = parseTraceparent(traceparent);
  return sc ? trace.setSpanContext(ROOT_CONTEXT, sc) : ROOT_CONTEXT;
}

/** The active span, when tracing is on and one is. */
export function activeSpan(): Span | undefined {
  if (!on) return undefined;
  const span = trace.getSpan(context.active());
  return span?.spanContext().traceId ? span : undefined;
}

/**
 * The traceparent a command carries: the active span's while tracing is on (none: the append
 * starts the trace), else what `untraced` makes, so the log keeps one trace id per command
 * either way.
 */
export function commandTraceparent(untraced: () => string): string | undefined {
  if (!on) return untraced();
  const span = activeSpan();
  return span ? formatTraceparent(span.spanContext()) : undefined;
}

/**
 * Runs `fn` inside a new span under `parent`, ended when `fn` settles; a throw marks it as an
 * error. Only called while tracing is on.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  parent: Context,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer().startSpan(name, options, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    failed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Marks a span as failed with what names the error, never what it says: a Postgres error's
 * message and detail quote the values bound to the statement, and other messages may quote
 * a person's input. So no exception event, no message, no stack: the error's code (a
 * SQLSTATE, a HearthError's code) or its class, and a fixed status message. The log has the rest.
 */
export function failed(span: Span, err: unknown): void {
  const database = isDatabaseError(err);
  const code = (err as { code?: unknown } | null)?.code;
  const type =
    database || (typeof code === 'string' && SAFE_CODE.test(code))
      ? (code as string)
      : err instanceof Error
        ? err.constructor.name
        : typeof err;
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: database ? 'database error' : 'failed' });
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
/** A code as the hub writes them (a SQLSTATE, `domain.some_code`, ECONNREFUSED): no free text. */
const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A Postgres error (pg's DatabaseError): a SQLSTATE code beside a severity. */
export function isDatabaseError(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown } | null;
  return typeof e?.code === 'string' && SQLSTATE.test(e.code) && typeof e.severity === 'string';
}

/** Links to the spans these traceparents name (malformed ones left out), at most `max`. */
export function linksTo(traceparents: Iterable<string | undefined>, max = 128): Link[] {
  const links: Link[] = [];
  for (const tp of traceparents) {
    const sc = parseTraceparent(tp);
    if (sc) links.push({ context: sc });
    if (links.length >= max) break;
  }
  return links;
}

// A span per Postgres statement, made from the hub's own connections (the pools' and each
// worker's pipeline). Only while tracing is on, and only under a span already active (a
// request, a batch): the background loops' polling starts no traces of its own. The text
// is recorded, never the values bound to it, nor an error's message (writers/log/tracing.ts).
//
// @opentelemetry/instrumentation-pg patches pg as it is required, which under ESM needs a
// loader hook (--import with import-in-the-middle); wrapping the connections we open needs none.
import { context, SpanKind, trace } from '@opentelemetry/api';
import type pg from 'pg';
import { failed, isDatabaseError, tracer, tracingOn } from '../../writers/log/tracing.ts';

const TRACED = Symbol('hearth.traced');
const MAX_TEXT = 2000;

type Query = (...args: unknown[]) => unknown;

/** Wraps this connection's query so that each statement is a span (while tracing is on). */
export function traceQueries(client: pg.ClientBase): void {
  const target = client as unknown as { query: Query; [TRACED]?: true; database?: string };
  if (target[TRACED]) return;
  target[TRACED] = true;
  const query = target.query.bind(client) as Query;
  target.query = (...args: unknown[]) => {
    if (!tracingOn()) return query(...args);
    const active = context.active();
    // Under no span (the background loops' polls), or a span not recording: no span of its own.
    if (!trace.getSpan(active)?.isRecording()) return query(...args);
    const text = statementText(args);
    // A cursor or a stream (anything with submit) is left as it is.
    if (text === undefined) return query(...args);
    const operation = /^\s*([a-z]+)/i.exec(text)?.[1]?.toUpperCase() ?? 'postgresql';
    const span = tracer().startSpan(
      operation,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.operation.name': operation,
          'db.query.text': text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text,
          ...(target.database ? { 'db.namespace': target.database } : {}),
        },
      },
      active,
    );
    const done = (err: unknown, result?: unknown) => {
      if (err) {
        // Its SQLSTATE and a fixed message only: Postgres quotes bound values in its messages.
        failed(span, err);
        if (isDatabaseError(err))
          span.setAttribute('db.response.status_code', (err as { code: string }).code);
      }
      const rows = (result as { rowCount?: unknown } | undefined)?.rowCount;
      if (typeof rows === 'number') span.setAttribute('db.response.returned_rows', rows);
      span.end();
    };
    // pg-pool's own query passes a callback.
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      const traced = [...args];
      traced[last] = (err: unknown, result: unknown) => {
        done(err, result);
        return (callback as Query)(err, result);
      };
      return query(...traced);
    }
    let pending: Promise<unknown>;
    try {
      pending = query(...args) as Promise<unknown>;
    } catch (err) {
      done(err);
      throw err;
    }
    return pending.then(
      (result) => {
        done(undefined, result);
        return result;
      },
      (err: unknown) => {
        done(err);
        throw err;
      },
    );
  };
}

/** The text of a query call; undefined for the forms left untraced (a cursor, a stream). */
function statementText(args: unknown[]): string | undefined {
  const [first] = args;
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object') {
    const config = first as { text?: unknown; submit?: unknown };
    if (typeof config.submit === 'function' || typeof config.text !== 'string') return undefined;
    return config.text;
  }
  return undefined;
}

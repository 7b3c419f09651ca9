// W3C trace context for commands, so one trace id runs from the request or socket frame
// through the append into every projection.
import { randomUUID } from 'node:crypto';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * A fresh trace. randomUUID draws on a cached entropy pool, a few times cheaper than
 * randomBytes; a UUID's fixed version and variant bits still leave 122 random bits in the
 * trace id and 60 in the span id.
 */
export function newTraceparent(): string {
  return `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`;
}

/** The caller's trace context when it sent a well-formed one, else a fresh trace. */
export function traceparentOf(header: string | undefined): string {
  return header !== undefined && TRACEPARENT.test(header) ? header : newTraceparent();
}

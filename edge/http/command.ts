// Builds the metadata every command carries: its id (idempotency), actor, correlation, trace.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { CommandMeta } from '../../writers/log/append.ts';
import type { HubEnv } from './context.ts';

const KEY = /^[\x21-\x7e]{1,200}$/;

export function commandMeta(c: Context<HubEnv>, body?: unknown): CommandMeta {
  const user = c.get('user');
  const session = c.get('session');
  const key = c.req.header('Idempotency-Key');
  if (key !== undefined && !KEY.test(key)) {
    throw commonErrors.invalidRequest('Idempotency-Key must be 1–200 visible ASCII characters.', {
      field: 'Idempotency-Key',
    });
  }
  const realActor = session.impersonatedBy ?? user.id;
  return {
    // Keys are scoped to the person, so two people can never collide on one.
    commandId: key ? `${realActor}:${key}` : randomUUID(),
    retryable: key !== undefined,
    fingerprint: key
      ? createHash('sha256')
          .update(`${c.req.method} ${c.req.path} ${JSON.stringify(body ?? null)}`)
          .digest('base64url')
      : undefined,
    actorId: realActor,
    onBehalfOf: session.impersonatedBy ? user.id : undefined,
    correlationId: c.get('requestId'),
    now: new Date(),
    traceparent: validTraceparent(c.req.header('traceparent')) ?? newTraceparent(),
  };
}

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

function validTraceparent(value: string | undefined): string | undefined {
  return value && TRACEPARENT.test(value) ? value : undefined;
}

/** Starts a W3C trace when the caller sent none, so the event and its projections share one id. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

// Builds the metadata every command carries: its id (idempotency), actor, correlation, trace.
import { createHash, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { CommandMeta } from '../../writers/log/append.ts';
import type { HubEnv } from './context.ts';
import { traceparentOf } from './trace.ts';

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
    traceparent: traceparentOf(c.req.header('traceparent')),
  };
}

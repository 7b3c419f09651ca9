// Everyone is in the family channel: when someone registers, this reactor has them join it.
// It writes nothing to Postgres; its checkpoint only records how far it has read IDENTITY.

import { HearthError } from '../../contracts/errors.ts';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { ChatWriter } from '../../writers/chat/commands.ts';
import type { Projection } from '../runtime/types.ts';
import { sleep } from '../runtime/worker.ts';

const RETRY_FOR_MS = 10_000;

export function familyReactor({
  chat,
}: {
  chat: Pick<ChatWriter, 'joinFamily'>;
}): Projection<unknown, IdentityEvent> {
  return {
    name: 'chat_family',
    domain: 'identity',
    migrations: {},
    apply: async (events, ctx) => {
      // Replaying registrations into a new version must not append anything.
      if (ctx.rebuilding) return;
      for (const e of events) {
        if (e.event.case !== 'userRegistered') continue;
        const userId = e.event.value.userId;
        // The command id comes from the user id: a redelivered registration joins no one twice.
        const meta = {
          commandId: `chat-family-join:${userId}`,
          actorId: '',
          correlationId: `${e.stream}-${e.seq}`,
          causationId: `${e.stream}:${e.seq}`,
          now: new Date(),
        };
        await withRetry(() => chat.joinFamily(userId, meta));
      }
    },
  };
}

/**
 * The runner parks an event whose apply throws anything but a database or network failure.
 * A log that is briefly unavailable is retried here; if it stays down, the error is reported
 * as a timeout so the runner keeps the batch and retries it instead of parking it.
 */
async function withRetry(fn: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let backoff = 100; ; backoff = Math.min(backoff * 2, 2000)) {
    try {
      await fn();
      return;
    } catch (err) {
      const unavailable =
        err instanceof HearthError && (err.code === 'unavailable' || err.code === 'conflict');
      if (!unavailable) throw err;
      if (Date.now() > deadline)
        throw Object.assign(new Error('the event log stayed unavailable'), { code: 'ETIMEDOUT', cause: err });
      await sleep(backoff);
    }
  }
}

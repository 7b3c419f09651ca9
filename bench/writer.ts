// Subject of the writer figure: the in-process append path (load, decide, publish with the
// expected subject sequence and a Nats-Msg-Id) for the account aggregate, as a command without
// a client Idempotency-Key takes it; keyed commands add the ledger's get and put.
import { randomUUID } from 'node:crypto';
import { publishIdentity, registered } from '../test/events.ts';
import { type AccountCommand, accountAggregate } from '../writers/identity/decide.ts';
import { createAppender } from '../writers/log/append.ts';
import type { Log } from '../writers/log/open.ts';
import { inLanes } from './lanes.ts';
import { type AccountStep, type Step, userId } from './workload.ts';

export async function prepareHearth({ log, users }: { log: Log; users: number }): Promise<Step> {
  await registerUsers(log, users);
  const appender = createAppender({ log });
  return async (user, step) => {
    const id = userId(user);
    const now = new Date();
    await appender.append({
      type: accountAggregate,
      id,
      command: toCommand(id, step, now),
      // As an HTTP command without an Idempotency-Key: Nats-Msg-Id dedupe, no ledger round trips.
      meta: { commandId: randomUUID(), retryable: false, actorId: 'admin', correlationId: randomUUID(), now },
    });
  };
}

/** Registrations reach the log through the outbox in the product, not through the writer. */
export async function registerUsers(log: Log, users: number): Promise<Map<number, number>> {
  const seqs = new Map<number, number>();
  await inLanes(users, 256, async (n) => {
    seqs.set(n, await publishIdentity(log, registered(userId(n))));
  });
  return seqs;
}

function toCommand(id: string, step: AccountStep, now: Date): AccountCommand {
  const by = { userId: id, actorId: 'admin', now };
  switch (step.type) {
    case 'changeRole':
      return { type: 'changeRole', role: step.role, ...by };
    case 'ban':
      return { type: 'ban', reason: 'bench', ...by };
    case 'unban':
      return { type: 'unban', ...by };
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
}

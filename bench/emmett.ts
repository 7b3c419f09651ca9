// Baseline of the writer figure: Emmett's PostgreSQL event store appending the same workload,
// every append with the expected stream version, on its own fresh database and default pool.
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { inLanes } from './lanes.ts';
import { type AccountStep, type Step, userId } from './workload.ts';

type AccountEvent = { type: string; data: Record<string, string | number> };

export async function prepareEmmett({
  url,
  users,
  lanes,
}: {
  url: string;
  users: number;
  lanes: number;
}): Promise<{ step: Step; close: () => Promise<void> }> {
  const store = getPostgreSQLEventStore(url);
  await store.schema.migrate();
  // The version each stream is at, as a command handler would have read it.
  const versions = new Map<number, bigint>();
  await inLanes(users, lanes, async (n) => {
    const id = userId(n);
    const event = {
      type: 'UserRegistered',
      data: { userId: id, email: `${id}@family.test`, name: id, role: 'member' },
    };
    const result = await store.appendToStream(`account-${id}`, [event], {
      expectedStreamVersion: STREAM_DOES_NOT_EXIST,
    });
    versions.set(n, result.nextExpectedStreamVersion);
  });
  const step: Step = async (user, command) => {
    const id = userId(user);
    const result = await store.appendToStream(`account-${id}`, [toEvent(id, command)], {
      expectedStreamVersion: versions.get(user) ?? 0n,
    });
    versions.set(user, result.nextExpectedStreamVersion);
  };
  return { step, close: () => store.close() };
}

function toEvent(id: string, step: AccountStep): AccountEvent {
  switch (step.type) {
    case 'changeRole':
      return { type: 'RoleChanged', data: { userId: id, fromRole: step.from, toRole: step.role } };
    case 'ban':
      return { type: 'UserBanned', data: { userId: id, reason: 'bench', expiresAtMs: 0 } };
    case 'unban':
      return { type: 'UserUnbanned', data: { userId: id } };
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
}

// Uses of API keys onto the AUDIT stream, coalesced as refusals are (edge/audit/refusals.ts):
// per key and action within one minute, the first use appended at once, the rest counted and
// appended as one event when the minute is over (or on stop). Never waits, never throws.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditWriter } from '../../writers/audit/commands.ts';
import { keyUseIdOf } from '../../writers/audit/key-use.ts';

export type KeyUse = { keyId: string; action: string; status: number; clientIp: string; userAgent: string };

type Group = { use: KeyUse; minute: number; parts: number; pending: number; firstAt?: Date; lastAt?: Date };

const MINUTE_MS = 60_000;
const MAX_GROUPS = 1000;

export type KeyUses = ReturnType<typeof createKeyUses>;

export function createKeyUses({
  writer,
  logger,
  now = () => new Date(),
  recorder = randomUUID(),
}: {
  writer: Pick<AuditWriter, 'recordKeyUse'>;
  logger: Logger;
  now?: () => Date;
  recorder?: string;
}) {
  let minute = Math.floor(now().getTime() / MINUTE_MS);
  let groups = new Map<string, Group>();
  const inFlight = new Set<Promise<unknown>>();

  const append = (group: Group, count: number, firstAt: Date, lastAt: Date) => {
    const useId = keyUseIdOf({ recorder, ...group.use, minute: group.minute, part: group.parts });
    group.parts += 1;
    const done = writer
      .recordKeyUse(
        {
          useId,
          keyId: group.use.keyId,
          action: group.use.action,
          status: group.use.status,
          count,
          firstAt,
          lastAt,
        },
        {
          commandId: useId,
          retryable: false,
          actorId: '',
          correlationId: useId,
          now: lastAt,
          clientIp: group.use.clientIp,
          userAgent: group.use.userAgent,
        },
      )
      .catch((err: unknown) => logger.warn({ err }, 'an API key use could not be recorded on the audit log'));
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  const closeMinute = (next: number) => {
    const closing = [...groups.values()];
    groups = new Map();
    minute = next;
    for (const g of closing) {
      if (g.pending > 0 && g.firstAt && g.lastAt) append(g, g.pending, g.firstAt, g.lastAt);
    }
  };

  const sweep = () => {
    const current = Math.floor(now().getTime() / MINUTE_MS);
    if (current !== minute) closeMinute(current);
  };
  /** Appends every count held and waits for every append. */
  const flush = async () => {
    for (const g of groups.values()) {
      if (g.pending > 0 && g.firstAt && g.lastAt) append(g, g.pending, g.firstAt, g.lastAt);
      g.pending = 0;
      g.firstAt = undefined;
      g.lastAt = undefined;
    }
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };
  const timer = setInterval(sweep, 1000);
  timer.unref();

  return {
    used(use: KeyUse): void {
      try {
        sweep();
        const at = now();
        const key = `${use.keyId}\n${use.action}\n${use.status}`;
        const group = groups.get(key);
        if (!group) {
          if (groups.size >= MAX_GROUPS) return;
          const fresh: Group = { use, minute, parts: 0, pending: 0 };
          groups.set(key, fresh);
          append(fresh, 1, at, at);
          return;
        }
        group.pending += 1;
        group.firstAt ??= at;
        group.lastAt = at;
      } catch (err) {
        logger.error({ err }, 'could not record an API key use');
      }
    },
    flush,
    stop: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}

// Bans, erasures, role changes and ended sessions reach each edge at once (open sockets, cached
// sessions). A JetStream publish is also delivered to core subscribers of its subject, so each
// edge listens to the identity subjects directly, with no consumer and no lag behind a read model.
import type { Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { IdentityEventSchema } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { decodeEnvelope } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';

export type IdentityReactions = {
  /** `until` is an ISO time, null for a ban with no end. */
  banned: (userId: string, ban: { reason: string; until: string | null }) => void;
  roleChanged: (userId: string, role: string) => void;
  sessionEnded: (sessionId: string) => void;
  /** The subscription failed: events may be missed from here on. */
  deaf?: () => void;
  unbanned?: (userId: string) => void;
  /** Their personal data was erased: no session of theirs is valid any more. */
  erased?: (userId: string) => void;
  /** Anything else about the account changed (password, profile): what is kept of it is stale. */
  accountChanged?: (userId: string) => void;
};

export function watchIdentity({ log, logger, on }: { log: Log; logger: Logger; on: IdentityReactions }): {
  stop: () => void;
} {
  // hearth.identity.> → hearth.identity.user.*.account and …sessions (see contracts/subjects.ts)
  const root = log.names.domainFilter('identity').slice(0, -1);
  const subs: Subscription[] = ['account', 'sessions'].map((part) =>
    log.nc.subscribe(`${root}user.*.${part}`, {
      callback: (err, msg) => {
        if (err) {
          logger.warn({ err }, 'identity events subscription failed');
          on.deaf?.();
          return;
        }
        try {
          const { event } = decodeEnvelope(IdentityEventSchema, msg.data);
          switch (event.case) {
            case 'userBanned': {
              // A ban that has already run out changes nothing.
              const until = Number(event.value.expiresAtMs);
              if (until === 0 || until > Date.now()) {
                on.banned(event.value.userId, {
                  reason: event.value.reason,
                  until: until === 0 ? null : new Date(until).toISOString(),
                });
              }
              break;
            }
            case 'roleChanged':
              on.roleChanged(event.value.userId, event.value.toRole);
              break;
            case 'sessionRevoked':
            case 'signedOut':
              on.sessionEnded(event.value.sessionId);
              break;
            case 'userUnbanned':
              on.unbanned?.(event.value.userId);
              break;
            case 'memberErased':
              on.erased?.(event.value.memberId);
              break;
            case 'passwordChanged':
            case 'profileUpdated':
              on.accountChanged?.(event.value.userId);
              break;
            default:
              break;
          }
        } catch (e) {
          logger.warn({ err: e, subject: msg.subject }, 'undecodable identity event ignored');
        }
      },
    }),
  );
  return {
    stop: () => {
      for (const s of subs) s.unsubscribe();
    },
  };
}

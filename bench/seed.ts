// The identity history the projector replays: mostly registrations of distinct users, plus
// sign-ins and role changes of users registered earlier. Encoded up front, so the publish
// figure times JetStream and not protobuf.
import { create } from '@bufbuild/protobuf';
import type { MsgHdrs } from '@nats-io/transport-node';
import { IdentityEventSchema, RoleChangedSchema } from '../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Names } from '../contracts/subjects.ts';
import { type IdentityBody, registered, signedIn } from '../test/events.ts';
import { encode, eventHeaders } from '../writers/log/encode.ts';
import type { Keyring } from '../writers/log/keys.ts';

/** The member whose key seals every seeded registration. */
export const SEED_KEY_OWNER = 'bench-seed';

export type SeedMessage = { subject: string; data: Uint8Array; headers: MsgHdrs };
export type Seed = { messages: SeedMessage[]; users: number };

/**
 * `keys` seals the registrations' names and emails as a hub does; the seed's many thousand
 * users share one member's key (a family has a few), so making keys is not what is timed.
 */
export function identitySeed(
  names: Names,
  keys: Pick<Keyring, 'sealingKey'>,
  count: number,
  now = new Date(),
): Seed {
  const messages: SeedMessage[] = [];
  let users = 0;
  // A fixed-step generator keeps runs comparable; Math.random would vary the mix.
  let x = 12345;
  const pick = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % Math.max(users, 1);
  };
  for (let i = 0; i < count; i++) {
    let event: IdentityBody;
    if (i % 4 !== 3 || users === 0) {
      event = registered(`u${users++}`, 'member');
    } else {
      const userId = `u${pick()}`;
      event =
        i % 12 === 3
          ? {
              case: 'roleChanged',
              value: create(RoleChangedSchema, { userId, fromRole: 'member', toRole: 'child' }),
            }
          : signedIn(userId, `s${i}`);
    }
    const userId = 'userId' in event.value ? event.value.userId : '';
    const subject =
      event.case === 'signedIn' ? names.identity.sessions(userId) : names.identity.account(userId);
    const meta = { actorId: userId, correlationId: `seed-${i}`, now };
    messages.push({
      subject,
      data: encode(IdentityEventSchema, event, meta, keys),
      headers: eventHeaders(event, meta),
    });
  }
  return { messages, users };
}

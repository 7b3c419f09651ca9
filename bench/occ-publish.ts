// Diagnostic beside the writer figure: the same workload as bare publishes with an expected
// subject sequence, one request per command. No append path that keeps OCC can beat it.
import { create } from '@bufbuild/protobuf';
import { IdentityEventSchema, RoleChangedSchema } from '../contracts/gen/hearth/identity/v1/events_pb.ts';
import { encode, eventHeaders } from '../writers/log/encode.ts';
import type { Log } from '../writers/log/open.ts';
import { type Step, userId } from './workload.ts';
import { registerUsers } from './writer.ts';

export async function prepareOccPublish({ log, users }: { log: Log; users: number }): Promise<Step> {
  const seqs = await registerUsers(log, users);
  return async (user) => {
    const id = userId(user);
    const event = {
      case: 'roleChanged' as const,
      value: create(RoleChangedSchema, { userId: id, fromRole: 'member', toRole: 'child' }),
    };
    const meta = { actorId: 'admin', correlationId: 'bench', now: new Date() };
    const ack = await log.js.publish(
      log.names.identity.account(id),
      encode(IdentityEventSchema, event, meta),
      {
        headers: eventHeaders(event, meta),
        expect: { lastSubjectSequence: seqs.get(user) ?? 0 },
      },
    );
    seqs.set(user, ack.seq);
  };
}

// Events published straight onto the log the way the appender writes them: their personal
// fields sealed under the owners' keys (writers/log/seal.ts), each key made first.
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import type { Envelope, EventOf } from '../contracts/events.ts';
import type { CommandMeta } from '../writers/log/append.ts';
import { encode, ownersOf } from '../writers/log/encode.ts';
import type { Log } from '../writers/log/open.ts';

export async function encodeSealed<Env extends Envelope>(
  log: Log,
  envelope: GenMessage<Env>,
  event: EventOf<Env>,
  meta: Pick<CommandMeta, 'now' | 'actorId' | 'correlationId'> & Partial<CommandMeta>,
): Promise<Uint8Array> {
  await log.keys.ready(ownersOf(envelope, [event]));
  return encode(envelope, event, meta, log.keys);
}

// An integrator's chat follower: every chat event in order, from a sequence or from now, one
// line each. It uses only what Hearth publishes for integrators (the protobuf schemas in
// contracts/gen and the subject catalogue in contracts/subjects.ts) and @nats-io/jetstream.
//
// It reads the CHAT stream by direct get (the next event on hearth.chat.> at or after a
// sequence), and waits on the live subject when it has caught up, so it misses nothing
// across restarts: give it back the last sequence it printed plus one (--from-seq).
//
//   npx tsx examples/chat-subscriber/main.ts --server nats://hub.example:4222 \
//     --user integrator --password "$NATS_INTEGRATOR_PASSWORD"
//
// Against deploy/nats/nats.conf the hub's streams answer under $JS.hub.API (the default);
// on a development server with no accounts, pass --api-prefix '$JS.API'.
import { parseArgs } from 'node:util';
import { type DescMessage, fromBinary, getOption, toJson } from '@bufbuild/protobuf';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ChatEventSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { personal } from '../../contracts/gen/hearth/common/v1/personal_pb.ts';
import { createNames } from '../../contracts/subjects.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'nats://127.0.0.1:4222' },
    user: { type: 'string' },
    password: { type: 'string' },
    'api-prefix': { type: 'string', default: '$JS.hub.API' },
    namespace: { type: 'string', default: '' },
    'from-seq': { type: 'string' },
  },
});

const names = createNames(values.namespace);
const stream = names.stream('chat');
const subject = names.domainFilter('chat');

/** The fields the schema marks personal: sealed under their owner's key, which integrators never hold. */
const personalFields = (desc: DescMessage) =>
  desc.fields.filter((f) => getOption(f, personal)).map((f) => f.name);

function line(seq: number, data: Uint8Array): string {
  const envelope = fromBinary(ChatEventSchema, data);
  const { event, metadata } = envelope;
  if (event.case === undefined) return `${seq} (an event this schema version does not know)`;
  const sealed = metadata?.sealed ? personalFields(descOf(event.value.$typeName)) : [];
  if (event.case === 'messagePosted') {
    const { channelId, senderId, content } = event.value;
    const text = sealed.includes('content') ? '(text sealed: integrators hold no keys)' : content;
    return `${seq} #${channelId} ${senderId || 'Hearth'}: ${text}`;
  }
  const fields = JSON.stringify(toJson(descOf(event.value.$typeName), event.value as never));
  return `${seq} ${event.case} ${fields}${sealed.length ? ` (sealed: ${sealed.join(', ')})` : ''}`;
}

/** An event's schema, from the envelope's oneof. */
function descOf(typeName: string): DescMessage {
  const field = ChatEventSchema.fields.find((f) => f.message?.typeName === typeName);
  if (!field?.message) throw new Error(`no chat event ${typeName}`);
  return field.message;
}

const nc = await connect({
  servers: values.server.split(','),
  ...(values.user ? { user: values.user, pass: values.password ?? '' } : {}),
  name: 'chat-subscriber-example',
});
const jsm = await jetstreamManager(nc, { apiPrefix: values['api-prefix'], checkAPI: false });

// Subscribed before reading where the stream ends, so nothing appended in between is slept through.
let wake: (() => void) | undefined;
const live = nc.subscribe(subject, { callback: () => wake?.() });
let next = values['from-seq']
  ? Number(values['from-seq'])
  : (await jsm.streams.info(stream)).state.last_seq + 1;
process.stderr.write(`following ${subject} from ${next}\n`);

let stopping = false;
const stop = () => {
  stopping = true;
  wake?.();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

while (!stopping) {
  // null when nothing is at or after `next` yet; any other failure ends the program.
  const m = await jsm.direct.getMessage(stream, { seq: next, next_by_subj: subject });
  if (m) {
    process.stdout.write(`${line(m.seq, m.data)}\n`);
    next = m.seq + 1;
    continue;
  }
  // Caught up: sleep until something is appended (or a while, in case the wake-up was missed).
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  wake = undefined;
}
live.unsubscribe();
await nc.drain();

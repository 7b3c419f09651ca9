// Figure: raw JetStream publish rate with many publishes in flight. No writer logic at all:
// this is the ceiling every append path on this server is measured against.
import type { Log } from '../writers/log/open.ts';
import { inLanes, round, timed } from './lanes.ts';
import type { SeedMessage } from './seed.ts';
import type { Measurement } from './types.ts';

export async function measurePublish({
  log,
  messages,
  inFlight,
}: {
  log: Log;
  messages: SeedMessage[];
  inFlight: number;
}): Promise<{ measurement: Measurement; lastSeq: number }> {
  let lastSeq = 0;
  const { seconds } = await timed(() =>
    inLanes(messages.length, inFlight, async (i) => {
      const m = messages[i] as SeedMessage;
      const ack = await log.js.publish(m.subject, m.data, { headers: m.headers });
      lastSeq = Math.max(lastSeq, ack.seq);
    }),
  );
  const bytes = messages.reduce((n, m) => n + m.data.length, 0);
  return {
    lastSeq,
    measurement: {
      label: `JetStream publish, ${inFlight} in flight`,
      unit: 'msg/s',
      value: messages.length / seconds,
      count: messages.length,
      seconds,
      details: { inFlight, avgPayloadBytes: round(bytes / messages.length, 1) },
    },
  };
}

// Which of a server's streams are one hub's: its domain streams (the AUDIT stream among them),
// its KV buckets (KV_<prefix>hearth_*: the ledger, the snapshots, the sealing `keys`, without
// which sealed personal fields are lost) and its Object Store (OBJ_<prefix>hearth_media).
import { type JetStreamManager, StorageType } from '@nats-io/jetstream';
import { createNames, DOMAINS } from '../../contracts/subjects.ts';

export function streamsOfNamespace(namespace: string): (stream: string) => boolean {
  const names = createNames(namespace);
  const domains = new Set(DOMAINS.map((d) => names.stream(d)));
  const buckets = names.kvBucket('');
  return (stream) =>
    domains.has(stream) || stream.startsWith(`KV_${buckets}`) || stream.startsWith(`OBJ_${buckets}`);
}

/**
 * The hub's streams on the server, sorted, split by storage: memory streams (presence, typing:
 * the hub's own buckets that go with every restart anyway) have no snapshot to take.
 */
export async function hubStreams(
  jsm: JetStreamManager,
  namespace: string,
): Promise<{ kept: string[]; memory: string[] }> {
  const mine = streamsOfNamespace(namespace);
  const kept: string[] = [];
  const memory: string[] = [];
  for await (const info of jsm.streams.list()) {
    const { name, storage } = info.config;
    if (mine(name)) (storage === StorageType.Memory ? memory : kept).push(name);
  }
  return { kept: kept.sort(), memory: memory.sort() };
}

// An aggregate's kept state: what its events said once they have left the stream. Stored as
// v8's structured serialisation, so states with Map, Set, Date or bigint come back as they
// were; snapshots written as JSON before keep reading (they begin with `{`, v8's with 0xff).
import { deserialize, serialize } from 'node:v8';
import type { KV } from '@nats-io/kv';
import { hashKey } from './open.ts';

export type Snapshot<S> = { state: S; seq: number };

const V8_VERSION_TAG = 0xff;

export function encodeSnapshot<S>(snapshot: Snapshot<S>): Uint8Array {
  return serialize({ seq: snapshot.seq, state: snapshot.state });
}

export function decodeSnapshot<S>(data: Uint8Array): Snapshot<S> {
  if (data[0] === V8_VERSION_TAG) return deserialize(data) as Snapshot<S>;
  return JSON.parse(new TextDecoder().decode(data)) as Snapshot<S>;
}

/** The subject's snapshot, or undefined when none was ever kept (or it was deleted). */
export async function readSnapshot<S>(snapshots: KV, subject: string): Promise<Snapshot<S> | undefined> {
  const entry = await snapshots.get(hashKey(subject));
  if (!entry || entry.length === 0) return undefined;
  return decodeSnapshot<S>(entry.value);
}

export async function writeSnapshot<S>(snapshots: KV, subject: string, snapshot: Snapshot<S>): Promise<void> {
  await snapshots.put(hashKey(subject), encodeSnapshot(snapshot));
}

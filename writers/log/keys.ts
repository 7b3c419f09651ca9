// Members' keys: the per-member AES-256 keys their personal fields are sealed with
// (contracts/proto/hearth/common/v1/personal.proto), kept in the namespace's `keys` bucket.
//
//   m.<hash of member id>  → the member's key id (a random UUID, so the log never says whose)
//   k.<key id>             → the 32 key bytes
//
// Erasing a member overwrites their key's message in the bucket's store (a secure delete) and
// leaves a purge marker: every reader sees the key gone, and from then on their sealed fields
// read as empty. The member's entry stays, so nothing can give them a new key afterwards.
//
// Opening reads a process-wide table of key id → bytes (null once erased), filled from every
// namespace this process opened and kept current by a watch: decoding stays synchronous. A key
// another process made a moment ago may not be here yet: decoding then throws KeyPending, a
// transient error its caller retries after `fetchKey`.
import { randomBytes, randomUUID } from 'node:crypto';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import { hashKey } from './open.ts';

const KEY_BYTES = 32;
/** Key id → key bytes, null once erased; shared by every namespace this process opened. */
const known = new Map<string, Uint8Array | null>();
/** The buckets a pending key is looked for in. */
const sources = new Set<KV>();

/** A sealed event's key is not known here yet (made by another process a moment ago). */
export class KeyPending extends Error {
  readonly transient = true;
  constructor(readonly keyId: string) {
    super(`the key ${keyId} is not loaded yet`);
    this.name = 'KeyPending';
  }
}

/** The bytes of a key for opening: a Uint8Array, null when erased; throws KeyPending when unknown. */
export function openingKey(keyId: string): Uint8Array | null {
  const key = known.get(keyId);
  if (key === undefined) throw new KeyPending(keyId);
  return key;
}

/** True once the key was destroyed (erasure); false for a key held or not known here. */
export function keyErased(keyId: string): boolean {
  return known.get(keyId) === null;
}

function learn(keyId: string, entry: KvEntry | null): void {
  if (!entry) return;
  if (entry.operation === 'PUT' && entry.value.length === KEY_BYTES) known.set(keyId, entry.value);
  // A purge marker: the key was destroyed (erasure), for good.
  else if (entry.operation !== 'PUT') known.set(keyId, null);
}

/** Looks a key up in every bucket this process opened; afterwards openingKey knows it, or it is nowhere yet. */
export async function fetchKey(keyId: string): Promise<void> {
  if (known.has(keyId)) return;
  for (const kv of sources) {
    learn(keyId, await kv.get(`k.${keyId}`).catch(() => null));
    if (known.has(keyId)) return;
  }
}

export type SealingKey = { id: string; key: Uint8Array };

export type Keyring = {
  /** Makes sure each member has a key loaded here (made when they have none): call before sealing for them. */
  ready: (memberIds: Iterable<string>) => Promise<void>;
  /** The member's key, 'erased' once erased; undefined when ready was not awaited for them. */
  sealingKey: (memberId: string) => SealingKey | 'erased' | undefined;
  /** Destroys the member's key: their sealed fields can never be read again. Idempotent. */
  erase: (memberId: string) => Promise<void>;
  /** True when the member's key was destroyed. */
  isErased: (memberId: string) => Promise<boolean>;
};

const memberKey = (memberId: string) => `m.${hashKey(memberId)}`;

export async function openKeyring({
  kv,
  jsm,
  stream,
}: {
  kv: KV;
  jsm: JetStreamManager;
  /** The bucket's stream (KV_<bucket>), for the secure delete. */
  stream: string;
}): Promise<Keyring> {
  sources.add(kv);
  const members = new Map<string, SealingKey | 'erased'>();
  // Every key's last value (an erased key's purge marker included), then every change: keys
  // made or erased by other processes. Opening waits for the first part.
  const watch = await kv.watch();
  let loaded!: () => void;
  const initial = new Promise<void>((resolve) => {
    loaded = resolve;
  });
  if ((await jsm.streams.info(stream)).state.messages === 0) loaded();
  void (async () => {
    try {
      for await (const e of watch) {
        if (e.key.startsWith('k.')) learn(e.key.slice(2), e);
        if (e.delta === 0 || e.isUpdate) loaded();
      }
    } catch {
      // The connection closed: nothing more to learn from this bucket.
    } finally {
      loaded();
      sources.delete(kv);
    }
  })();
  await initial;

  async function load(memberId: string): Promise<SealingKey | 'erased'> {
    for (;;) {
      const entry = await kv.get(memberKey(memberId));
      if (entry && entry.operation === 'PUT') {
        const id = entry.string();
        await fetchKey(id);
        const key = known.get(id);
        // The member entry is written after its key: a key missing behind it was erased.
        return key ? { id, key } : 'erased';
      }
      const id = randomUUID();
      const key = new Uint8Array(randomBytes(KEY_BYTES));
      await kv.put(`k.${id}`, key);
      known.set(id, key);
      try {
        await kv.create(memberKey(memberId), id);
        return { id, key };
      } catch {
        // Another process made this member's key first: drop ours and read theirs.
        await kv.purge(`k.${id}`).catch(() => undefined);
        known.delete(id);
      }
    }
  }

  return {
    async ready(memberIds) {
      for (const id of new Set(memberIds)) {
        const had = members.get(id);
        if (had === 'erased' || (had && known.get(had.id))) continue;
        members.set(id, await load(id));
      }
    },
    sealingKey(memberId) {
      const k = members.get(memberId);
      if (k === undefined || k === 'erased') return k;
      // Erased by another process since it was loaded here.
      return known.get(k.id) ? k : 'erased';
    },
    async erase(memberId) {
      let entry = await kv.get(memberKey(memberId));
      if (entry?.operation !== 'PUT') {
        try {
          // Never had a key: an empty entry, so none can be made for them from now on.
          await kv.create(memberKey(memberId), '');
          members.set(memberId, 'erased');
          return;
        } catch {
          // One was made meanwhile: erase it as any other.
          entry = await kv.get(memberKey(memberId));
          if (entry?.operation !== 'PUT') throw new Error(`the key entry of ${memberId} could not be read`);
        }
      }
      const id = entry.string();
      if (id !== '') {
        const key = await kv.get(`k.${id}`);
        // Overwrite the key's bytes in the store, then leave the marker every reader sees. Both
        // are done again when asked again: an erasure cut short after the first still ends.
        if (key?.operation === 'PUT') {
          await jsm.streams.deleteMessage(stream, key.revision, true).catch((err: unknown) => {
            if (!/not found/i.test(String((err as Error)?.message))) throw err;
          });
        }
        await kv.purge(`k.${id}`);
        known.set(id, null);
      }
      members.set(memberId, 'erased');
    },
    async isErased(memberId) {
      const entry = await kv.get(memberKey(memberId));
      if (entry?.operation !== 'PUT') return false;
      const id = entry.string();
      if (id === '') return true;
      await fetchKey(id);
      return known.get(id) === null || !known.has(id);
    },
  };
}

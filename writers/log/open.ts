// The event log: one JetStream stream per domain, plus the KV buckets the writers use.
import { createHash } from 'node:crypto';
import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { type KV, Kvm, type KvOptions } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { DOMAINS, type Domain, type Names } from '../../contracts/subjects.ts';
import { type Keyring, openKeyring } from './keys.ts';
import { createLink, type Link } from './link.ts';
import { sharedReplies, sharedReplyDirectGet, sharedReplyPublish } from './publish.ts';
import { isStreamNotFound } from './upkeep.ts';

const NANOS_PER_MS = 1_000_000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The retained streams are the audit log: keep 365 days. */
export const RETENTION_MS = 365 * DAY_MS;
export const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
/** Idempotency beyond the duplicate window: a ledger entry lives 24 hours. */
export const LEDGER_TTL_MS = DAY_MS;

export type Log = {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: Names;
  /** Up or away; every read and write goes through link.reach, and what the server lost is made again. */
  link: Link;
  /** Command id → result, so a retry after the duplicate window still answers the first result. */
  ledger: KV;
  /** Aggregate snapshots; no TTL, so state outlives the stream's retention. */
  snapshots: KV;
  /** The streams' max age: events older than this leave the log. */
  retentionMs: number;
  /** Replicas of every stream and KV bucket (HEARTH_STREAM_REPLICAS; 3 on a 3-node cluster). */
  replicas: number;
  /** Members' keys: personal fields are sealed under them, and erasure destroys them (keys.ts). */
  keys: Keyring;
};

export async function openLog({
  nc,
  names,
  replicas = 1,
  duplicateWindowMs = DUPLICATE_WINDOW_MS,
  retentionMs = RETENTION_MS,
}: {
  nc: NatsConnection;
  names: Names;
  replicas?: number;
  /** Tests shorten it to prove the ledger answers once the window has passed. */
  duplicateWindowMs?: number;
  /** The streams' max age; tests shorten it to watch events expire. */
  retentionMs?: number;
}): Promise<Log> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  // Every publish and direct get of the process on one reply subscription (publish.ts), not a request each.
  const replies = sharedReplies(nc);
  js.publish = sharedReplyPublish(js, replies);
  jsm.direct.getMessage = sharedReplyDirectGet(jsm.direct, replies);
  const link = createLink({ nc, jsm });
  for (const domain of DOMAINS) {
    const make = () => ensureStream({ jsm, names, domain, replicas, duplicateWindowMs, retentionMs });
    await make();
    link.need({ stream: names.stream(domain), make });
  }
  const opened = { nc, js, jsm, names, link, retentionMs, replicas };
  const ledger = await openBucket(opened, 'ledger', {
    ttl: LEDGER_TTL_MS,
    history: 1,
    replicas,
    storage: StorageType.File,
  });
  const snapshots = await openBucket(opened, 'snapshots', {
    history: 1,
    replicas,
    storage: StorageType.File,
  });
  // No TTL and one value a key: a member's key lives until they are erased.
  const keysBucket = await openBucket(opened, 'keys', { history: 1, replicas, storage: StorageType.File });
  const keys = await openKeyring({ kv: keysBucket, jsm, stream: `KV_${names.kvBucket('keys')}` });
  return { ...opened, ledger, snapshots, keys };
}

/** A KV bucket of this namespace, made now and again whenever the server is found without it. */
export async function openBucket(
  log: Pick<Log, 'js' | 'names' | 'link'>,
  name: string,
  options: Partial<KvOptions>,
): Promise<KV> {
  const bucket = log.names.kvBucket(name);
  const make = () => new Kvm(log.js).create(bucket, options);
  const kv = await make();
  log.link.need({ stream: `KV_${bucket}`, make });
  return kv;
}

/** KV keys and message ids accept a narrow alphabet; any client key is hashed into it. */
export function hashKey(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Creates the domain's stream, or brings an existing one to the configuration below. */
export async function ensureStream({
  jsm,
  names,
  domain,
  replicas,
  duplicateWindowMs = DUPLICATE_WINDOW_MS,
  retentionMs = RETENTION_MS,
}: {
  jsm: JetStreamManager;
  names: Names;
  domain: Domain;
  replicas: number;
  duplicateWindowMs?: number;
  retentionMs?: number;
}): Promise<void> {
  const name = names.stream(domain);
  const config: Partial<StreamConfig> & { subjects: string[] } = {
    subjects: [names.domainFilter(domain)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: retentionMs * NANOS_PER_MS,
    // The server refuses a duplicate window longer than the max age (short retentions in tests).
    duplicate_window: Math.min(duplicateWindowMs, retentionMs) * NANOS_PER_MS,
    allow_direct: true,
    num_replicas: replicas,
    // The log is the audit log: no message is deleted or purged through the API (the server
    // refuses to turn these off again); the hash chain catches what is done around it.
    deny_delete: true,
    deny_purge: true,
  };
  try {
    const info = await jsm.streams.info(name);
    const c = info.config;
    // Replicas too: a cluster moves an existing stream to the new count on update.
    const same =
      c.num_replicas === config.num_replicas &&
      c.max_age === config.max_age &&
      c.duplicate_window === config.duplicate_window &&
      c.allow_direct === true &&
      c.deny_delete === true &&
      c.deny_purge === true &&
      c.subjects?.join() === config.subjects.join();
    if (!same) await jsm.streams.update(name, { ...c, ...config });
  } catch (err) {
    if (!isStreamNotFound(err)) throw err;
    await jsm.streams.add({ name, ...config });
  }
}

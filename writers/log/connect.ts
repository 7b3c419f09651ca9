// Connecting to the log: one set of connection options for the hub, the CLI, the bench and the
// tests, so what is measured and tested is what runs.
import { type ConnectionOptions, connect, type NatsConnection } from '@nats-io/transport-node';
import { createNames } from '../../contracts/subjects.ts';
import { type Log, openLog } from './open.ts';

/**
 * Reconnect for as long as the process lives (a restarted nats-server must not end the hub),
 * trying every quarter second rather than every two (while the server is away, commands are
 * refused at once, so each second of reconnecting late is a second of refusals after its
 * return; a refused dial costs next to nothing), and no async stack traces: capturing one per
 * request costs the writer ~20% of its throughput.
 */
export const CONNECTION_OPTIONS = {
  maxReconnectAttempts: -1,
  reconnectTimeWait: 250,
  noAsyncTraces: true,
} as const satisfies Partial<ConnectionOptions>;

/** A user of the server's configuration (deploy/nats/nats.conf): the hub's, or an integrator's. */
export type NatsAuth = { user: string; pass: string };

export function connectNats({
  servers,
  name,
  auth,
}: {
  /** One URL, a list, or a comma-separated list (NATS_URL names a cluster's nodes so). */
  servers: string | string[];
  /** Shown by the server (connz), so an operator sees which process holds a connection. */
  name: string;
  auth?: NatsAuth | undefined;
}): Promise<NatsConnection> {
  // nats.js reads a comma-separated string as one address: split, so a client fails over.
  const list = (typeof servers === 'string' ? [servers] : servers).flatMap((s) => s.split(','));
  return connect({ servers: list, name, ...auth, ...CONNECTION_OPTIONS });
}

/** Connects and opens the log of one namespace; `log.nc.drain()` closes it. */
export async function connectLog({
  servers,
  namespace,
  name,
  auth,
  replicas,
  duplicateWindowMs,
  retentionMs,
}: {
  servers: string | string[];
  namespace: string;
  name: string;
  auth?: NatsAuth | undefined;
  replicas?: number | undefined;
  /** Tests shorten it to prove the ledger answers once the window has passed. */
  duplicateWindowMs?: number | undefined;
  /** The streams' max age (365 days unless set). */
  retentionMs?: number | undefined;
}): Promise<Log> {
  const nc = await connectNats({ servers, name, auth });
  try {
    return await openLog({
      nc,
      names: createNames(namespace),
      ...(replicas ? { replicas } : {}),
      ...(duplicateWindowMs ? { duplicateWindowMs } : {}),
      ...(retentionMs ? { retentionMs } : {}),
    });
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw err;
  }
}

// The idempotency ledger: per command id, what the command generated (claimed before it was
// decided) and, once appended, its answer. A retry with the same id reads it back, so it gets
// the first attempt's ids, time and sequence, even after the duplicate window has passed.
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { commonErrors } from '../../contracts/errors.ts';
import { toUnavailable } from './link.ts';
import { hashKey, type Log } from './open.ts';

export type LedgerEntry = {
  /** The answer, once the command was appended (or decided to need nothing). */
  seq?: number | undefined;
  appended?: number | undefined;
  /** Hash of the request; a reused key with another request is refused. */
  fingerprint?: string | undefined;
  /** The command's time (ISO 8601) and the values it generated, as its first attempt chose them. */
  now?: string | undefined;
  made?: unknown;
};

/**
 * What claim() found or wrote. `resumed`: an earlier attempt claimed the command and was not
 * answered (it may have crashed after appending), so a duplicate publish is this command's own.
 */
export type Claim = { entry: LedgerEntry; resumed: boolean };

export const ledgerKey = (commandId: string): string => hashKey(commandId);

export async function readLedger(log: Log, key: string): Promise<LedgerEntry | undefined> {
  try {
    const entry = await log.link.reach(() => log.ledger.get(key));
    return entry && entry.length > 0 ? entry.json<LedgerEntry>() : undefined;
  } catch (err) {
    throw toUnavailable(err);
  }
}

export async function writeLedger(log: Log, key: string, entry: LedgerEntry): Promise<void> {
  try {
    await log.link.reach(() => log.ledger.put(key, JSON.stringify(entry)));
  } catch (err) {
    throw toUnavailable(err);
  }
}

export function checkFingerprint(entry: LedgerEntry, fingerprint: string | undefined): void {
  if (entry.fingerprint && fingerprint && entry.fingerprint !== fingerprint) {
    throw commonErrors.idempotencyKeyReused();
  }
}

/**
 * Writes the entry if the key has none (one round trip, as reading it would be); otherwise
 * answers the entry already there, after checking it was made by the same request.
 */
export async function claimLedger({
  log,
  key,
  entry,
}: {
  log: Log;
  key: string;
  entry: LedgerEntry;
}): Promise<Claim | undefined> {
  try {
    await log.link.reach(() => log.ledger.put(key, JSON.stringify(entry), { previousSeq: 0 }));
    return { entry, resumed: false };
  } catch (err) {
    if (!isWrongLastSequence(err)) throw toUnavailable(err);
  }
  const found = await readLedger(log, key);
  // Expired between the two calls: nothing is claimed, and the append reads the ledger itself.
  if (!found) return undefined;
  checkFingerprint(found, entry.fingerprint);
  return { entry: found, resumed: found.seq === undefined };
}

export function isWrongLastSequence(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence;
}

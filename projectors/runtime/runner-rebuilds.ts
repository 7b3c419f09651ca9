// The runner's rebuilds: one read model's, or several on one stream together, reading the log
// once for all of them (replay-source.ts). Stopping the runner cancels them and waits for them.
import type { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { commonErrors } from '../../contracts/errors.ts';
import type { Log } from '../../writers/log/open.ts';
import { type RebuildOptions, type RebuildProgress, rebuild } from './rebuild.ts';
import { type ReplayMember, replayGroup } from './replay-source.ts';
import type { RuntimeDB } from './tables.ts';
import type { AnyProjection } from './types.ts';

/** How one rebuild of a group ended: its last report, or the error that ended it. */
export type RebuildResult =
  | { readModel: string; ended: RebuildProgress }
  | { readModel: string; failed: Error & { code?: string } };

/** The most read models one group rebuilds together. */
const MAX_TOGETHER = 4;

export function runnerRebuilds(input: {
  db: Kysely<RuntimeDB>;
  log: Log;
  batchSize: number;
  find: (name: string) => AnyProjection;
  /** Aborted when the runner stops. */
  stopping: AbortSignal;
  onRebuildProgress: ((p: RebuildProgress) => void) | undefined;
  /** What this process's waiters know each read model has applied, and how they learn more. */
  reached: Map<string, number>;
  applied: EventEmitter;
  rewritten: (name: string) => void;
}) {
  const { db, log, batchSize, find, stopping, onRebuildProgress, reached, applied, rewritten } = input;
  /** Rebuilds under way in this process: stopping cancels them and waits for their end. */
  const running = new Set<Promise<RebuildProgress>>();

  async function one(name: string, options: RebuildOptions = {}): Promise<RebuildProgress> {
    const report = (p: RebuildProgress) => {
      onRebuildProgress?.(p);
      options.onProgress?.(p);
    };
    // Stopping the hub cancels its rebuilds too (they drop their new version and end).
    const signal = options.signal ? AbortSignal.any([options.signal, stopping]) : stopping;
    const run = rebuild({
      db,
      log,
      projection: find(name),
      batchSize,
      ...options,
      signal,
      onProgress: report,
    });
    running.add(run);
    const done = await run.finally(() => running.delete(run));
    if (done.status !== 'done') return done;
    // The switch moved the checkpoint; waiters on this process learn it here.
    if (done.targetSeq > (reached.get(name) ?? 0)) {
      reached.set(name, done.targetSeq);
      applied.emit(name, done.targetSeq);
    }
    rewritten(name);
    return done;
  }

  /**
   * Rebuilds read models of one stream side by side, each verified and switched on its own,
   * from one read of the log. Resolves when all have ended, with how each did, in order.
   */
  async function together(
    names: readonly string[],
    options: Omit<RebuildOptions, 'together' | 'onClaimed'> = {},
  ): Promise<RebuildResult[]> {
    const projections = [...new Set(names)].map(find);
    const domain = projections[0]?.domain;
    if (!domain) throw commonErrors.invalidRequest('Name at least one read model to rebuild.');
    if (projections.some((p) => p.domain !== domain))
      throw commonErrors.invalidRequest('Read models rebuilt together must follow the same stream.');
    // Each holds a pooled session (its lock and its writes) while it waits for the others.
    if (projections.length > MAX_TOGETHER)
      throw commonErrors.invalidRequest(`Rebuild at most ${MAX_TOGETHER} read models together.`);
    const group = replayGroup({ log, domain, size: projections.length, batchSize });
    const members: ReplayMember[] = projections.map((p) => group.join(p.name));
    const ended = await Promise.allSettled(
      projections.map((p, i) => one(p.name, { ...options, together: members[i] as ReplayMember })),
    );
    return ended.map((e, i) => {
      const readModel = (projections[i] as AnyProjection).name;
      if (e.status === 'fulfilled') return { readModel, ended: e.value };
      return { readModel, failed: e.reason instanceof Error ? e.reason : new Error(String(e.reason)) };
    });
  }

  return { one, together, running: () => [...running] };
}

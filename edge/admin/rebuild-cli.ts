// `hearth rebuild <read-model> [--accept-differences] [--cancel]`: runs a blue/green rebuild
// in this process with a progress bar (events/s, remaining, ETA); Ctrl-C cancels it and leaves
// the live version as it was. `--cancel` stops one running elsewhere (the hub's, say).
import type { RebuildStatus } from '../../contracts/admin.api.ts';
import type { ProjectorRunner } from '../../projectors/runtime/runner.ts';

type Progress = Pick<
  RebuildStatus,
  'status' | 'processed' | 'targetSeq' | 'eventsPerSecond' | 'remaining' | 'etaSeconds'
>;

const WIDTH = 24;
const n = (x: number) => x.toLocaleString('en');

/** One line of progress: a bar, the events applied, the rate, what is left and the ETA. */
export function progressLine(p: Progress): string {
  const done = p.processed + p.remaining;
  const share = p.status === 'done' ? 1 : done > 0 ? p.processed / done : 0;
  const filled = Math.round(share * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
  const eta = p.etaSeconds === null ? 'ETA —' : `ETA ${p.etaSeconds}s`;
  return `${bar} ${Math.floor(share * 100)}% ${p.status}: ${n(p.processed)} events, ${n(p.eventsPerSecond)}/s, ${n(p.remaining)} left, ${eta}`;
}

/** What a finished rebuild's verification found, one line per table that differs. */
export function mismatchLines(p: RebuildStatus | Awaited<ReturnType<ProjectorRunner['rebuild']>>): string[] {
  const v = p.verification;
  if (!v) return [];
  return v.tables
    .filter((t) => !t.equal)
    .flatMap((t) => [
      `  ${t.table}: ${n(t.liveRows)} rows live, ${n(t.rebuiltRows)} rebuilt`,
      ...t.differences.map(
        (d) =>
          `    ${JSON.stringify(d.key)} ${d.kind === 'changed' ? `differs in ${d.columns.join(', ')}` : `only ${d.kind}`}`,
      ),
    ]);
}

type Ended = Awaited<ReturnType<ProjectorRunner['rebuild']>>;
type Result = Awaited<ReturnType<ProjectorRunner['rebuildTogether']>>[number];

/** Exit codes, the worst last: done, not switched, failed, cancelled. */
const WORST_LAST = [0, 2, 1, 130];

export async function rebuildCommand(input: {
  projectors: ProjectorRunner;
  /** One read model, or several of one stream, rebuilt together from one read of the log. */
  names: string[];
  cancel: boolean;
  acceptDifferences: boolean;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}): Promise<number> {
  const { projectors, names, out, err } = input;
  if (input.cancel) {
    for (const name of names) {
      await projectors.cancelRebuild(name);
      out.write(`asked the rebuild of ${name} to stop\n`);
    }
    return 0;
  }
  const stop = new AbortController();
  const onInt = () => stop.abort();
  process.once('SIGINT', onInt);
  // A terminal gets one line redrawn in place; a pipe or a log file a line per report.
  // Several rebuilds at once write a line each, named.
  const tty = err.isTTY === true && names.length === 1;
  const options = {
    acceptDifferences: input.acceptDifferences,
    signal: stop.signal,
    onProgress: (p: Ended) =>
      err.write(
        tty
          ? `\r${progressLine(p)}\x1b[K`
          : `${names.length > 1 ? `${p.readModel} ` : ''}${progressLine(p)}\n`,
      ),
  };
  try {
    const [only] = names;
    const ended =
      names.length === 1 && only !== undefined
        ? [{ readModel: only, ended: await projectors.rebuild(only, options) }]
        : await projectors.rebuildTogether(names, options);
    if (tty) err.write('\n');
    // Each says how it ended; the worst of them is the exit code.
    const codes = ended.map((e) => outcome(e, { out, err }));
    return WORST_LAST[Math.max(0, ...codes.map((c) => WORST_LAST.indexOf(c)))] as number;
  } finally {
    process.off('SIGINT', onInt);
  }
}

export function outcome(
  result: Result,
  { out, err }: { out: Pick<NodeJS.WriteStream, 'write'>; err: Pick<NodeJS.WriteStream, 'write'> },
): number {
  const name = result.readModel;
  if ('failed' in result) {
    err.write(`failed: ${name} is as it was: ${result.failed.message}\n`);
    return 1;
  }
  const { ended } = result;
  if (ended.status === 'cancelled') {
    err.write(`cancelled: ${name} is as it was\n`);
    return 130;
  }
  if (ended.status === 'mismatch') {
    err.write(
      `not switched: the rebuilt ${name} differs from the live one at seq ${ended.verification?.atSeq}\n`,
    );
    err.write(`${mismatchLines(ended).join('\n')}\n`);
    err.write('rebuild again with --accept-differences if the rules changed on purpose\n');
    return 2;
  }
  const accepted = ended.verification?.accepted ? ' (differences accepted)' : ', verified';
  out.write(`rebuilt ${name}: ${ended.processed} events at ${ended.eventsPerSecond}/s${accepted}\n`);
  return 0;
}

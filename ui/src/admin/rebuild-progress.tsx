// A rebuild's progress under its read model: a bar with events/s, what remains and the ETA,
// then what the comparison with the live version found. A mismatch names the differing rows
// by primary key and offers to switch anyway, for when the rules changed on purpose.
import type { RebuildStatus } from '../../../contracts/admin.api.ts';
import { Button } from '../components/ui/button.tsx';
import { when } from './parts.tsx';

export const active = (r: RebuildStatus | undefined) =>
  r?.status === 'running' || r?.status === 'verifying' || r?.status === 'switching';

function eta(seconds: number | null): string {
  if (seconds === null) return 'working it out';
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function Progress({
  status: r,
  canRebuild,
  busy,
  onCancel,
  onAccept,
}: {
  status: RebuildStatus;
  canRebuild: boolean;
  busy: boolean;
  onCancel: () => void;
  onAccept: () => void;
}) {
  const pct =
    r.targetSeq > 0 ? Math.min(100, Math.round(((r.targetSeq - r.remaining) / r.targetSeq) * 100)) : 100;
  const label = `Rebuild of ${r.readModel}`;
  const accepted = r.verification?.accepted ? ', its differences accepted' : ', verified equal';
  return (
    <div className="mt-2 flex flex-col gap-1" data-testid="rebuild-progress" data-status={r.status}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="h-2 overflow-hidden rounded-full bg-muted"
      >
        <div className="h-full bg-primary transition-[width]" style={{ width: `${pct}%` }} />
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs" aria-live="polite">
          {r.status === 'running' &&
            `Rebuilding: ${r.processed} events read, ${r.eventsPerSecond} events/s, ${r.remaining} remaining, about ${eta(r.etaSeconds)} left.`}
          {r.status === 'verifying' && `Comparing with the live version (${r.processed} events read).`}
          {r.status === 'switching' && `Switching to the new version (${r.processed} events read).`}
          {r.status === 'done' &&
            `Rebuilt ${when(r.finishedAt)}: ${r.processed} events at ${r.eventsPerSecond} events/s${accepted}.`}
          {r.status === 'mismatch' &&
            `Not switched: the new version differs from the live one at sequence ${r.verification?.atSeq ?? '?'}.`}
          {r.status === 'cancelled' && 'Cancelled: the live version is as it was.'}
          {r.status === 'failed' && `The rebuild failed: ${r.error ?? 'no reason given'}.`}
        </p>
        {canRebuild && (r.status === 'running' || r.status === 'verifying') && (
          <Button
            variant="outline"
            size="sm"
            data-requires="readModel.rebuild"
            disabled={busy}
            onClick={onCancel}
          >
            Cancel<span className="sr-only"> the rebuild of {r.readModel}</span>
          </Button>
        )}
      </div>
      {r.status === 'mismatch' && r.verification && (
        <div data-testid="rebuild-mismatch" className="rounded-md border p-2 text-xs">
          <ul className="flex flex-col gap-1">
            {r.verification.tables
              .filter((t) => !t.equal)
              .map((t) => (
                <li key={t.table}>
                  <span className="font-mono">{t.table}</span>: {t.liveRows} rows live, {t.rebuiltRows}{' '}
                  rebuilt
                  <ul className="ml-4 list-disc">
                    {t.differences.map((d) => (
                      <li key={JSON.stringify(d.key)} className="font-mono" data-testid="rebuild-difference">
                        {JSON.stringify(d.key)}{' '}
                        {d.kind === 'changed'
                          ? `differs in ${d.columns.join(', ')}`
                          : `only in the ${d.kind} version`}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
          </ul>
          {canRebuild && (
            <Button
              className="mt-2"
              variant="outline"
              size="sm"
              data-requires="readModel.rebuild"
              disabled={busy}
              onClick={onAccept}
            >
              Rebuild and accept the differences<span className="sr-only"> of {r.readModel}</span>
            </Button>
          )}
        </div>
      )}
    </div>
  );
}

// Read models: where each stands on its stream (position, lag, parked events), and a rebuild
// with its live progress, polled from the rebuild itself.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReadModelStatus, RebuildStatus } from '../../../contracts/admin.api.ts';
import { Button } from '../components/ui/button.tsx';
import { useCan } from '../identity/permissions.tsx';
import { usePageTitle } from '../lib/title.ts';
import { getReadModels, getRebuild, startRebuild } from './api.ts';
import { Dialog } from './dialog.tsx';
import { ErrorText, LoadError, Loading, Section, useAction, useLoad, when } from './parts.tsx';

const POLL_MS = 400;
const running = (r: RebuildStatus | undefined) => r?.status === 'running' || r?.status === 'switching';

function stateOf(m: ReadModelStatus, r: RebuildStatus | undefined): string {
  if (running(r)) return 'Rebuilding';
  if (m.deadLetters > 0) return `${m.deadLetters} event${m.deadLetters === 1 ? '' : 's'} parked`;
  if (m.lag > 0) return 'Catching up';
  return 'Up to date';
}

function eta(seconds: number | null): string {
  if (seconds === null) return 'working it out';
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function ReadModelsScreen() {
  usePageTitle('Read models · Family console');
  const canRebuild = useCan('readModel.rebuild');
  const models = useLoad(getReadModels);
  const [rebuilds, setRebuilds] = useState(new Map<string, RebuildStatus>());
  const [confirming, setConfirming] = useState<string | null>(null);
  const action = useAction();
  const timers = useRef(new Map<string, number>());
  const mounted = useRef(true);

  const track = useCallback((status: RebuildStatus) => {
    setRebuilds((prev) => new Map(prev).set(status.readModel, status));
  }, []);

  const poll = useCallback(
    (name: string) => {
      const tick = async () => {
        try {
          const status = await getRebuild(name);
          if (!mounted.current) return;
          track(status);
          if (running(status)) {
            timers.current.set(name, window.setTimeout(tick, POLL_MS));
            return;
          }
        } catch {
          // The next look at the list shows where it ended.
        }
        timers.current.delete(name);
        void models.reload();
      };
      timers.current.set(name, window.setTimeout(tick, POLL_MS));
    },
    [track, models.reload],
  );

  // The rebuilds already known (one may be running since before this page opened).
  const names = models.data?.map((m) => m.name).join(',') ?? '';
  useEffect(() => {
    if (!names) return;
    for (const name of names.split(',')) {
      if (timers.current.has(name)) continue;
      void getRebuild(name)
        .then((status) => {
          track(status);
          if (running(status) && !timers.current.has(name)) poll(name);
        })
        .catch(() => {
          // Never rebuilt (404), or the edge could not say: the list shows where it stands.
        });
    }
  }, [names, poll, track]);
  useEffect(() => {
    const all = timers.current;
    mounted.current = true;
    return () => {
      mounted.current = false;
      for (const t of all.values()) window.clearTimeout(t);
    };
  }, []);

  const rebuild = async (name: string) => {
    setConfirming(null);
    const status = await action.run(name, () => startRebuild(name));
    if (!status) return;
    track(status);
    if (running(status)) poll(name);
    else void models.reload();
  };

  return (
    <Section
      title="Read models"
      description="Each is built from the log. Rebuilding one builds it again from the first event, beside the live one, and swaps it in."
    >
      <ErrorText message={action.error} />
      {models.error && !models.data && (
        <LoadError message={models.error} onRetry={() => void models.reload()} />
      )}
      {!models.data && !models.error && <Loading what="the read models" />}
      {models.data && (
        <ul className="flex flex-col gap-2" aria-label="Read models">
          {models.data.map((m) => {
            const r = rebuilds.get(m.name);
            return (
              <li
                key={m.name}
                className="rounded-lg border p-3 text-sm"
                data-testid="read-model"
                data-name={m.name}
              >
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <div className="min-w-0">
                    <h3 className="font-mono font-medium">{m.name}</h3>
                    <p className="text-xs text-muted-foreground">
                      Position {m.lastSeq} of {m.streamLastSeq} on {m.stream} · lag {m.lag} ·{' '}
                      <span data-testid="read-model-state">{stateOf(m, r)}</span>
                    </p>
                  </div>
                  {canRebuild && (
                    <Button
                      variant="outline"
                      size="sm"
                      data-requires="readModel.rebuild"
                      disabled={running(r) || action.busy === m.name}
                      onClick={() => setConfirming(m.name)}
                    >
                      Rebuild<span className="sr-only"> {m.name}</span>
                    </Button>
                  )}
                </div>
                {r && <Progress status={r} />}
              </li>
            );
          })}
        </ul>
      )}
      <Dialog
        open={confirming !== null}
        title={`Rebuild ${confirming ?? ''}?`}
        description="It keeps answering from the current version while the new one is built, then switches. Large logs take a while."
        onClose={() => setConfirming(null)}
        actions={
          <Button data-requires="readModel.rebuild" onClick={() => confirming && void rebuild(confirming)}>
            Rebuild
          </Button>
        }
      />
    </Section>
  );
}

function Progress({ status: r }: { status: RebuildStatus }) {
  const pct =
    r.targetSeq > 0 ? Math.min(100, Math.round(((r.targetSeq - r.remaining) / r.targetSeq) * 100)) : 100;
  const label = `Rebuild of ${r.readModel}`;
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
      <p className="text-xs" aria-live="polite">
        {r.status === 'running' &&
          `Rebuilding: ${r.processed} events read, ${r.eventsPerSecond} events/s, ${r.remaining} remaining, about ${eta(r.etaSeconds)} left.`}
        {r.status === 'switching' && `Switching to the new version (${r.processed} events read).`}
        {r.status === 'done' &&
          `Rebuilt ${when(r.finishedAt)}: ${r.processed} events at ${r.eventsPerSecond} events/s, ${r.remaining} remaining.`}
        {r.status === 'failed' && `The rebuild failed: ${r.error ?? 'no reason given'}.`}
      </p>
    </div>
  );
}

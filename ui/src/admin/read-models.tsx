// Read models: where each stands on its stream (position, lag, parked events), and a rebuild
// with its live progress, followed as server-sent events (polled if the stream breaks).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReadModelStatus, RebuildStatus } from '../../../contracts/admin.api.ts';
import { Button } from '../components/ui/button.tsx';
import { useCan } from '../identity/permissions.tsx';
import { navigate } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { cancelRebuild, followRebuild, getReadModels, getRebuild, startRebuild } from './api.ts';
import { Dialog } from './dialog.tsx';
import { rowsOf } from './inspect-api.ts';
import { ErrorText, LoadError, Loading, Section, useAction, useLoad } from './parts.tsx';
import { active, Progress } from './rebuild-progress.tsx';

const POLL_MS = 400;
const running = active;

function stateOf(m: ReadModelStatus, r: RebuildStatus | undefined): string {
  if (running(r)) return 'Rebuilding';
  if (m.deadLetters > 0) return `${m.deadLetters} event${m.deadLetters === 1 ? '' : 's'} parked`;
  if (m.lag > 0) return 'Catching up';
  return 'Up to date';
}

export function ReadModelsScreen() {
  usePageTitle('Read models · Family console');
  const canRebuild = useCan('readModel.rebuild');
  const canInspect = useCan('stream.inspect');
  const models = useLoad(getReadModels);
  const [rebuilds, setRebuilds] = useState(new Map<string, RebuildStatus>());
  const [confirming, setConfirming] = useState<string | null>(null);
  const action = useAction();
  const timers = useRef(new Map<string, number>());
  const mounted = useRef(true);

  const track = useCallback((status: RebuildStatus) => {
    setRebuilds((prev) => new Map(prev).set(status.readModel, status));
  }, []);

  const pollBy = useCallback(
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
  // Server-sent progress while the stream holds; polling if it breaks.
  const following = useRef(new Map<string, () => void>());
  const poll = useCallback(
    (name: string) => {
      if (following.current.has(name)) return;
      const stop = followRebuild(
        name,
        (status) => {
          if (mounted.current) track(status);
        },
        (complete) => {
          following.current.delete(name);
          if (!mounted.current) return;
          if (complete) void models.reload();
          else pollBy(name);
        },
      );
      following.current.set(name, stop);
    },
    [track, models.reload, pollBy],
  );

  // The rebuilds already known (one may be running since before this page opened).
  const names = models.data?.map((m) => m.name).join(',') ?? '';
  useEffect(() => {
    if (!names) return;
    for (const name of names.split(',')) {
      if (timers.current.has(name) || following.current.has(name)) continue;
      void getRebuild(name)
        .then((status) => {
          track(status);
          if (running(status)) poll(name);
        })
        .catch(() => {
          // Never rebuilt (404), or the edge could not say: the list shows where it stands.
        });
    }
  }, [names, poll, track]);
  useEffect(() => {
    const all = timers.current;
    const streams = following.current;
    mounted.current = true;
    return () => {
      mounted.current = false;
      for (const t of all.values()) window.clearTimeout(t);
      for (const stop of streams.values()) stop();
    };
  }, []);

  const rebuild = async (name: string, acceptDifferences = false) => {
    setConfirming(null);
    const status = await action.run(name, () => startRebuild(name, acceptDifferences));
    if (!status) return;
    track(status);
    if (running(status)) poll(name);
    else void models.reload();
  };

  const cancel = async (name: string) => {
    const status = await action.run(name, () => cancelRebuild(name));
    if (status) track(status);
  };

  return (
    <Section
      title="Read models"
      description="Each is built from the log. Rebuilding one builds it again from the first event, beside the live one, compares the two at the same point, and swaps it in only when they are equal."
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
                  <div className="flex items-center gap-2">
                    {canInspect && m.kind === 'read-model' && (
                      <a
                        href={rowsOf(m.name)}
                        data-requires="stream.inspect"
                        className="text-sm underline"
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(rowsOf(m.name));
                        }}
                      >
                        Rows<span className="sr-only"> of {m.name}</span>
                      </a>
                    )}
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
                </div>
                {r && (
                  <Progress
                    status={r}
                    canRebuild={canRebuild}
                    busy={action.busy === m.name}
                    onCancel={() => void cancel(m.name)}
                    onAccept={() => void rebuild(m.name, true)}
                  />
                )}
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

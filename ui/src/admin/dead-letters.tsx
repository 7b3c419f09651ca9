// Dead letters: events a read model could not apply, each with its error, to retry (once the
// cause is fixed) or skip.
import { useState } from 'react';
import { Button } from '../components/ui/button.tsx';
import { useCan } from '../identity/permissions.tsx';
import { navigate } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { getDeadLetters, resolveDeadLetter } from './api.ts';
import { browseAt } from './inspect-api.ts';
import { Empty, ErrorText, LoadError, Loading, Section, useAction, useLoad, when } from './parts.tsx';

export function DeadLettersScreen() {
  usePageTitle('Dead letters · Family console');
  const canResolve = useCan('deadLetter.resolve');
  const canBrowse = useCan('stream.inspect');
  const letters = useLoad(getDeadLetters);
  const action = useAction();
  const [note, setNote] = useState('');

  const resolve = async (id: string, what: 'retry' | 'skip') => {
    const done = await action.run(`${what}:${id}`, () => resolveDeadLetter(id, what));
    if (!done) return;
    setNote(what === 'retry' ? `Event ${done.seq} was applied again.` : `Event ${done.seq} was skipped.`);
    await letters.reload();
  };

  return (
    <Section
      title="Dead letters"
      description="Events a read model could not apply. Retry once the cause is fixed, or skip an event it should never have."
    >
      <p role="status" className="mb-2 text-sm empty:hidden">
        {note}
      </p>
      <ErrorText message={action.error} />
      {letters.error && !letters.data && (
        <LoadError message={letters.error} onRetry={() => void letters.reload()} />
      )}
      {!letters.data && !letters.error && <Loading what="the dead letters" />}
      {letters.data && letters.data.length === 0 && (
        <Empty>No parked events: every read model applied everything.</Empty>
      )}
      {letters.data && letters.data.length > 0 && (
        <ul className="flex flex-col gap-2" aria-label="Parked events">
          {letters.data.map((d) => (
            <li key={d.id} className="rounded-lg border p-3 text-sm" data-testid="dead-letter">
              <div className="flex flex-wrap items-start justify-between gap-2">
                <div className="min-w-0">
                  <h3 className="font-medium">
                    <span className="font-mono">{d.readModel}</span> ·{' '}
                    {canBrowse ? (
                      <a
                        href={browseAt(d.stream, d.seq)}
                        data-requires="stream.inspect"
                        className="underline"
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(browseAt(d.stream, d.seq));
                        }}
                      >
                        event {d.seq}
                      </a>
                    ) : (
                      `event ${d.seq}`
                    )}{' '}
                    ({d.type})
                  </h3>
                  <p className="text-xs text-muted-foreground">
                    {d.subject} · parked {when(d.createdAt)} · {d.attempts} attempt
                    {d.attempts === 1 ? '' : 's'}
                  </p>
                  <pre className="mt-1 whitespace-pre-wrap break-words rounded bg-muted p-2 text-xs">
                    {d.error}
                  </pre>
                </div>
                {canResolve && (
                  <div className="flex gap-1">
                    <Button
                      variant="outline"
                      size="sm"
                      data-requires="deadLetter.resolve"
                      disabled={action.busy !== null}
                      onClick={() => void resolve(d.id, 'retry')}
                    >
                      Retry<span className="sr-only"> event {d.seq}</span>
                    </Button>
                    <Button
                      variant="outline"
                      size="sm"
                      data-requires="deadLetter.resolve"
                      disabled={action.busy !== null}
                      onClick={() => void resolve(d.id, 'skip')}
                    >
                      Skip<span className="sr-only"> event {d.seq}</span>
                    </Button>
                  </div>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

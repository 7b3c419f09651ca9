// The log's streams, one per domain: how much each holds, from when to when, how many
// aggregates (subjects), and how long it keeps them. Each links to its events.
import type { MouseEvent } from 'react';
import { useCan } from '../identity/permissions.tsx';
import { navigate } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { getStreams } from './inspect-api.ts';
import { LoadError, Loading, Section, useLoad, when } from './parts.tsx';

const bytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;

export function StreamsScreen() {
  usePageTitle('Streams · Family console');
  const canBrowse = useCan('stream.inspect');
  const streams = useLoad(getStreams);
  const open = (to: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  return (
    <Section
      title="Streams"
      description="The log: one stream per domain, kept for the audit log's retention."
    >
      {streams.error && !streams.data && (
        <LoadError message={streams.error} onRetry={() => void streams.reload()} />
      )}
      {!streams.data && !streams.error && <Loading what="the streams" />}
      {streams.data && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Streams">
            <thead className="text-xs text-muted-foreground">
              <tr>
                <th className="p-2">Stream</th>
                <th className="p-2">Events</th>
                <th className="p-2">Size</th>
                <th className="p-2">Sequences</th>
                <th className="p-2">From – to</th>
                <th className="p-2">Subjects</th>
                <th className="p-2">Retention</th>
              </tr>
            </thead>
            <tbody>
              {streams.data.map((s) => (
                <tr key={s.stream} className="border-t" data-testid="stream-row" data-domain={s.domain}>
                  <td className="p-2 font-mono">
                    {canBrowse ? (
                      <a
                        href={`/admin/browse?domain=${s.domain}`}
                        data-requires="stream.inspect"
                        className="underline"
                        onClick={open(`/admin/browse?domain=${s.domain}`)}
                      >
                        {s.stream}
                      </a>
                    ) : (
                      s.stream
                    )}
                  </td>
                  <td className="p-2">{s.messages}</td>
                  <td className="p-2">{bytes(s.bytes)}</td>
                  <td className="p-2">{s.messages > 0 ? `${s.firstSeq}–${s.lastSeq}` : '—'}</td>
                  <td className="p-2">
                    {s.messages > 0 ? `${when(s.firstTime)} – ${when(s.lastTime)}` : '—'}
                  </td>
                  <td className="p-2">{s.numSubjects}</td>
                  <td className="p-2">
                    {s.maxAgeDays} days ({s.retention})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

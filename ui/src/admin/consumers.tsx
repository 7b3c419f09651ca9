// The consumers of every read model and reactor: how much JetStream holds for each, what it
// redelivered, and how far behind the log it is, in events and in seconds; with the last hour
// drawn (sampled by the edge every ~15 s).
import { useEffect, useState } from 'react';
import type { ConsumersAnswer } from '../../../contracts/inspect.api.ts';
import { usePageTitle } from '../lib/title.ts';
import { getConsumers } from './inspect-api.ts';
import { LagChart } from './lag-chart.tsx';
import { LoadError, Loading, Section, selectClass, useLoad } from './parts.tsx';

const ALL = '';

function series(answer: ConsumersAnswer, name: string, what: 'events' | 'seconds') {
  return answer.history.map((s) => {
    const values = name === ALL ? Object.values(s.lag) : [s.lag[name]].filter((v) => v !== undefined);
    const pick = values.map((v) => (what === 'events' ? v.events : v.seconds));
    return { at: s.at, value: what === 'events' ? pick.reduce((a, b) => a + b, 0) : Math.max(0, ...pick) };
  });
}

export function ConsumersScreen() {
  usePageTitle('Consumers · Family console');
  const consumers = useLoad(getConsumers);
  const [chosen, setChosen] = useState(ALL);
  const { reload } = consumers;
  const every = consumers.data?.everySeconds ?? 15;
  useEffect(() => {
    const timer = window.setInterval(() => void reload(), every * 1000);
    return () => window.clearInterval(timer);
  }, [reload, every]);

  return (
    <Section
      title="Consumers"
      description="Each read model and reactor follows its stream on a durable consumer. Lag is what it has not applied yet."
    >
      {consumers.error && !consumers.data && (
        <LoadError message={consumers.error} onRetry={() => void consumers.reload()} />
      )}
      {!consumers.data && !consumers.error && <Loading what="the consumers" />}
      {consumers.data && (
        <div className="flex flex-col gap-4">
          <div className="flex flex-col gap-2">
            <label className="flex items-center gap-2 text-sm">
              Chart
              <select className={selectClass()} value={chosen} onChange={(e) => setChosen(e.target.value)}>
                <option value={ALL}>All consumers</option>
                {consumers.data.consumers.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <div className="grid gap-3 md:grid-cols-2">
              <LagChart
                points={series(consumers.data, chosen, 'events')}
                label="Events behind"
                unit="events"
              />
              <LagChart
                points={series(consumers.data, chosen, 'seconds')}
                label="Oldest unapplied event"
                unit="s"
              />
            </div>
          </div>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Consumers">
              <thead className="text-xs text-muted-foreground">
                <tr>
                  <th className="p-2">Name</th>
                  <th className="p-2">Kind</th>
                  <th className="p-2">Pending</th>
                  <th className="p-2">Ack pending</th>
                  <th className="p-2">Redelivered</th>
                  <th className="p-2">Lag (events)</th>
                  <th className="p-2">Lag (s)</th>
                  <th className="p-2">Position</th>
                </tr>
              </thead>
              <tbody>
                {consumers.data.consumers.map((c) => (
                  <tr key={c.name} className="border-t" data-testid="consumer-row" data-name={c.name}>
                    <td className="p-2 font-mono">{c.name}</td>
                    <td className="p-2">{c.kind === 'reactor' ? 'Reactor' : 'Read model'}</td>
                    <td className="p-2">{c.pending ?? '—'}</td>
                    <td className="p-2">{c.ackPending ?? '—'}</td>
                    <td className="p-2">{c.redelivered ?? '—'}</td>
                    <td className="p-2">{c.lagEvents}</td>
                    <td className="p-2">{c.lagSeconds}</td>
                    <td className="p-2">
                      {c.lastSeq} of {c.streamLastSeq} on {c.stream}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </Section>
  );
}

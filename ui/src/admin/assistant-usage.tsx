// The assistant's usage per member: for each who asked in the last 14 days, a bar per UTC day
// of their tokens (prompt and answer) or requests, all on one scale so members compare at a
// glance; each chart says its figures in words, and the same figures are a table below.
import { RotateCw } from 'lucide-react';
import { useId, useMemo, useState } from 'react';
import { Button } from '../components/ui/button.tsx';
import { usePageTitle } from '../lib/title.ts';
import { getAssistantUsage, nameOf } from './assistant-api.ts';
import { CHART_DAYS, type DayUsage, lastDays, type MemberUsage, usagePerMember } from './assistant-data.ts';
import { NamesError, useMembers } from './assistant-members.tsx';
import { Empty, LoadError, Loading, Section, useLoad } from './parts.tsx';

type Metric = 'tokens' | 'requests';
const METRICS: { value: Metric; label: string }[] = [
  { value: 'tokens', label: 'Tokens' },
  { value: 'requests', label: 'Requests' },
];

const NUMBER = new Intl.NumberFormat();
const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayLabel = (day: string) => DAY.format(new Date(`${day}T00:00:00Z`));
/** "1 request", "1,200 tokens". */
const amount = (n: number, metric: Metric) => `${NUMBER.format(n)} ${n === 1 ? metric.slice(0, -1) : metric}`;

export function AssistantUsageScreen() {
  usePageTitle('Assistant usage · Family console');
  const usage = useLoad(getAssistantUsage);
  const { members, named } = useMembers();
  const [metric, setMetric] = useState<Metric>('tokens');
  const id = useId();
  const days = useMemo(() => lastDays(new Date(), CHART_DAYS), []);
  // Names first, so a chart never says "a member" and then changes its label.
  const rows = useMemo(
    () => (usage.data && named ? usagePerMember(usage.data.usage, days) : []),
    [usage.data, named, days],
  );
  const max = Math.max(1, ...rows.flatMap((m) => m.days.map((d) => d[metric])));

  return (
    <Section
      title="Assistant usage"
      description={`Tokens (prompt and answer) and requests of each member, per UTC day over the last ${CHART_DAYS} days.`}
      actions={
        <Button variant="outline" size="sm" onClick={() => void usage.reload()}>
          <RotateCw /> Refresh
        </Button>
      }
    >
      {/* A failed Refresh is said too; the figures from before stay below it. */}
      {usage.error && <LoadError message={usage.error} onRetry={() => void usage.reload()} />}
      <NamesError members={members} />
      {(!usage.data || !named) && !usage.error && <Loading what="the assistant’s usage" />}
      {usage.data && named && rows.length === 0 && (
        <Empty>Nobody has asked the assistant in the last {CHART_DAYS} days.</Empty>
      )}
      {rows.length > 0 && (
        <div className="flex flex-col gap-4">
          <fieldset className="flex items-center gap-3 text-sm">
            <legend className="sr-only">Chart</legend>
            <span aria-hidden="true">Chart</span>
            {METRICS.map((m) => (
              <label key={m.value} className="flex items-center gap-1.5">
                <input
                  type="radio"
                  name={`${id}-metric`}
                  value={m.value}
                  checked={metric === m.value}
                  onChange={() => setMetric(m.value)}
                />
                {m.label}
              </label>
            ))}
          </fieldset>
          <ul className="flex flex-col gap-3" aria-label="Usage per member">
            {rows.map((m) => (
              <li key={m.memberId} data-testid="usage-member" data-member={m.memberId}>
                <MemberChart usage={m} name={nameOf(members.data, m.memberId)} metric={metric} max={max} />
              </li>
            ))}
          </ul>
          <UsageTable rows={rows} name={(memberId) => nameOf(members.data, memberId)} />
        </div>
      )}
    </Section>
  );
}

const W = 560;
const H = 80;
const GAP = 4;

function MemberChart({
  usage,
  name,
  metric,
  max,
}: {
  usage: MemberUsage;
  name: string;
  metric: Metric;
  max: number;
}) {
  const width = W / usage.days.length;
  const busiest = usage.days.reduce<DayUsage | undefined>(
    (a, d) => (!a || d[metric] > a[metric] ? d : a),
    undefined,
  );
  const summary = `${name}: ${amount(usage[metric], metric)} over the last ${usage.days.length} days${
    busiest && busiest[metric] > 0
      ? `, the most on ${dayLabel(busiest.day)} (${NUMBER.format(busiest[metric])})`
      : ''
  }; today ${NUMBER.format(usage.days.at(-1)?.[metric] ?? 0)}.`;
  return (
    <figure className="flex flex-col gap-1" data-testid="usage-chart" data-metric={metric}>
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{name}</span>
        <span className="text-muted-foreground">
          {amount(usage.tokens, 'tokens')} · {amount(usage.requests, 'requests')}
        </span>
      </div>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={summary}
        className="h-20 w-full rounded border bg-muted/30"
        preserveAspectRatio="none"
      >
        {usage.days.map((d, i) => {
          const h = d[metric] > 0 ? Math.max(2, (d[metric] / max) * (H - GAP)) : 0;
          return (
            <rect
              key={d.day}
              x={i * width + GAP / 2}
              y={H - h}
              width={width - GAP}
              height={h}
              className="fill-primary"
              data-day={d.day}
              data-value={d[metric]}
            >
              <title>{`${dayLabel(d.day)}: ${amount(d[metric], metric)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="flex justify-between text-xs text-muted-foreground" aria-hidden="true">
        <span>{dayLabel(usage.days[0]?.day ?? '')}</span>
        <span>{dayLabel(usage.days.at(-1)?.day ?? '')}</span>
      </figcaption>
    </figure>
  );
}

/** The charts' figures as a table: each member's days with any use, newest first. */
function UsageTable({ rows, name }: { rows: MemberUsage[]; name: (memberId: string) => string }) {
  return (
    <details className="text-sm">
      <summary className="cursor-pointer font-medium">The same figures as a table</summary>
      <div className="mt-2 overflow-x-auto">
        <table className="w-full text-left" aria-label="Assistant usage per member and day">
          <thead className="text-xs text-muted-foreground">
            <tr>
              <th className="p-2">Member</th>
              <th className="p-2">Day (UTC)</th>
              <th className="p-2 text-right">Requests</th>
              <th className="p-2 text-right">Tokens</th>
              <th className="p-2 text-right">From the cache</th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((m) =>
              m.days
                .filter((d) => d.requests > 0)
                .reverse()
                .map((d) => (
                  <tr key={`${m.memberId} ${d.day}`} className="border-t" data-testid="usage-row">
                    <td className="p-2">{name(m.memberId)}</td>
                    <td className="p-2">{dayLabel(d.day)}</td>
                    <td className="p-2 text-right">{NUMBER.format(d.requests)}</td>
                    <td className="p-2 text-right">{NUMBER.format(d.tokens)}</td>
                    <td className="p-2 text-right">{NUMBER.format(d.cached)}</td>
                  </tr>
                )),
            )}
          </tbody>
        </table>
      </div>
    </details>
  );
}

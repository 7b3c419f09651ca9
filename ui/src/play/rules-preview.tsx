// The rules preview: each member's XP, level, ranks, ratings and achievements, before → after.
import { ArrowRight } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { MemberDiff, RulesPreview } from '../../../contracts/play.api.ts';
import { cn } from '../lib/utils.ts';
import { formatRating, ordinal } from './format.ts';
import { Empty, Pill } from './parts.tsx';

export function PreviewTable({ preview, outdated }: { preview: RulesPreview; outdated: boolean }) {
  const titles = preview.achievement_titles ?? {};
  const [all, setAll] = useState(true);
  const rows = useMemo(
    () => (all ? preview.members : preview.members.filter(changed)),
    [all, preview.members],
  );
  return (
    <section aria-label="Preview" className={cn('rounded-lg border', outdated && 'opacity-60')}>
      <div className="flex flex-wrap items-center gap-2 border-b px-3 py-2">
        <h3 className="font-semibold">Before → after</h3>
        <span className="text-sm text-muted-foreground" data-testid="preview-summary">
          {preview.changed === 0
            ? 'Nobody’s scores change.'
            : `${preview.changed} of ${preview.members.length} ${preview.members.length === 1 ? 'member changes' : 'members change'}.`}
        </span>
        <label className="ml-auto flex items-center gap-2 text-sm">
          <input type="checkbox" checked={!all} onChange={(e) => setAll(!e.target.checked)} />
          Only those who change
        </label>
      </div>
      {rows.length === 0 ? (
        <div className="p-3">
          <Empty>Nobody to show.</Empty>
        </div>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[40rem] text-sm" aria-label="Before and after, per member">
            <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Member
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  XP
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Level
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Rank
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Week rank
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Ratings
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Achievements
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.user_id} className={cn('border-t align-top', changed(m) && 'bg-orange-50/60')}>
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    {m.name}
                  </th>
                  <td className="px-3 py-2" data-testid="preview-xp">
                    <Change pair={m.xp} />
                  </td>
                  <td className="px-3 py-2" data-testid="preview-level">
                    <Change pair={m.level} />
                  </td>
                  <td className="px-3 py-2">
                    <Change pair={m.rank} show={(n) => ordinal(n)} />
                  </td>
                  <td className="px-3 py-2">
                    <Change pair={m.week_rank} show={(n) => ordinal(n)} />
                  </td>
                  <td className="px-3 py-2">
                    {m.ratings.length === 0 ? (
                      <span className="text-muted-foreground">—</span>
                    ) : (
                      <ul className="flex flex-col gap-0.5">
                        {m.ratings.map((r) => (
                          <li key={r.game} className="whitespace-nowrap">
                            <span className="text-muted-foreground">{r.game_name ?? r.game}: </span>
                            <Change pair={r.rating} show={formatRating} />
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {m.achievements_gained.length + m.achievements_lost.length === 0 ? (
                      <span className="text-muted-foreground">no change</span>
                    ) : (
                      <div className="flex flex-wrap gap-1">
                        {m.achievements_gained.map((a) => (
                          <Pill key={`+${a}`} tone="good">
                            + {titles[a] ?? a}
                          </Pill>
                        ))}
                        {m.achievements_lost.map((a) => (
                          <Pill key={`-${a}`} tone="bad">
                            − {titles[a] ?? a}
                          </Pill>
                        ))}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function changed(d: MemberDiff): boolean {
  return (
    d.xp[0] !== d.xp[1] ||
    d.level[0] !== d.level[1] ||
    d.rank[0] !== d.rank[1] ||
    d.week_rank[0] !== d.week_rank[1] ||
    d.ratings.some((r) => r.rating[0] !== r.rating[1]) ||
    d.achievements_gained.length > 0 ||
    d.achievements_lost.length > 0
  );
}

function Change({
  pair: [before, after],
  show = (n: number) => String(n),
}: {
  pair: [number | null, number | null];
  show?: (n: number) => string;
}) {
  const text = (n: number | null) => (n === null ? '—' : show(n));
  const data = { 'data-before': before ?? '', 'data-after': after ?? '' };
  if (before === after)
    return (
      <span className="text-muted-foreground" {...data}>
        {text(before)}
      </span>
    );
  const up = before !== null && after !== null && after > before;
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap font-medium" {...data}>
      <span>{text(before)}</span>
      <ArrowRight className="size-3.5 text-muted-foreground" aria-label="to" />
      <span className={up ? 'text-emerald-700' : 'text-rose-700'}>{text(after)}</span>
    </span>
  );
}

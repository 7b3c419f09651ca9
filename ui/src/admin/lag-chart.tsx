// A small line chart of the last hour, drawn as SVG: no chart library for one line.
export type Point = { at: string; value: number };

const W = 600;
const H = 120;
const PAD = 4;

export function LagChart({ points, label, unit }: { points: Point[]; label: string; unit: string }) {
  const max = Math.max(1, ...points.map((p) => p.value));
  const first = points[0] ? Date.parse(points[0].at) : 0;
  const last = points.at(-1) ? Date.parse(points.at(-1)?.at ?? '') : 0;
  const span = Math.max(1, last - first);
  const xy = points.map((p) => {
    const x = PAD + ((Date.parse(p.at) - first) / span) * (W - 2 * PAD);
    const y = H - PAD - (p.value / max) * (H - 2 * PAD);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const now = points.at(-1)?.value ?? 0;
  const summary = `${label}: ${now} ${unit} now, at most ${max} over the last ${Math.round(span / 60_000)} min (${points.length} samples).`;
  return (
    <figure className="flex flex-col gap-1" data-testid="lag-chart" data-points={points.length}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={summary}
        className="h-32 w-full rounded border bg-muted/30"
        preserveAspectRatio="none"
      >
        <line x1={PAD} x2={W - PAD} y1={H - PAD} y2={H - PAD} className="stroke-border" strokeWidth={1} />
        {xy.length > 1 ? (
          <polyline points={xy.join(' ')} fill="none" className="stroke-primary" strokeWidth={2} />
        ) : (
          xy.length === 1 && <circle cx={W - PAD} cy={xy[0]?.split(',')[1]} r={3} className="fill-primary" />
        )}
      </svg>
      <figcaption className="text-xs text-muted-foreground">{summary}</figcaption>
    </figure>
  );
}

// Prometheus' text format, read back: the samples a scrape holds, and every series name the
// hub declares (a histogram's _bucket, _sum and _count included), whether or not it has a
// sample yet. The alert, dashboard and metrics tests check names against what a real hub says.

export type Sample = { name: string; labels: Record<string, string>; value: number };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(LABEL)) if (k) labels[k] = v ?? '';
    out.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return out;
}

/** Every series name the scrape declares (# TYPE lines), with a histogram's and summary's parts. */
export function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!m?.[1]) continue;
    names.add(m[1]);
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m[1] + s);
    if (m[2] === 'summary') for (const s of ['_sum', '_count']) names.add(m[1] + s);
  }
  return names;
}

/** The samples of one name whose labels include `match`. */
export function samples(all: Sample[], name: string, match: Record<string, string> = {}): Sample[] {
  return all.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/**
 * The metric names a PromQL expression reads: identifiers followed by a selector, a range or an
 * operator, minus PromQL's own words (functions, aggregations, modifiers) and label names.
 */
const PROMQL_WORDS = new Set(
  `sum min max avg count stddev stdvar topk bottomk quantile count_values group by without on ignoring
  group_left group_right and or unless bool offset rate irate increase delta idelta deriv predict_linear
  histogram_quantile abs absent absent_over_time ceil floor round clamp clamp_min clamp_max exp ln log2
  log10 sqrt time timestamp vector scalar sort sort_desc label_replace label_join changes resets
  avg_over_time min_over_time max_over_time sum_over_time count_over_time last_over_time
  quantile_over_time stddev_over_time day_of_month day_of_week days_in_month hour minute month year
  inf nan le`.split(/\s+/),
);

export function metricNamesIn(expr: string): string[] {
  // Strings and label matchers name no metric; nor do the label lists of by/on/without (...).
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1()')
    .replace(/\[[^\]]*\]/g, '[]');
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = bare.slice((m.index ?? 0) + word.length).trimStart();
    if (PROMQL_WORDS.has(word)) continue;
    // A function call's name is followed by "("; a duration unit follows a digit.
    if (after.startsWith('(')) continue;
    if (/\d$/.test(bare.slice(0, m.index ?? 0))) continue;
    names.add(word);
  }
  return [...names];
}

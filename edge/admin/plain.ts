// An aggregate's state as JSON: states hold Maps, Sets, Dates, bigints and protobuf messages,
// none of which JSON.stringify renders faithfully.

export function plain(value: unknown, depth = 0): unknown {
  if (depth > 64) return '…';
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return `(${value.length} bytes)`;
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (value instanceof Set) return [...value].map((v) => plain(v, depth + 1));
  const out: Record<string, unknown> = Object.create(null);
  const entries: [unknown, unknown][] = value instanceof Map ? [...value] : Object.entries(value);
  for (const [k, v] of entries) {
    if (k === '$typeName' || k === '$unknown') continue;
    out[String(k)] = plain(v, depth + 1);
  }
  return out;
}

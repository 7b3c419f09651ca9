// Records keyed by what people type (a reaction's emoji, say) stay plain objects, because they
// travel as JSON; reading one goes through here, so `__proto__`, `constructor` or `toString`
// find nothing rather than Object.prototype's members.

/** The record's own entry under `key`, never one it inherits. */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

// Where in a rule set an error is, in words: the API names the field by its path
// ("rules.xp.8.id"); an admin reads "XP rule 9 (“message”) › id".

const SECTIONS: Record<string, string> = { xp: 'XP rule', achievements: 'Achievement' };

export function describeField(field: string, rules: unknown): string {
  const parts = field.split('.').filter(Boolean);
  if (parts[0] === 'rules') parts.shift();
  if (parts.length === 0) return 'the rule set';
  const [section, index, ...rest] = parts;
  if (section === 'elo') return ['Elo settings', ...parts.slice(1)].join(' › ');
  const label = section ? SECTIONS[section] : undefined;
  if (!label || index === undefined || !/^\d+$/.test(index)) return parts.join(' › ');
  const item = itemAt(rules, section ?? '', Number(index));
  const id = item && typeof item.id === 'string' && item.id ? ` (“${item.id}”)` : '';
  return [`${label} ${Number(index) + 1}${id}`, ...rest].join(' › ');
}

function itemAt(rules: unknown, section: string, index: number): Record<string, unknown> | undefined {
  if (!rules || typeof rules !== 'object') return undefined;
  const list = (rules as Record<string, unknown>)[section];
  if (!Array.isArray(list)) return undefined;
  const item: unknown = list[index];
  return item && typeof item === 'object' ? (item as Record<string, unknown>) : undefined;
}

/** A JSON.parse failure, with the line and column when the browser says where. */
export function describeJsonError(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const at = /position (\d+)/.exec(message);
  if (!at) return `This is not valid JSON: ${message}`;
  const position = Number(at[1]);
  const before = text.slice(0, position).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  return `This is not valid JSON (line ${line}, column ${column}): ${message.replace(/\s*in JSON at position \d+.*$/, '')}`;
}

// The aggregate an event's subject names, as the time-travel route takes it: the subject's
// shape picks the writer's type (projectors/log-keeper/registry.ts), its id tokens the id (a
// pair's two joined by ':').
import type { AggregateLink } from '../../contracts/inspect.api.ts';
import { type Kept, typeOfSubject } from '../../projectors/log-keeper/registry.ts';

export function aggregateOf(types: Kept[], subject: string): AggregateLink | null {
  const type = typeOfSubject(types, subject);
  if (!type) return null;
  const tokens = subject.split('.');
  const ids = type.pattern.flatMap((p, i) => (p === null ? [tokens[i] ?? ''] : []));
  const [domain = '', name = ''] = type.name.split('.');
  return { domain, type: name, id: ids.join(':') };
}

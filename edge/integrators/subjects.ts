// The subjects a feed may name: filters of one domain's stream, inside the domains its key reads.
import { FEED_DOMAINS, type FeedDomain } from '../../contracts/integrators.api.ts';
import type { Names } from '../../contracts/subjects.ts';

export { subjectMatches } from '../../contracts/subjects.ts';

import { integratorErrors } from './errors.ts';

const TOKEN = /^(?:[A-Za-z0-9_-]{1,128}|\*|>)$/;
export const MAX_FILTERS = 8;

/** The domain and filters of `subjects` ("a,b"), or a 400 for anything else. */
export function parseSubjects(names: Names, subjects: string): { domain: FeedDomain; filters: string[] } {
  const filters = subjects.split(',').map((s) => s.trim());
  if (filters.length === 0 || filters.length > MAX_FILTERS) throw integratorErrors.subjectsInvalid();
  let domain: FeedDomain | undefined;
  for (const filter of filters) {
    const found = FEED_DOMAINS.find((d) => filter.startsWith(names.domainFilter(d).slice(0, -1)));
    if (!found || (domain && found !== domain)) throw integratorErrors.subjectsInvalid();
    domain = found;
    const tokens = filter.split('.');
    if (!tokens.every((t, i) => TOKEN.test(t) && (t !== '>' || i === tokens.length - 1)))
      throw integratorErrors.subjectsInvalid();
  }
  if (!domain) throw integratorErrors.subjectsInvalid();
  return { domain, filters: [...new Set(filters)] };
}

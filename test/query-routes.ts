// Every read the hub serves, for hostile-input tests of what a GET carries: its path
// parameters and its query string. The routes come from the app itself and the parameter names
// from every query schema the contracts declare, so a new route or parameter is covered
// without a row being written for it.
import { readdirSync } from 'node:fs';
import path from 'node:path';

export type QueryRoute = { route: string; params: string[] };

/** The GET routes an app serves under /api/ (wildcards left out: their owner checks them). */
export function queryRoutes(app: { routes: { method: string; path: string }[] }): QueryRoute[] {
  const paths = app.routes
    .filter((r) => r.method === 'GET' && r.path.startsWith('/api/') && !r.path.includes('*'))
    .map((r) => r.path);
  return [...new Set(paths)].map((route) => ({
    route,
    params: [...route.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1] as string),
  }));
}

const CONTRACTS = path.join(import.meta.dirname, '..', 'contracts');

/**
 * The names every query schema in contracts/*.schema.ts declares (the exports named *Query),
 * plus `after`, which the read-after middleware takes on any read.
 */
export async function queryNames(): Promise<string[]> {
  const names = new Set<string>(['after']);
  for (const file of readdirSync(CONTRACTS).filter((f) => f.endsWith('.schema.ts'))) {
    const module = (await import(path.join(CONTRACTS, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (!name.endsWith('Query') || typeof value !== 'object' || value === null) continue;
      const properties = (value as { properties?: Record<string, unknown> }).properties ?? {};
      for (const key of Object.keys(properties)) names.add(key);
    }
  }
  return [...names].sort();
}

/** Values no read should choke on, as they appear in a URL (already escaped). */
export const HOSTILE_VALUES: readonly { name: string; escaped: string }[] = [
  { name: 'NUL', escaped: '%00' },
  { name: 'invalid UTF-8', escaped: '%FF%FE' },
  { name: 'a lone surrogate', escaped: '%ED%A0%80' },
  { name: '5,000 characters', escaped: 'x'.repeat(5000) },
  { name: '__proto__', escaped: '__proto__' },
  { name: 'constructor', escaped: 'constructor' },
  { name: 'a huge number', escaped: '99999999999999999999999' },
  { name: 'a negative number', escaped: '-1' },
  { name: 'not a number', escaped: 'NaN' },
  { name: 'empty', escaped: '' },
  { name: 'a path escape', escaped: '..%2F..%2Fetc%2Fpasswd' },
  { name: 'a percent alone', escaped: '%' },
];

/** The route with every parameter but `hostile` given a plain value. */
export function pathWith(r: QueryRoute, param: string | undefined, escaped: string): string {
  return r.route.replace(/:([A-Za-z_]+)/g, (_, name: string) => (name === param ? escaped : 'nosuch'));
}

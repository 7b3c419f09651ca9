// What the signed-in person may do, as the edge says (GET /api/v1/me/permissions): the page
// keeps no copy of the permission table, it asks. Until the answer arrives nothing gated is
// offered. A gated control carries data-requires="resource.action", which the browser tests
// check against the server's table for every role.
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import type { MyPermissions } from '../../../contracts/identity.api.ts';
import { api, REFUSED_EVENT } from '../lib/http.ts';

/** "resource.action", as the edge's table names it: chat.create, play.manage, user.ban. */
export type Grant = `${string}.${string}`;

type PermissionsValue = { loaded: boolean; granted: ReadonlySet<string> };

const EMPTY: PermissionsValue = { loaded: false, granted: new Set() };
const PermissionsContext = createContext<PermissionsValue>(EMPTY);

/** Asks again whenever `role` changes (an admin changed it while this page was open). */
export function PermissionsProvider({ role, children }: { role: string; children: ReactNode }) {
  const [value, setValue] = useState<PermissionsValue>(EMPTY);
  // A new role clears what the page offers at once; a refusal asks again, keeping what it has
  // until the answer (which can only take grants away from a stale page).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new role is the reason to ask again
  useEffect(() => setValue(EMPTY), [role]);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    const again = () => setAsked((n) => n + 1);
    window.addEventListener(REFUSED_EVENT, again);
    return () => window.removeEventListener(REFUSED_EVENT, again);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new role or a refusal is the reason to ask again
  useEffect(() => {
    let live = true;
    const load = (attempt: number) =>
      api<MyPermissions>('/api/v1/me/permissions')
        .then((body) => {
          if (!live) return;
          // The page heard of a new role before the edge's sessions did: ask until they agree,
          // offering nothing gated meanwhile.
          if (body.role !== role && attempt < 20) {
            setTimeout(() => live && void load(attempt + 1), 250);
            return;
          }
          setValue({ loaded: true, granted: new Set(body.granted) });
        })
        .catch(() => {
          // Offer nothing gated while the edge cannot say; ask again shortly.
          if (live) setTimeout(() => live && void load(attempt + 1), Math.min(30_000, 1000 * 2 ** attempt));
        });
    void load(0);
    return () => {
      live = false;
    };
  }, [role, asked]);
  return <PermissionsContext.Provider value={value}>{children}</PermissionsContext.Provider>;
}

/** Whether the edge grants this to the signed-in person (false until it has said). */
export function useCan(grant: Grant): boolean {
  return useContext(PermissionsContext).granted.has(grant);
}

/** Every grant at once, for screens that check several. */
export function usePermissions(): { loaded: boolean; can: (grant: Grant) => boolean } {
  const { loaded, granted } = useContext(PermissionsContext);
  return useMemo(() => ({ loaded, can: (g: Grant) => granted.has(g) }), [loaded, granted]);
}

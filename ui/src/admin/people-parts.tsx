// The people screen's lesser pieces: an invited row, and what it looks up again by itself.
import { useEffect, useState } from 'react';
import type { AdminInvite, AdminUser } from '../../../contracts/identity.api.ts';
import { getLevel } from './api.ts';
import { roleLabel, when } from './parts.tsx';

export function InvitedRow({ invite }: { invite: AdminInvite }) {
  return (
    <tr className="border-t align-top text-muted-foreground" data-testid="invited-row">
      <th scope="row" className="py-2 pr-3 font-normal italic">
        Someone invited
      </th>
      <td className="py-2 pr-3">{roleLabel(invite.role)}</td>
      <td className="py-2 pr-3">Invited, link valid until {when(invite.expiresAt)}</td>
      <td className="py-2 pr-3">—</td>
      <td className="py-2 pr-3">—</td>
      <td className="py-2" />
    </tr>
  );
}

const REFRESH_MS = 3000;

/** Someone may join through a link while the admin watches: look again every few seconds. */
export function useRefresh(...reloads: (() => Promise<void>)[]) {
  const [first, second] = reloads;
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      void first?.();
      void second?.();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [first, second]);
}

/** Each person's level from play, when the caller may read play (asked again when someone joins). */
export function useLevels(users: AdminUser[] | null, allowed: boolean): Map<string, number> {
  const [levels, setLevels] = useState(new Map<string, number>());
  const ids = users?.map((u) => u.id).join(',') ?? '';
  useEffect(() => {
    if (!ids || !allowed) return;
    let live = true;
    void Promise.all(ids.split(',').map(async (id) => [id, await getLevel(id)] as const)).then((pairs) => {
      if (!live) return;
      const next = new Map<string, number>();
      for (const [id, level] of pairs) if (level !== null) next.set(id, level);
      setLevels(next);
    });
    return () => {
      live = false;
    };
  }, [ids, allowed]);
  return levels;
}

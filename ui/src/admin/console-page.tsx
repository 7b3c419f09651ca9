// The admin console: people and invites, family settings, read models, dead letters. Only
// admins are offered it; anyone else who opens its URL is told why they cannot use it.
import type { User } from '../identity/api.ts';
import { useCan } from '../identity/permissions.tsx';
import { usePageTitle } from '../lib/title.ts';

/** Whether a path is one of the console's. */
export const isConsolePath = (path: string) => path === '/admin' || path.startsWith('/admin/');

export function ConsolePage({ me, path }: { me: User; path: string }) {
  usePageTitle('Family console');
  const allowed = useCan('user.list');
  return (
    <section aria-labelledby="console-title" className="flex min-h-0 flex-1 flex-col overflow-y-auto p-4">
      <h1 id="console-title" className="text-lg font-semibold">
        Family console
      </h1>
      {allowed ? (
        <p className="text-sm text-muted-foreground" data-path={path}>
          {me.name}, the console is on its way.
        </p>
      ) : (
        <p className="text-sm text-muted-foreground">The console is for the family’s admins.</p>
      )}
    </section>
  );
}

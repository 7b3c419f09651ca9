// Home, where a signed-in member lands: the family feed, what is waiting for them, and the
// week's board.
import type { User } from '../identity/api.ts';
import { usePageTitle } from '../lib/title.ts';

export function HomePage({ me }: { me: User }) {
  usePageTitle('Home');
  return (
    <section aria-labelledby="home-title" className="flex min-h-0 flex-1 flex-col overflow-y-auto p-4">
      <h1 id="home-title" className="text-lg font-semibold">
        Home
      </h1>
      <p className="text-sm text-muted-foreground">Welcome back, {me.name}.</p>
    </section>
  );
}

// Who is signed in, whether they are the admin, and the way out: the foot of the sidebar.
import { LogOut, UserCog } from 'lucide-react';
import { Avatar } from '../components/ui/avatar.tsx';
import { Badge } from '../components/ui/badge.tsx';
import { Button, buttonVariants } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { useSession } from '../identity/session.tsx';
import { navigate } from '../lib/route.ts';

export function UserMenu({ me }: { me: User }) {
  const { signOut } = useSession();
  return (
    <footer className="flex items-center gap-2 border-t px-3 py-2 pb-[max(0.5rem,env(safe-area-inset-bottom))]">
      <Avatar name={me.name} seed={me.id} />
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium" data-testid="me">
          {me.name}
        </p>
        <p className="truncate text-xs text-muted-foreground">{me.email}</p>
      </div>
      {me.role === 'admin' && (
        <Badge variant="secondary" title="You manage this Hearth">
          Admin
        </Badge>
      )}
      <a
        href="/settings"
        aria-label="Your settings"
        title="Your settings"
        className={buttonVariants({ variant: 'ghost', size: 'icon-sm' })}
        onClick={(e) => {
          e.preventDefault();
          navigate('/settings');
        }}
      >
        <UserCog />
      </a>
      <Button
        variant="ghost"
        size="icon-sm"
        aria-label="Sign out"
        title="Sign out"
        onClick={() => void signOut()}
      >
        <LogOut />
      </Button>
    </footer>
  );
}

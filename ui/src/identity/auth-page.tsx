// Sign in and sign up share one card: a family member sees the same place either way. An
// invite link opens sign-up with ?invite=<token>; the token goes along with the sign-up.
import { Flame } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from '../components/ui/card.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { ApiError, errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { signIn, signUp } from './api.ts';
import { useSession } from './session.tsx';
import { markWelcome } from './welcome.ts';

export function AuthPage({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { state, refresh } = useSession();
  // Read once: switching to sign-in and back keeps it, the address bar may not.
  const [invite] = useState(inviteInAddress);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signingUp = mode === 'sign-up';
  const notice = state.status === 'signed-out' ? state.error : undefined;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      if (signingUp) await signUp({ name: String(form.get('name') ?? '').trim(), email, password, invite });
      else await signIn({ email, password });
      const user = await refresh();
      if (signingUp && user) markWelcome(user);
      navigate('/', { replace: true });
    } catch (err) {
      setError(signUpError(err, invite) ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="flex min-h-full items-center justify-center bg-gradient-to-b from-orange-50 to-background p-4">
      <Card className="w-full max-w-sm">
        <CardHeader>
          <div className="mb-2 flex items-center gap-2 text-primary">
            <Flame className="size-6" aria-hidden="true" />
            <span className="text-lg font-semibold tracking-tight">Hearth</span>
          </div>
          <CardTitle>{signingUp ? 'Create your account' : 'Welcome back'}</CardTitle>
          <CardDescription>
            {!signingUp
              ? 'Sign in to talk with your family.'
              : invite
                ? 'You were invited to join the family: create your account to come in.'
                : 'Joining needs an invite link from the family’s admin. The first person to join becomes the admin.'}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form
            className="flex flex-col gap-4"
            onSubmit={submit}
            aria-label={signingUp ? 'Sign up' : 'Sign in'}
          >
            {(error ?? notice) && <Alert variant="destructive">{error ?? notice}</Alert>}
            {signingUp && (
              <div className="flex flex-col gap-2">
                <Label htmlFor="name">Name</Label>
                <Input id="name" name="name" autoComplete="name" required maxLength={80} />
              </div>
            )}
            <div className="flex flex-col gap-2">
              <Label htmlFor="email">Email</Label>
              <Input id="email" name="email" type="email" autoComplete="email" required />
            </div>
            <div className="flex flex-col gap-2">
              <Label htmlFor="password">Password</Label>
              <Input
                id="password"
                name="password"
                type="password"
                autoComplete={signingUp ? 'new-password' : 'current-password'}
                minLength={8}
                required
              />
            </div>
            <Button type="submit" disabled={busy} className="w-full">
              {busy ? 'One moment…' : signingUp ? 'Create account' : 'Sign in'}
            </Button>
          </form>
        </CardContent>
        <CardFooter className="justify-center text-sm text-muted-foreground">
          {signingUp ? 'Already have an account?' : 'New to this Hearth?'}
          <Button variant="link" size="sm" onClick={() => navigate(signingUp ? '/sign-in' : '/sign-up')}>
            {signingUp ? 'Sign in' : 'Create an account'}
          </Button>
        </CardFooter>
      </Card>
    </main>
  );
}

function inviteInAddress(): string | undefined {
  return new URLSearchParams(window.location.search).get('invite')?.trim() || undefined;
}

/** The invite refusals, said for the person holding (or missing) the link. */
function signUpError(err: unknown, invite: string | undefined): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  switch (err.code) {
    case 'identity.invite_required':
      return 'Joining this family needs an invite. Ask the family’s admin for a link, then open it here.';
    case 'identity.invite_not_found':
      return invite
        ? 'This invite link is not valid. Check that it was copied whole, or ask for a new one.'
        : undefined;
    case 'identity.invite_expired':
      return 'This invite link has expired. Ask the family’s admin for a new one.';
    case 'identity.invite_used_up':
      return 'This invite link has already been used. Ask the family’s admin for a new one.';
    case 'identity.invite_revoked':
      return 'This invite link was withdrawn. Ask the family’s admin for a new one.';
    default:
      return undefined;
  }
}

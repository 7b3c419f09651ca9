// Sign in and sign up share one card: a family member sees the same place either way.
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
import { errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { signIn, signUp } from './api.ts';
import { useSession } from './session.tsx';
import { markWelcome } from './welcome.ts';

export function AuthPage({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { state, refresh } = useSession();
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
      if (signingUp) await signUp({ name: String(form.get('name') ?? '').trim(), email, password });
      else await signIn({ email, password });
      const user = await refresh();
      if (signingUp && user) markWelcome(user);
      navigate('/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
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
            {signingUp
              ? 'The first person to join becomes the family’s admin.'
              : 'Sign in to talk with your family.'}
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

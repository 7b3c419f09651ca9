// Sign in and sign up share one card: a family member sees the same place either way. An
// invite link opens sign-up with ?invite=<token>; the token goes along with the sign-up.
import { Flame } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardFooter, CardHeader } from '../components/ui/card.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { ApiError, errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { signIn, signUp } from './api.ts';
import { type BanNotice, banOfError, banText, rememberBan } from './ban.ts';
import { useSession } from './session.tsx';
import { markWelcome } from './welcome.ts';

type Field = 'name' | 'email' | 'password';
type FieldErrors = Partial<Record<Field, string>>;

export function AuthPage({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { state, refresh } = useSession();
  // Read once: switching to sign-in and back keeps it, the address bar may not.
  const [invite] = useState(inviteInAddress);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [ban, setBan] = useState<BanNotice | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const signingUp = mode === 'sign-up';
  usePageTitle(signingUp ? 'Create an account' : 'Sign in');
  const signedOut = state.status === 'signed-out' ? state : undefined;
  const shownBan = ban ?? signedOut?.ban;
  const notice = shownBan ? banText(shownBan) : (error ?? signedOut?.error);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const invalid = checkFields({ name: signingUp ? name : undefined, email, password });
    setFields(invalid);
    setError(null);
    setBan(undefined);
    if (Object.keys(invalid).length > 0) {
      focusFirstInvalid(e.currentTarget, invalid);
      return;
    }
    setBusy(true);
    try {
      if (signingUp) await signUp({ name, email, password, invite });
      else await signIn({ email, password });
      const user = await refresh();
      if (signingUp && user) markWelcome(user);
      navigate('/', { replace: true });
    } catch (err) {
      const banned = banOfError(err);
      const onFields = fieldErrors(err);
      if (banned) {
        rememberBan(banned);
        setBan(banned);
      } else if (onFields) setFields(onFields);
      else setError(signUpError(err, invite) ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  /** aria-invalid and the id of the line that says why, for one field. */
  const described = (field: Field) =>
    fields[field] ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {};

  return (
    <main className="flex min-h-full items-center justify-center bg-gradient-to-b from-orange-50 to-background p-4">
      <Card className="w-full max-w-sm">
        <CardHeader>
          <div className="mb-2 flex items-center gap-2 text-primary">
            <Flame className="size-6" aria-hidden="true" />
            <span className="text-lg font-semibold tracking-tight">Hearth</span>
          </div>
          <h1 className="text-xl font-semibold leading-none">
            {signingUp ? 'Create your account' : 'Welcome back'}
          </h1>
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
            noValidate
            aria-label={signingUp ? 'Sign up' : 'Sign in'}
          >
            {notice && (
              <Alert variant="destructive" data-testid={shownBan ? 'ban-notice' : undefined}>
                {notice}
              </Alert>
            )}
            {signingUp && (
              <div className="flex flex-col gap-2">
                <Label htmlFor="name">Name</Label>
                <Input
                  id="name"
                  name="name"
                  autoComplete="name"
                  required
                  maxLength={80}
                  {...described('name')}
                />
                <FieldError field="name" errors={fields} />
              </div>
            )}
            <div className="flex flex-col gap-2">
              <Label htmlFor="email">Email</Label>
              <Input
                id="email"
                name="email"
                type="email"
                autoComplete="email"
                required
                {...described('email')}
              />
              <FieldError field="email" errors={fields} />
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
                {...described('password')}
              />
              <FieldError field="password" errors={fields} />
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

function FieldError({ field, errors }: { field: Field; errors: FieldErrors }) {
  const text = errors[field];
  if (!text) return null;
  return (
    <p id={`${field}-error`} className="text-sm text-destructive">
      {text}
    </p>
  );
}

/** What the browser would check, said in words a person can act on (and tied to the field). */
function checkFields({
  name,
  email,
  password,
}: {
  name: string | undefined;
  email: string;
  password: string;
}): FieldErrors {
  const errors: FieldErrors = {};
  if (name !== undefined && !name) errors.name = 'Enter your name, as the family will see it.';
  if (!email) errors.email = 'Enter your email address.';
  else if (!/^[^\s@]+@[^\s@]+$/.test(email)) errors.email = 'This does not look like an email address.';
  if (!password) errors.password = 'Enter your password.';
  else if (password.length < 8) errors.password = 'The password needs at least 8 characters.';
  return errors;
}

function focusFirstInvalid(form: HTMLFormElement, errors: FieldErrors): void {
  const first = (['name', 'email', 'password'] as const).find((f) => errors[f]);
  if (first) form.querySelector<HTMLInputElement>(`#${first}`)?.focus();
}

/** The server's refusals that are about one field, said at that field. */
function fieldErrors(err: unknown): FieldErrors | undefined {
  if (!(err instanceof ApiError)) return undefined;
  switch (err.code) {
    case 'identity.invalid_email_or_password':
      return { password: 'That email and password do not match. Check both and try again.' };
    case 'identity.invalid_email':
      return { email: 'This does not look like an email address.' };
    case 'identity.user_already_exists':
    case 'identity.user_already_exists_use_another_email':
      return { email: 'There is already an account with this email. Sign in instead.' };
    case 'identity.password_too_short':
      return { password: 'The password needs at least 8 characters.' };
    case 'identity.password_too_long':
      return { password: 'This password is too long.' };
    default:
      return undefined;
  }
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

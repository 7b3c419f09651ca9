// better-auth's endpoints, as the edge exposes them under /api/auth. The browser sends the
// Origin header that better-auth checks on every POST.
import { api } from '../lib/http.ts';

export type User = {
  id: string;
  email: string;
  name: string;
  image: string | null;
  role: string;
  emailVerified: boolean;
};

type SessionBody = { user: User; session: { id: string; expiresAt: string } } | null;

export async function getSession(): Promise<User | null> {
  const body = await api<SessionBody>('/api/auth/get-session');
  return body?.user ?? null;
}

export async function signUp(input: { name: string; email: string; password: string }): Promise<void> {
  await api('/api/auth/sign-up/email', { body: input });
}

export async function signIn(input: { email: string; password: string }): Promise<void> {
  await api('/api/auth/sign-in/email', { body: input });
}

export async function signOut(): Promise<void> {
  await api('/api/auth/sign-out', { body: {} });
}

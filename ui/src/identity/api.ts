// better-auth's endpoints, as the edge exposes them under /api/auth. The browser sends the
// Origin header that better-auth checks on every POST.
import type { SessionBody, SessionUser } from '../../../contracts/identity.api.ts';
import { ApiError, api } from '../lib/http.ts';

/** The signed-in person, as far as the page uses them. */
export type User = Pick<SessionUser, 'id' | 'email' | 'name' | 'image' | 'role' | 'emailVerified'>;

export async function getSession(): Promise<User | null> {
  try {
    const body = await api<SessionBody | null>('/api/auth/get-session');
    return body?.user ?? null;
  } catch (err) {
    // 401 is the edge's "nobody is signed in here": an answer, not an outage.
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/** `invite` is the token of an invite link (?invite=…); without one only the first account, an
 * allowed email domain or open sign-up gets in. */
export async function signUp(input: {
  name: string;
  email: string;
  password: string;
  invite?: string | undefined;
}): Promise<void> {
  const { invite, ...rest } = input;
  await api('/api/auth/sign-up/email', { body: invite ? { ...rest, invite } : rest });
}

export async function signIn(input: { email: string; password: string }): Promise<void> {
  await api('/api/auth/sign-in/email', { body: input });
}

export async function signOut(): Promise<void> {
  await api('/api/auth/sign-out', { body: {} });
}

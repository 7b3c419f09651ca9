// The bench's families are let in as a real one is: the first account (the admin) signs up on
// its own, everyone after through invites it makes (an invite admits at most 100 people).
const PER_INVITE = 100;
export const BENCH_PASSWORD = 'bench password 123';

/** One invite token per person, `count` people, made by the admin whose cookie this is. */
export async function inviteTokens({
  base,
  origin,
  cookie,
  count,
}: {
  base: string;
  origin: string;
  cookie: string;
  count: number;
}): Promise<string[]> {
  const tokens: string[] = [];
  for (let left = count; left > 0; left -= PER_INVITE) {
    const uses = Math.min(left, PER_INVITE);
    const res = await fetch(`${base}/api/v1/admin/invites`, {
      method: 'POST',
      headers: { cookie, origin, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'member', uses, expiresIn: '1d' }),
    });
    if (res.status !== 201) throw new Error(`invite: ${res.status} ${await res.text()}`);
    const { token } = (await res.json()) as { token: string };
    for (let i = 0; i < uses; i++) tokens.push(token);
  }
  return tokens;
}

/** The first account signs up on its own; everyone after with an invite. */
export async function signUp(base: string, origin: string, email: string, invite?: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({
      email,
      password: BENCH_PASSWORD,
      name: email.split('@')[0],
      ...(invite && { invite }),
    }),
  });
  if (res.status !== 200) throw new Error(`sign-up ${email}: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

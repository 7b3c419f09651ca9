// The bench's families are let in as a real one is: the first account (the admin) signs up on
// its own, everyone after through invites it makes (an invite admits at most 100 people).
const PER_INVITE = 100;

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

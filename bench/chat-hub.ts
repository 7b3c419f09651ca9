// The chat figures' edge: a helper process running one hub on an ephemeral port with the
// figure's own namespace and database, and family members signed up over HTTP.
import type { EdgeStart } from './chat-edge.ts';
import type { BenchContext } from './context.ts';
import { inviteTokens } from './invites.ts';
import { forkHelper, type Helper } from './ipc.ts';
import { inLanes } from './lanes.ts';

const PASSWORD = 'bench password 123';

export type EdgeProcess = {
  base: string;
  origin: string;
  call: Helper['call'];
  close: () => Promise<void>;
};

export async function startEdgeProcess(
  ctx: BenchContext,
  figure: string,
  chat?: EdgeStart['chat'],
): Promise<EdgeProcess> {
  // GC on demand, for memory per connection.
  // BENCH_EDGE_PROFILE=<dir> writes the edge's CPU profile there, to see where its time goes.
  const profile = process.env.BENCH_EDGE_PROFILE;
  const helper = forkHelper('./chat-edge.ts', [
    '--expose-gc',
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
  ]);
  try {
    const start: EdgeStart = {
      natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      databaseUrl: await ctx.database(figure),
      // The same namespace ctx.names(figure) uses, so the run's cleanup removes these streams too.
      namespace: `b${ctx.runId}${figure}`,
      ...(chat ? { chat } : {}),
    };
    const { port, origin } = await helper.call<{ port: number; origin: string }>('start', start);
    return { base: `http://127.0.0.1:${port}`, origin, call: helper.call, close: helper.close };
  } catch (err) {
    await helper.close();
    throw err;
  }
}

/**
 * Signs up `count` people on a fresh edge, the first (the admin) on its own and the others with
 * its invites, and waits until the family channel counts each of them in.
 */
export async function signUpMembers(edge: EdgeProcess, count: number, label: string): Promise<string[]> {
  const signUp = async (i: number, invite?: string) => {
    const email = `${label}${i}@bench.test`;
    const res = await fetch(`${edge.base}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { origin: edge.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD, name: `${label}${i}`, ...(invite && { invite }) }),
    });
    if (res.status !== 200) throw new Error(`sign-up ${email}: ${res.status} ${await res.text()}`);
    cookies[i] = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  };
  const cookies: string[] = [];
  await signUp(0);
  const tokens = await inviteTokens({
    base: edge.base,
    origin: edge.origin,
    cookie: cookies[0] as string,
    count: count - 1,
  });
  // Two at a time: each sign-up spends most of its time hashing the password.
  await inLanes(count - 1, 2, (i) => signUp(i + 1, tokens[i]));
  const deadline = Date.now() + 30_000;
  for (const cookie of cookies) {
    for (;;) {
      const res = await fetch(`${edge.base}/api/v1/channels`, { headers: { cookie } });
      const channels = res.ok ? ((await res.json()) as { id: string }[]) : [];
      if (channels.some((c) => c.id === 'family')) break;
      if (Date.now() > deadline) throw new Error('members did not join the family channel within 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return cookies;
}

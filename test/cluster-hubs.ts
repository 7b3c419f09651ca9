// Hub processes as a cluster runs them: each spawned on its own (edge/crash-hub.fixture.ts,
// settings from the environment as `npm start` reads them), in a role (edge or projectors),
// on one namespace and one database, given every NATS node's URL so its client fails over.
// People who sign up over HTTP and then talk to whichever edge they are given.
import { fileURLToPath } from 'node:url';
import { freePort } from '../edge/boot/infra.ts';
import { inheritedEnv } from './services.ts';
import { type Frame, openSocket, type Socket } from './sockets.ts';
import { type Spawned, spawned } from './spawned.ts';

export const PASSWORD = 'correct horse battery';
/** Every hub answers for this address, whichever port it listens on. */
export const ORIGIN = 'http://hearth.test';
/** Migrations, streams and a first lead on a busy 2-core box take seconds, not a minute. */
const LISTEN_TIMEOUT_MS = 60_000;
const FIXTURE = fileURLToPath(new URL('../edge/crash-hub.fixture.ts', import.meta.url));

export type HubProcess = {
  role: 'edge' | 'projectors';
  url: string;
  process: Spawned;
  /** SIGKILL: no checkpoint committed on the way out, no lock released but by the database. */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
};

export async function startHubProcess({
  role,
  natsUrls,
  databaseUrl,
  namespace,
  replicas,
  spawnedAs,
}: {
  role: 'edge' | 'projectors';
  natsUrls: string[];
  databaseUrl: string;
  namespace: string;
  replicas: number;
  /** Called as soon as the process is spawned, before it listens: its owner can always kill it. */
  spawnedAs?: (hub: HubProcess) => void;
}): Promise<HubProcess> {
  const port = await freePort();
  // At the production ack wait: a delivery lost with a killed node must not hide behind 1 s.
  const child = spawned(process.execPath, ['--import', 'tsx', FIXTURE, '--production-ack-wait'], {
    ...inheritedEnv(),
    NATS_URL: natsUrls.join(','),
    DATABASE_URL: databaseUrl,
    HEARTH_AUTH_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
    HEARTH_NAMESPACE: namespace,
    HEARTH_ROLE: role,
    HEARTH_STREAM_REPLICAS: String(replicas),
    HEARTH_PUBLIC_URL: ORIGIN,
    HEARTH_OPEN_SIGNUP: 'true',
    HEARTH_COMMAND_RATE_LIMIT: '100000',
    HEARTH_AUTH_RATE_LIMIT: 'off',
    PORT: String(port),
    LOG_LEVEL: 'error',
  });
  const hub: HubProcess = {
    role,
    url: `http://127.0.0.1:${port}`,
    process: child,
    kill: async () => {
      await child.stop('SIGKILL');
    },
    stop: async () => {
      await child.stop('SIGTERM');
    },
  };
  spawnedAs?.(hub);
  // A hub that never listens is killed here, not left behind.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${role} hub not listening in ${LISTEN_TIMEOUT_MS} ms`)),
      LISTEN_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([child.waitFor(/listening/), late]);
  } catch (err) {
    await hub.kill();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return hub;
}

export type Member = {
  id: string;
  email: string;
  /** A request on the given edge, with this person's session. */
  request: (
    edge: string,
    path: string,
    init?: { method?: string; body?: unknown; key?: string; signal?: AbortSignal },
  ) => Promise<Response>;
};

export async function signUp(edge: string, email: string): Promise<Member> {
  const cookies = new Map<string, string>();
  const request: Member['request'] = async (base, path, init = {}) => {
    const headers: Record<string, string> = { Origin: ORIGIN };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    if (init.key) headers['Idempotency-Key'] = init.key;
    if (cookies.size) headers.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      ...(init.signal && { signal: init.signal }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (/max-age=0\b/i.test(line) || eq === pair.length - 1) cookies.delete(pair.slice(0, eq));
      else cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  };
  const signed = await request(edge, '/api/auth/sign-up/email', {
    body: { email, password: PASSWORD, name: email.split('@')[0] },
  });
  if (!signed.ok) throw new Error(`sign-up failed: ${signed.status} ${await signed.text()}`);
  const session = await request(edge, '/api/auth/get-session');
  const { user } = (await session.json()) as { user: { id: string } };
  return { id: user.id, email, request };
}

/** Until `probe` answers something truthy; a throw counts as "not yet". */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The member's socket on `edge`, joined to the family channel, as a client keeps it: closed by
 * the edge (1012 once its NATS connection came back), it opens another and joins with
 * after_seq, the last seq it has. `frames`: every frame of every socket, in arrival order.
 */
export async function familyWatch(member: Member, edge: string) {
  const frames: Frame[] = [];
  const closes: number[] = [];
  let stopped = false;
  let current: Socket | undefined;
  const open = async (afterSeq?: number) => {
    const res = await member.request(edge, '/api/v1/ws-token', { method: 'POST' });
    const { token } = (await res.json()) as { token: string };
    const ws = await openSocket(`${edge.replace(/^http/, 'ws')}/ws?token=${token}`);
    current = ws;
    ws.ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
    ws.send({ type: 'join', channel: 'family', ...(afterSeq === undefined ? {} : { after_seq: afterSeq }) });
    await ws.waitFor((f) => f.type === 'joined');
    void ws.closed.then(async ({ code }) => {
      closes.push(code);
      if (stopped) return;
      const seqs = frames.filter((f) => f.type === 'message').map((f) => Number(f.seq));
      // Given up on (the edge gone): the frames then miss what came after, and the test says so.
      await until(() => open(Math.max(0, ...seqs)).then(() => true), 'the socket again').catch(
        () => undefined,
      );
    });
  };
  await open();
  return {
    frames,
    closes,
    stop: async () => {
      stopped = true;
      await current?.close();
    },
  };
}

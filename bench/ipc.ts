// Request/answer over a forked child's IPC channel, for the chat figures' helper processes.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Request = { id: number; cmd: string; args: unknown };
type Answer = { id: number; result?: unknown; error?: string };
type Handlers = Record<string, (args: never) => Promise<unknown>>;

export type Helper = {
  call: <T>(cmd: string, args?: unknown) => Promise<T>;
  pid: number | undefined;
  /** Disconnects; a child that has not exited within 10 s is killed. */
  close: () => Promise<void>;
};

/** Forks bench/<script> under tsx, from the repository root. */
export function forkHelper(script: string, execArgv: string[] = []): Helper {
  const child: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (m: Answer) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error !== undefined) w.reject(new Error(`${script}: ${m.error}`));
    else w.resolve(m.result);
  });
  child.once('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`${script} exited (${code ?? signal})`));
    waiting.clear();
  });
  return {
    pid: child.pid,
    call: <T>(cmd: string, args?: unknown) =>
      new Promise<T>((resolve, reject) => {
        if (!child.connected) return reject(new Error(`${script} is not running`));
        const id = next++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, args } satisfies Request);
      }),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.disconnect();
      let timer: NodeJS.Timeout | undefined;
      const gone = await Promise.race([
        exited.then(() => true),
        new Promise<false>((r) => {
          timer = setTimeout(() => r(false), 10_000);
        }),
      ]);
      clearTimeout(timer);
      if (!gone) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The child's side: answers each request with its handler's result; exits when disconnected. */
export function serveHelper(handlers: Handlers, onDisconnect: () => Promise<void> = async () => {}) {
  process.on('message', async (m: Request) => {
    const handler = handlers[m.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${m.cmd}`);
      const result = await handler(m.args as never);
      process.send?.({ id: m.id, result } satisfies Answer);
    } catch (err) {
      process.send?.({ id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  process.once('disconnect', () => {
    onDisconnect()
      .catch((err) => console.error(err))
      .finally(() => process.exit(0));
  });
}

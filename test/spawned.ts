// A program of the project's run as its users run it, its output watched as it comes.
import { type ChildProcess, spawn } from 'node:child_process';

export type Spawned = {
  child: ChildProcess;
  /** Resolves with the output so far once it matches (stdout and stderr each). */
  waitFor: (pattern: RegExp, stream?: 'stdout' | 'stderr') => Promise<string>;
  /** Sends the signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  output: () => { stdout: string; stderr: string };
};

export function spawned(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  { cwd }: { cwd?: string } = {},
): Spawned {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  // 'close', not 'exit': only then has all of its output been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  for (const name of ['stdout', 'stderr'] as const)
    child[name]?.on('data', (chunk: Buffer) => {
      out[name] += chunk.toString('utf8');
      for (const w of waiters) w();
    });
  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (pattern.test(out[stream])) {
          waiters.delete(check);
          resolve(out[stream]);
        }
      };
      waiters.add(check);
      exited.then(() => {
        if (waiters.delete(check))
          reject(new Error(`exited before ${pattern}: ${out.stdout}\n${out.stderr}`));
      });
      check();
    });
  return {
    child,
    waitFor,
    stop: async (signal = 'SIGINT') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    output: () => ({ ...out }),
  };
}

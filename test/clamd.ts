// A clamd of a test's (or the bench's) own, on a free port, knowing one signature: EICAR's,
// as a generated `.hdb` line (MD5:size:name). No freshclam, no download, nothing shared.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../edge/boot/infra.ts';
import { createScanner } from '../edge/media/scanner.ts';
import { IN_CI } from './services.ts';

export const CLAMD_BIN = '/usr/sbin/clamd';
/** clamd loads its (one-line) database and compiles its engine before it answers. */
const START_TIMEOUT_MS = 60_000;

/** The EICAR test file: harmless, and every antivirus reports it. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
/** clamd reports it as `Eicar-Test-Signature.UNOFFICIAL`: a database of our own is not signed. */
export const EICAR_SIGNATURE = 'Eicar-Test-Signature';

/** Tests that need clamd run wherever it is installed, and always in CI (where its absence fails). */
export const withoutClamd = !existsSync(CLAMD_BIN) && !IN_CI;
export const WITHOUT_CLAMD_REASON = `clamd is not installed (${CLAMD_BIN}); apt-get install clamav-daemon to run these tests`;

export type PrivateClamd = { url: string; port: number; stop: () => Promise<void> };

export async function startClamd(opts: { streamMaxLength?: string } = {}): Promise<PrivateClamd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hearth-clamd-'));
  const md5 = createHash('md5').update(EICAR).digest('hex');
  await writeFile(path.join(dir, 'eicar.hdb'), `${md5}:${EICAR.length}:${EICAR_SIGNATURE}\n`);
  const port = await freePort();
  const conf = path.join(dir, 'clamd.conf');
  await writeFile(
    conf,
    [
      'Foreground yes',
      `DatabaseDirectory ${dir}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      // clamd drops to its User; as root (CI, this machine) it stays root rather than
      // needing a clamav user that can read the temp dir.
      ...(process.getuid?.() === 0 ? ['User root'] : []),
      `StreamMaxLength ${opts.streamMaxLength ?? '25M'}`,
      'LogTime no',
      'LogVerbose no',
    ].join('\n'),
  );
  let output = '';
  const child: ChildProcess = spawn(CLAMD_BIN, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => {
    output += err.message;
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const stop = async () => {
    process.off('exit', kill);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const url = `tcp://127.0.0.1:${port}`;
  const scanner = createScanner({ url, timeoutMs: 2000 });
  const deadline = Date.now() + START_TIMEOUT_MS;
  // Asked every 100 ms until it answers PONG; not once it has exited.
  while (!(await scanner.ping())) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`clamd did not start: ${output || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, stop };
}

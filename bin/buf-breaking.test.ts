// bin/buf-breaking.sh on a repository of its own: the real schemas committed, then changed the
// way a careless commit would, with and without a release tag to compare with.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CHAT = 'contracts/proto/hearth/chat/v1/events.proto';
const POSTED = 'string content = 4 [(hearth.common.v1.personal) = true];';

let repo: string;
// Only what git and buf need: no variable of this process's own environment.
const env = (home: string, extra: Record<string, string> = {}) => ({
  PATH: `${path.resolve('node_modules/.bin')}:/usr/local/bin:/usr/bin:/bin`,
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  ...extra,
});

const git = (...args: string[]) =>
  run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@family.test', ...args], {
    cwd: repo,
    env: env(repo),
  });

/** Exit code and output of the script, in `repo` unless `at` says where (with CI set if `ci`). */
async function breaking(...args: string[]): Promise<{ code: number; output: string }> {
  return breakingIn(repo, false, ...args);
}

async function breakingIn(at: string, ci: boolean, ...args: string[]) {
  try {
    const { stdout, stderr } = await run('bash', ['bin/buf-breaking.sh', ...args], {
      cwd: at,
      env: env(at, ci ? { CI: 'true' } : {}),
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

async function edit(file: string, change: (text: string) => string) {
  const at = path.join(repo, file);
  const before = await readFile(at, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit changed nothing in ${file}`);
  await writeFile(at, after);
}

beforeAll(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'hearth-breaking-'));
  await cp('contracts/proto', path.join(repo, 'contracts/proto'), { recursive: true });
  await cp('buf.yaml', path.join(repo, 'buf.yaml'));
  await cp('bin/buf-breaking.sh', path.join(repo, 'bin/buf-breaking.sh'));
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'schemas');
});

afterAll(async () => {
  if (repo) await rm(repo, { recursive: true, force: true });
});

// Each case runs git and buf a few times; a loaded machine takes its time.
describe('buf breaking in CI', { timeout: 90_000 }, () => {
  it('passes a first commit, having nothing to compare with, and says so', async () => {
    const { code, output } = await breaking();
    expect(code).toBe(0);
    expect(output).toMatch(/nothing to compare with/);
  });

  it('passes a commit that adds a field', async () => {
    await edit(CHAT, (t) => t.replace(POSTED, `${POSTED}\n  string client_note = 99;`));
    await git('commit', '-qam', 'a new field');
    const { code, output } = await breaking();
    expect(output).toMatch(/against HEAD~1/);
    expect(code).toBe(0);
  });

  it('fails a commit that changes a published field’s type, naming it', async () => {
    await edit(CHAT, (t) => t.replace(POSTED, 'int64 content = 4 [(hearth.common.v1.personal) = true];'));
    const uncommitted = await breaking();
    expect(uncommitted.code).not.toBe(0);
    expect(uncommitted.output).toMatch(/"content".*type/i);
    await git('commit', '-qam', 'content as a number');
    const committed = await breaking();
    expect(committed.code).not.toBe(0);
    expect(committed.output).toMatch(/events\.proto/);
  });

  it('compares with the last release tag, so a break stays a break after later commits', async () => {
    await git('revert', '--no-edit', 'HEAD');
    await git('tag', 'v0.1.0');
    await edit(CHAT, (t) => t.replace(/\n {2}string client_note = 99;/, ''));
    await git('commit', '-qam', 'the new field removed');
    await edit(CHAT, (t) => t.replace(POSTED, `${POSTED}\n  string other_note = 100;`));
    await git('commit', '-qam', 'another field');
    // Against the commit before, nothing broke; against the release, client_note went.
    expect((await breaking('HEAD~1')).code).toBe(0);
    const { code, output } = await breaking();
    expect(output).toMatch(/against v0\.1\.0/);
    expect(code).not.toBe(0);
    expect(output).toMatch(/client_note/);
  });

  it('in CI, fetches a shallow clone’s history and compares; without a remote, fails', async () => {
    const shallow = await mkdtemp(path.join(tmpdir(), 'hearth-breaking-shallow-'));
    const full = await mkdtemp(path.join(tmpdir(), 'hearth-breaking-full-'));
    try {
      const clone = (to: string, ...args: string[]) =>
        run('git', ['clone', '-q', ...args, `file://${repo}`, to], { env: env(to) });
      await clone(shallow, '--depth', '1');
      await clone(full);
      const deepened = await breakingIn(shallow, true);
      expect(deepened.output).toMatch(/shallow clone; fetching its history/);
      expect(deepened.output).toMatch(/against v0\.1\.0/);
      // A clean clone has its history and tags already.
      expect((await breakingIn(full, true)).output).toMatch(/against v0\.1\.0/);

      await rm(shallow, { recursive: true, force: true });
      await clone(shallow, '--depth', '1');
      await run('git', ['remote', 'remove', 'origin'], { cwd: shallow, env: env(shallow) });
      const alone = await breakingIn(shallow, true);
      expect(alone.code).not.toBe(0);
      expect(alone.output).toMatch(/shallow clone without its history/);
      // Outside CI the same clone passes, saying why.
      const local = await breakingIn(shallow, false);
      expect(local.code).toBe(0);
      expect(local.output).toMatch(/nothing to compare with/);
    } finally {
      await rm(shallow, { recursive: true, force: true });
      await rm(full, { recursive: true, force: true });
    }
  });
});

// SHA256SUMS: one line per file of a backup, in sha256sum's format (so `sha256sum -c` checks
// it too). A restore reads it first and refuses a backup where any file differs or is missing.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const CHECKSUMS = 'SHA256SUMS';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((f) => f !== CHECKSUMS)
    .sort();
}

export async function writeChecksums(dir: string): Promise<void> {
  const lines: string[] = [];
  for (const file of await filesUnder(dir)) lines.push(`${await sha256File(path.join(dir, file))}  ${file}`);
  await writeFile(path.join(dir, CHECKSUMS), `${lines.join('\n')}\n`);
}

/** Every problem found: a file whose sum differs, one missing, one not listed. */
export async function verifyChecksums(dir: string): Promise<string[]> {
  const text = await readFile(path.join(dir, CHECKSUMS), 'utf8').catch(() => undefined);
  if (text === undefined) return [`${CHECKSUMS} is missing`];
  const listed = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match?.[1] && match[2]) listed.set(match[2], match[1]);
  }
  const problems: string[] = [];
  const present = await filesUnder(dir);
  for (const file of present) if (!listed.has(file)) problems.push(`${file}: not in ${CHECKSUMS}`);
  for (const [file, sum] of listed) {
    if (!present.includes(file)) problems.push(`${file}: missing`);
    else if ((await sha256File(path.join(dir, file))) !== sum) problems.push(`${file}: checksum differs`);
  }
  return problems;
}

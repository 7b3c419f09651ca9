// While a hub runs, <dataDir>/runtime.json tells the CLI where its NATS and Postgres are
// (they may be servers the hub started itself on free ports).
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type RuntimeFile = {
  pid: number;
  natsUrl: string;
  databaseUrl: string;
  namespace: string;
  /** The URL people open: links the CLI prints (an invite's) point there. */
  publicUrl?: string;
};

export async function writeRuntimeFile(dataDir: string, info: RuntimeFile): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'runtime.json');
  await writeFile(file, JSON.stringify(info), { mode: 0o600 });
  return () => rm(file, { force: true });
}

export async function readRuntimeFile(dataDir: string): Promise<RuntimeFile | null> {
  try {
    const info = JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8')) as RuntimeFile;
    process.kill(info.pid, 0); // throws when that hub is gone
    return info;
  } catch {
    return null;
  }
}

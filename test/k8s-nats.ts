// What test/k8s.test.ts asks of NATS in a rendered overlay: the same HUB and INTEGRATORS
// accounts as deploy/nats/nats.conf (the one compose runs and deploy/nats/nats.int.test.ts
// proves), every password from a Secret, and the hubs signing in as HUB's user with HUB's password.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { K8sObject, PodSpec } from './kustomize.ts';
import { podSpecs } from './kustomize.ts';

type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
};
type WithEnv = { name: string; env?: EnvVar[] };

/** The `accounts { … }` block of a NATS configuration, comments and layout left out. */
export function accountsBlock(conf: string): string {
  const start = conf.search(/^\s*accounts\s*\{/m);
  if (start < 0) return '';
  const text = conf
    .slice(start)
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean)
    .join(' ');
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(0, i + 1).replace(/\s+/g, ' ');
  }
  return text;
}

export function natsConfOf(objects: K8sObject[]): string {
  const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'nats-config');
  return ((map?.data ?? {}) as Record<string, string>)['nats.conf'] ?? '';
}

function containers(objects: K8sObject[], workload: string): WithEnv[] {
  const spec = podSpecs(objects).find((p) => p.workload.metadata.name === workload)?.spec as
    | PodSpec
    | undefined;
  return (spec?.containers ?? []) as unknown as WithEnv[];
}

const secretOf = (env: EnvVar[] | undefined, name: string) =>
  env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;

/** Everything that is not as it should be, in words; empty when all is well. */
export function natsAccountProblems(objects: K8sObject[], source: string): string[] {
  const problems: string[] = [];
  const conf = natsConfOf(objects);
  if (!accountsBlock(source)) problems.push('deploy/nats/nats.conf has no accounts block');
  if (accountsBlock(conf) !== accountsBlock(source))
    problems.push('nats-config’s accounts differ from deploy/nats/nats.conf’s');
  const nats = containers(objects, 'nats').find((c) => c.name === 'nats');
  for (const ref of new Set(accountsBlock(conf).match(/\$NATS_\w+/g) ?? [])) {
    const secret = secretOf(nats?.env, ref.slice(1));
    if (!secret) problems.push(`the nats container takes ${ref} from no Secret`);
  }
  const hubUser = accountsBlock(conf).match(/\{ user: (\S+), password: \$NATS_HUB_PASSWORD \}/)?.[1];
  const hubSecret = secretOf(nats?.env, 'NATS_HUB_PASSWORD');
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'hearth-config');
  const user = (config?.data as Record<string, string> | undefined)?.NATS_USER;
  if (!hubUser || user !== hubUser)
    problems.push(`hearth-config’s NATS_USER is ${user}, not HUB’s ${hubUser}`);
  for (const workload of ['hearth-edge', 'hearth-projectors']) {
    const hub = containers(objects, workload)[0];
    const secret = secretOf(hub?.env, 'NATS_PASSWORD');
    if (!secret || !hubSecret || secret.name !== hubSecret.name || secret.key !== hubSecret.key)
      problems.push(`${workload}’s NATS_PASSWORD is not the Secret key NATS_HUB_PASSWORD comes from`);
  }
  return problems;
}

/** A password as the READMEs make one: `p$(openssl rand -hex 24)`. */
export const recipePassword = () => `p${randomBytes(24).toString('hex')}`;

/**
 * `nats-server -t`: does the server accept the configuration, with exactly the variables its
 * container's env provides (values from `value`)? Returns its output when it does not.
 */
export async function natsServerRefuses(
  objects: K8sObject[],
  bin: string,
  value: (name: string) => string = recipePassword,
): Promise<string | undefined> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hearth-k8s-nats-'));
  try {
    const file = path.join(dir, 'nats.conf');
    await writeFile(file, natsConfOf(objects));
    const nats = containers(objects, 'nats').find((c) => c.name === 'nats');
    const env = Object.fromEntries((nats?.env ?? []).map((e) => [e.name, value(e.name)]));
    const run = spawnSync(bin, ['-t', '-c', file], { env, encoding: 'utf8' });
    return run.status === 0 ? undefined : `${run.stdout}${run.stderr}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * nats-server parses a `$VAR`'s value as a configuration value, and a quoted "$VAR" is the
 * literal text: a hex password such as 3e7a… reads as a number and is refused, so every
 * recipe for a NATS password must start with a letter. The recipes that do not, by line.
 */
export function passwordRecipeProblems(files: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [file, text] of Object.entries(files))
    text.split('\n').forEach((line, i) => {
      if (!/NATS_\w*PASSWORD|-password=/.test(line)) return;
      for (const m of line.matchAll(/(.)\$\(openssl rand -hex/g))
        if (!/[a-z]/i.test(m[1] ?? '')) problems.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  return problems;
}

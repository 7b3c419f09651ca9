// Renders deploy/k8s overlays: with `kubectl kustomize` where kubectl is installed, else with the
// small subset of kustomize the overlays use (resources, namespace, labels, images, replicas,
// strategic-merge patches whose lists of containers merge by name). The overlays stay within
// that subset; test/k8s.test.ts checks both renderings agree where kubectl is present.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
};

type Kustomization = {
  namespace?: string;
  resources?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
  images?: { name: string; newTag?: string; newName?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path: string }[];
};

export const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

const run = promisify(execFile);

export async function renderWithKubectl(dir: string): Promise<K8sObject[]> {
  if (!KUBECTL) throw new Error('kubectl is not installed');
  const { stdout } = await run(KUBECTL, ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 });
  return parseDocs(stdout);
}

const parseDocs = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((d): d is K8sObject => d !== null);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Strategic merge as the overlays use it: maps merge deeply, lists of named items by name. */
export function merge(base: unknown, patch: unknown): unknown {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = k in base ? merge(base[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && patch.every((p) => isObject(p) && 'name' in p)) {
    const out = [...base];
    for (const p of patch as Record<string, unknown>[]) {
      const i = out.findIndex((b) => isObject(b) && b.name === p.name);
      if (i >= 0) out[i] = merge(out[i], p);
      else out.push(p);
    }
    return out;
  }
  return patch;
}

export async function renderWithSubset(dir: string): Promise<K8sObject[]> {
  const k = (await import('yaml')).parse(
    await readFile(join(dir, 'kustomization.yaml'), 'utf8'),
  ) as Kustomization;
  let objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const path = join(dir, r);
    objects.push(
      ...(existsSync(join(path, 'kustomization.yaml'))
        ? await renderWithSubset(path)
        : parseDocs(await readFile(path, 'utf8'))),
    );
  }
  for (const { path } of k.patches ?? []) {
    for (const patch of parseDocs(await readFile(join(dir, path), 'utf8'))) {
      objects = objects.map((o) =>
        o.kind === patch.kind && o.metadata.name === patch.metadata.name ? (merge(o, patch) as K8sObject) : o,
      );
    }
  }
  for (const { name, count } of k.replicas ?? [])
    for (const o of objects)
      if (o.metadata.name === name && o.spec && 'replicas' in o.spec) o.spec.replicas = count;
  for (const image of k.images ?? [])
    for (const c of podSpecs(objects).flatMap(({ spec }) => [
      ...spec.containers,
      ...(spec.initContainers ?? []),
    ])) {
      const [name, tag] = c.image.split(/:(?=[^/]+$)/);
      if (name === image.name) c.image = `${image.newName ?? name}:${image.newTag ?? tag}`;
    }
  for (const { pairs } of k.labels ?? [])
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...pairs };
  if (k.namespace) for (const o of objects) o.metadata.namespace = k.namespace;
  return objects;
}

export type Container = {
  name: string;
  image: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
};
export type Probe = {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
  tcpSocket?: { port: string | number };
};
export type PodSpec = {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
  initContainers?: Container[];
};

/** Each Deployment's and StatefulSet's pod template. */
export function podSpecs(objects: K8sObject[]): { workload: K8sObject; spec: PodSpec }[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((workload) => ({
      workload,
      spec: (workload.spec as { template: { spec: PodSpec } }).template.spec,
    }));
}

export const overlayDir = (name: string) =>
  join(dirname(new URL(import.meta.url).pathname), '..', 'deploy', 'k8s', 'overlays', name);

// Kubernetes objects checked against the API's own schemas (kubernetes-models, generated from
// the OpenAPI of Kubernetes and of the Prometheus operator's CRDs). Kinds with no model here
// (CloudNativePG's Cluster) are returned as skipped, for the caller to say so.
import type { K8sObject } from './kustomize.ts';

type Model = new (data: unknown) => { validate: () => void };

function modulePath(o: K8sObject): string | undefined {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  if (group === 'monitoring.coreos.com')
    return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${o.kind}`;
  if (group === '') return `kubernetes-models/${version}/${o.kind}`;
  if (group?.includes('.') && !group.endsWith('.k8s.io')) return undefined;
  return `kubernetes-models/${group}/${version}/${o.kind}`;
}

export async function validateAll(
  objects: K8sObject[],
): Promise<{ checked: number; skipped: string[]; errors: string[] }> {
  let checked = 0;
  const skipped: string[] = [];
  const errors: string[] = [];
  for (const o of objects) {
    const where = `${o.kind}/${o.metadata.name}`;
    const path = modulePath(o);
    const model = path
      ? ((await import(path).catch(() => undefined)) as Record<string, Model> | undefined)?.[o.kind]
      : undefined;
    if (!model) {
      skipped.push(where);
      continue;
    }
    try {
      new model(o).validate();
      checked++;
    } catch (err) {
      errors.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { checked, skipped, errors };
}

// The audit log in one hub process: its read model (one projection per stream) and the
// viewer's routes. The refusals and the hash chain wire their own parts (refusals.ts, chain.ts).
import type { Hono } from 'hono';
import { auditLogProjections } from '../../projectors/audit-log/projection.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { auditRoutes } from './routes.ts';

export type AuditModule = {
  projections: Projector[];
  routes: (deps: HubDeps) => Hono<HubEnv>;
};

export function auditModule(): AuditModule {
  return { projections: auditLogProjections, routes: auditRoutes };
}

// The audit log in one hub process: its read model (one projection per stream) and the
// viewer's routes. The refusals and the hash chain wire their own parts (refusals.ts, chain.ts).
import type { Hono } from 'hono';
import { auditLogProjections } from '../../projectors/audit-log/projection.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { startAuditUpkeep } from './maintenance.ts';
import { auditRoutes } from './routes.ts';

export type AuditModule = {
  projections: Projector[];
  routes: (deps: HubDeps) => Hono<HubEnv>;
  /** The read model's upkeep: a rebuild when the marked fields changed, expired entries deleted. */
  start: (deps: Pick<HubDeps, 'db' | 'log' | 'projectors' | 'logger'>) => void;
  stop: () => Promise<void>;
};

export function auditModule(): AuditModule {
  let upkeep: { stop: () => Promise<void> } | undefined;
  return {
    projections: auditLogProjections,
    routes: auditRoutes,
    start: (deps) => {
      upkeep ??= startAuditUpkeep(deps);
    },
    stop: async () => {
      await upkeep?.stop();
      upkeep = undefined;
    },
  };
}

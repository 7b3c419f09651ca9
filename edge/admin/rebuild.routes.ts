// Rebuilds of read models: start one (verified against the live version before it switches),
// follow its progress as server-sent events, cancel it. A mismatch is a finished rebuild that
// did not switch; its report names the differing rows. `acceptDifferences` on the start is
// the only way to switch over a difference: it is for a rules change, decided up front.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { rebuildStartBody } from '../../contracts/admin.schema.ts';
import { commonErrors } from '../../contracts/errors.ts';
import { isActive } from '../../projectors/runtime/rebuild-status.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS } from '../http/permissions.ts';
import { requestLogger } from '../http/request-id.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';

/** How often the event stream looks at the rebuild's row (any process may be running it). */
const TICK_MS = 250;

export function rebuildRoutes(deps: HubDeps): Hono<HubEnv> {
  const { auth, projectors } = deps;
  const app = new Hono<HubEnv>();
  const known = (name: string) => {
    if (!projectors.names().includes(name)) throw commonErrors.notFound(`No read model named ${name}.`);
    return name;
  };

  app.post(
    '/admin/read-models/:name/rebuild',
    requirePermission(auth, PERMISSIONS.rebuildReadModels),
    jsonBody(rebuildStartBody),
    async (c) => {
      const name = known(c.req.param('name'));
      const current = await projectors.rebuildStatus(name);
      if (current && isActive(current.status)) {
        throw commonErrors.conflict(`A rebuild of ${name} is already running.`);
      }
      const { acceptDifferences = false } = c.req.valid('json');
      // Runs in the background; its progress is polled from the GET or followed on /events.
      // The answer waits for its claim, so it reports this rebuild, and what refuses it before
      // (not rebuildable, one already running) is this request's error.
      await new Promise<void>((claimed, refused) => {
        projectors.rebuild(name, { acceptDifferences, onClaimed: claimed }).then(
          () => claimed(),
          (err: unknown) => {
            refused(err);
            requestLogger(c).error({ err, readModel: name }, 'rebuild failed');
          },
        );
      });
      return c.json(
        (await projectors.rebuildStatus(name)) ?? { readModel: name, status: 'running', acceptDifferences },
        202,
      );
    },
  );

  app.get(
    '/admin/read-models/:name/rebuild',
    requirePermission(auth, PERMISSIONS.readReadModels),
    async (c) => {
      const status = await projectors.rebuildStatus(known(c.req.param('name')));
      if (!status) throw commonErrors.notFound('This read model has never been rebuilt.');
      return c.json(status);
    },
  );

  app.post(
    '/admin/read-models/:name/rebuild/cancel',
    requirePermission(auth, PERMISSIONS.rebuildReadModels),
    async (c) => {
      const name = known(c.req.param('name'));
      await projectors.cancelRebuild(name);
      return c.json((await projectors.rebuildStatus(name)) ?? { readModel: name }, 202);
    },
  );

  app.get(
    '/admin/read-models/:name/rebuild/events',
    requirePermission(auth, PERMISSIONS.readReadModels),
    async (c) => {
      const name = known(c.req.param('name'));
      if (!(await projectors.rebuildStatus(name)))
        throw commonErrors.notFound('This read model has never been rebuilt.');
      // One `progress` event per change, the last once the rebuild has ended; then it closes.
      return streamSSE(c, async (stream) => {
        let closed = false;
        stream.onAbort(() => {
          closed = true;
        });
        let sent = '';
        let id = 0;
        while (!closed) {
          const status = await projectors.rebuildStatus(name);
          if (!status) break;
          const data = JSON.stringify(status);
          if (data !== sent) {
            sent = data;
            await stream.writeSSE({ event: 'progress', data, id: String(++id) });
          }
          if (!isActive(status.status)) break;
          await stream.sleep(TICK_MS);
        }
      });
    },
  );

  return app;
}

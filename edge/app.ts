// createApp(deps) → Hono. Thin: it authenticates, validates and translates; writers decide.
import { Hono, type MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { commonErrors } from '../contracts/errors.ts';
import { inspectRoutes } from './admin/inspect.routes.ts';
import { lineageRoutes } from './admin/lineage.routes.ts';
import { adminRoutes } from './admin/routes.ts';
import { recordRefusedAuth, recordRefusedCommands } from './audit/refusals-http.ts';
import { limitBody } from './http/body-limit.ts';
import { clientIp, relayClientIp } from './http/client-address.ts';
import { originScope } from './http/command.ts';
import type { HubEnv } from './http/context.ts';
import type { HubDeps } from './http/deps.ts';
import { notFound, onError } from './http/errors.ts';
import { opsOnly } from './http/ops.ts';
import { trustedOriginsOnly } from './http/origin.ts';
import { commandRateLimit } from './http/rate-limit.ts';
import { readiness } from './http/ready.ts';
import { requestId } from './http/request-id.ts';
import { securityHeaders } from './http/security.ts';
import { requireSession } from './http/session.ts';
import { serveSpa } from './http/static.ts';
import { secureCookiesOverTls } from './http/tls.ts';
import { traceRequests } from './http/tracing.ts';
import { storableAuthInput, storablePath } from './http/validate.ts';
import { STREAMED_UPLOADS } from './media/index.ts';

/** `people: false` (HEARTH_ROLE=projectors): only /health, /ready and /metrics are served. */
export function createApp(deps: HubDeps, { people = true }: { people?: boolean } = {}): Hono<HubEnv> {
  const app = new Hono<HubEnv>();
  app.onError(onError);
  app.notFound(notFound);
  app.use(requestId(deps.logger));
  // Only the API is traced: probes, metrics scrapes and the SPA's files would be noise.
  app.use('/api/*', traceRequests(deps.config.trustedProxies));
  app.use(accessLog);
  app.use(deps.metrics.middleware);
  app.use(securityHeaders(deps.config.trustedProxies));

  // Liveness: 200 while the process can answer, draining for a stop included. A 503 here would
  // have an orchestrator kill the process mid-drain, cutting the requests it waits for.
  app.get('/health', (c) => c.json({ status: 'ok' }));
  const ops = opsOnly(deps.config.opsToken);
  app.get('/ready', ops, async (c) => {
    // Stopping: not ready at once, whatever the services say, so a load balancer sends nobody
    // new here while what is in flight finishes.
    if (deps.draining())
      return c.json({ ready: false, checks: { shutdown: { ok: false, detail: 'stopping' } } }, 503);
    const report = await readiness(deps);
    return c.json(report, report.ready ? 200 : 503);
  });
  app.get('/metrics', ops, async (c) =>
    c.text(await deps.metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' }),
  );
  if (!people) return app;

  app.use('/api/*', clientIp(deps.config.trustedProxies));
  app.use('/api/*', originScope(deps.auth));
  app.use('/api/*', secureCookiesOverTls(deps.config.trustedProxies));
  app.use('/api/*', trustedOriginsOnly(deps.config.trustedOrigins));
  // An upload streams its multipart body to disk under its own limits (edge/media/multipart.ts).
  app.use('/api/*', except(STREAMED_UPLOADS, limitBody(deps.config.bodyLimitBytes)));
  app.use('/api/auth/*', relayClientIp());
  app.use('/api/auth/*', storableAuthInput);
  app.use('/api/auth/*', recordRefusedAuth(deps.refused));
  app.on(['GET', 'POST'], '/api/auth/*', (c) => deps.auth.handler(c.req.raw));

  // An API key authenticates these and nothing else; a session none of them.
  for (const routes of deps.keyRoutes ?? []) app.route('/api/v1', routes);

  const api = new Hono<HubEnv>();
  api.use(except(STREAMED_UPLOADS, jsonOnly));
  api.use(requireSession(deps.auth));
  api.use(recordRefusedCommands(deps.refused));
  api.use(storablePath);
  api.use(commandRateLimit({ ...deps.config.commandRateLimit, notCommands: ['/api/v1/ws-token'] }));
  api.route('/', adminRoutes(deps));
  api.route('/', inspectRoutes(deps));
  api.route('/', lineageRoutes(deps));
  for (const routes of deps.apiRoutes) api.route('/', routes);
  app.route('/api/v1', api);
  // Last: the SPA answers only what no route above did.
  app.get('*', serveSpa());
  return app;
}

const accessLog = createMiddleware<HubEnv>(async (c, next) => {
  const start = performance.now();
  await next();
  c.get('rootLogger').info(
    {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - start),
    },
    'request',
  );
});

/** A middleware skipped on the given paths. */
function except(
  paths: ReadonlySet<string>,
  middleware: MiddlewareHandler<HubEnv>,
): MiddlewareHandler<HubEnv> {
  return createMiddleware<HubEnv>(async (c, next) => (paths.has(c.req.path) ? next() : middleware(c, next)));
}

/** Commands are JSON; anything else with a body is refused before it is parsed. */
const jsonOnly = createMiddleware<HubEnv>(async (c, next) => {
  const type = c.req.header('Content-Type');
  const length = c.req.header('Content-Length');
  const hasBody =
    type !== undefined ||
    c.req.header('Transfer-Encoding') !== undefined ||
    (length !== undefined && length !== '0');
  if (c.req.method !== 'GET' && hasBody && !/^application\/json\b/i.test(type ?? '')) {
    throw commonErrors.unsupportedMediaType();
  }
  await next();
});

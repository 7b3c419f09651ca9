// The HTTP server span: one per request while tracing is on, the parent of everything the
// request does (the append, its statements). It continues the caller's trace when the request
// carries a well-formed traceparent. Named by the route's pattern, never by the path.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { createMiddleware } from 'hono/factory';
import { inSpan, remoteParent, tracingOn } from '../../writers/log/tracing.ts';
import type { HubEnv } from './context.ts';
import { routeOf } from './metrics.ts';

export const traceRequests = createMiddleware<HubEnv>(async (c, next) => {
  if (!tracingOn()) return next();
  const method = c.req.method;
  const options = {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': method,
      'url.path': c.req.path,
      'hearth.request_id': c.get('requestId'),
    },
  };
  await inSpan(method, options, remoteParent(c.req.header('traceparent')), async (span) => {
    await next();
    const route = routeOf(c);
    const status = c.res.status;
    span.updateName(`${method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  });
});

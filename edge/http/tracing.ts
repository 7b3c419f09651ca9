// The HTTP server span: one per request while tracing is on, the parent of everything the
// request does (the append, its statements). Named by the route's pattern; the raw path (ids,
// whatever a client typed) is never recorded.
//
// A caller's traceparent is honoured only when the peer is a trusted proxy (loopback and
// HEARTH_TRUSTED_PROXIES, as clientIp decides), or the request was made in-process (tests).
// From anyone else it is ignored and the request starts a trace of its own: otherwise any
// client could pick trace ids and, with its sampled flag, force a parent-based sampler to
// keep its traces. (A sampler that re-decides remote parents would not do: the ratio sampler
// decides on the trace id, which the client chooses.)
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { createMiddleware } from 'hono/factory';
import { inSpan, remoteParent, tracingOn } from '../../writers/log/tracing.ts';
import { peerAddress, trustedBy } from './client-address.ts';
import type { HubEnv } from './context.ts';
import { routeOf } from './metrics.ts';

export function traceRequests(trustedProxies: string[], { trustLoopback = true } = {}) {
  const trusted = trustedBy([...(trustLoopback ? ['loopback'] : []), ...trustedProxies]);
  return createMiddleware<HubEnv>(async (c, next) => {
    if (!tracingOn()) return next();
    const method = c.req.method;
    const options = {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'hearth.request_id': c.get('requestId') },
    };
    // The peer is looked at only when there is a traceparent to trust or not.
    const header = c.req.header('traceparent');
    const peer = header === undefined ? undefined : peerAddress(c);
    const caller = header !== undefined && (peer === undefined || trusted(peer)) ? header : undefined;
    await inSpan(method, options, remoteParent(caller), async (span) => {
      await next();
      const route = routeOf(c);
      const status = c.res.status;
      span.updateName(`${method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    });
  });
}

// Forged requests: a page on another origin (another port, a sibling subdomain) rides the
// session cookie whatever its SameSite. A browser says where a request comes from, in Origin
// or at least Sec-Fetch-Site; a request with neither is not a browser's (an integrator, the
// CLI, a family service forwarding a cookie) and stands on its credentials alone.
//
// hono/csrf does not fit: it checks form content types only, lets either header vouch for the
// other, and refuses a request that has neither.
import { createMiddleware } from 'hono/factory';
import { defineErrors } from '../../contracts/errors.ts';
import type { HubEnv } from './context.ts';

export const originErrors = defineErrors('', {
  forbiddenOrigin: { status: 403, message: 'This request came from a page this hub does not trust.' },
});

/** What a browser sent about where a request comes from. */
export type Provenance = { origin: string | null | undefined; secFetchSite: string | null | undefined };

/** Same-origin fetches and what the person typed or bookmarked ('none'); nothing cross-site. */
const TRUSTED_SITES = new Set(['same-origin', 'none']);

/** Whether a request may change state, judged by its Origin, else its Sec-Fetch-Site. */
export function provenanceCheck(trustedOrigins: string[]): (from: Provenance) => boolean {
  const trusted = new Set(trustedOrigins.map((o) => new URL(o).origin));
  return ({ origin, secFetchSite }) => {
    if (origin !== null && origin !== undefined) return trusted.has(origin);
    if (secFetchSite !== null && secFetchSite !== undefined) return TRUSTED_SITES.has(secFetchSite);
    return true;
  };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Refuses a state-changing request that a browser says came from an untrusted page: 403 forbidden_origin. */
export function trustedOriginsOnly(trustedOrigins: string[]) {
  const allowed = provenanceCheck(trustedOrigins);
  return createMiddleware<HubEnv>(async (c, next) => {
    if (
      STATE_CHANGING.has(c.req.method) &&
      !allowed({ origin: c.req.header('Origin'), secFetchSite: c.req.header('Sec-Fetch-Site') })
    ) {
      throw originErrors.forbiddenOrigin();
    }
    await next();
  });
}

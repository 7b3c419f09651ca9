// The family's own settings: its name (every member may read it) and its sign-up policy, which
// admins set as commands on the family aggregate. The hub's settings are the policy until an
// admin chooses one.
import { Hono } from 'hono';
import type { FamilyName, FamilySaved, FamilySettings, SignUpMode } from '../../contracts/identity.api.ts';
import { familyBody } from '../../contracts/identity.schema.ts';
import { IDENTITY_FAMILY } from '../../projectors/identity-family/projection.ts';
import { storedFamily } from '../../projectors/identity-family/queries.ts';
import type { IdentityWriter } from '../../writers/identity/commands.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import { edgeIdentityErrors } from './errors.ts';
import { hubSignUp, type RegistrationPolicy } from './registration.ts';
import { APPLY_TIMEOUT_MS } from './routes.ts';

export function familyRoutes({
  deps,
  writer,
  policy,
  mailConfigured,
}: {
  deps: HubDeps;
  writer: IdentityWriter;
  /** Without mail, nothing proves an address is its owner's: a domain would let anyone in. */
  mailConfigured: boolean;
  /** The hub's own sign-up settings: the defaults. */
  policy: RegistrationPolicy;
}): Hono<HubEnv> {
  const { auth, projectors } = deps;
  const app = new Hono<HubEnv>();
  const manage = requirePermission(auth, PERMISSIONS.manageFamily);
  const after = readAfter(projectors, IDENTITY_FAMILY);

  app.get('/family', after, async (c) => {
    const { name } = await storedFamily(deps.db);
    return c.json({ name } satisfies FamilyName);
  });

  app.get('/admin/family', manage, after, async (c) => {
    const stored = await storedFamily(deps.db);
    const signUp = stored.signUp ?? hubSignUp(policy);
    return c.json({
      name: stored.name,
      signUp: { mode: signUp.mode as SignUpMode, domains: signUp.domains },
      signUpFromHubSettings: stored.signUp === null,
      mailConfigured,
    } satisfies FamilySettings);
  });

  app.put('/admin/family', manage, jsonBody(familyBody), async (c) => {
    const body = c.req.valid('json');
    if (body.signUp?.mode === 'domains' && !mailConfigured) throw edgeIdentityErrors.domainsNeedMail();
    const { seq } = await writer.changeFamily(
      {
        name: body.name,
        signUp: body.signUp && { mode: body.signUp.mode, domains: body.signUp.domains ?? [] },
      },
      commandMeta(c, body),
    );
    const applied = await projectors.waitFor(IDENTITY_FAMILY, seq, APPLY_TIMEOUT_MS);
    return c.json({ seq } satisfies FamilySaved, applied ? 200 : 202);
  });

  return app;
}

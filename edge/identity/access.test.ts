import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../http/permissions.ts';
import { can } from './access.ts';

const all = Object.entries(PERMISSIONS);

describe('the roles', () => {
  it.each(all)('grant admin %s', (_name, permission) => expect(can('admin', permission)).toBe(true));

  it.each(['member', 'child'])('grant %s nothing admin-like', (role) => {
    for (const [name, permission] of all) expect(can(role, permission), name).toBe(false);
  });

  it.each(['owner', 'Admin', '', 'constructor', '__proto__', 'toString', 'admin,member'])(
    'grant the unknown role %j nothing',
    (role) => {
      for (const [, permission] of all) expect(can(role, permission)).toBe(false);
    },
  );

  it('grants nothing for an empty permission or an unknown resource', () => {
    expect(can('admin', {})).toBe(false);
    expect(can('admin', { vault: ['open'] })).toBe(false);
    expect(can('admin', { user: ['fly'] })).toBe(false);
  });
});

// Roles as the admin plugin's access control states them, built from the one list of
// statements and grants every route checks (edge/http/permissions.ts).
import { createAccessControl } from 'better-auth/plugins/access';
import type { Permission } from '../http/deps.ts';
import { grants, statements } from '../http/permissions.ts';

export const ac = createAccessControl(statements);

export const roles = {
  admin: ac.newRole(grants.admin),
  member: ac.newRole(grants.member),
  child: ac.newRole(grants.child),
};

type RoleName = keyof typeof roles;

function isRoleName(role: string): role is RoleName {
  return Object.hasOwn(roles, role);
}

/** An unknown role is granted nothing, and so is an empty permission. */
export function can(role: string, permission: Permission): boolean {
  if (!isRoleName(role) || Object.keys(permission).length === 0) return false;
  const request = permission as Parameters<(typeof roles)[RoleName]['authorize']>[0];
  return roles[role].authorize(request).success;
}

// Command bodies of the identity routes (edge/identity.routes.ts), checked before anything is decided.
import type { JSONSchemaType } from 'ajv';

export type SetRoleBody = { role: string };
// Any string: an unknown role is the decider's refusal (identity.unknown_role), not a schema error.
export const setRoleBody: JSONSchemaType<SetRoleBody> = {
  type: 'object',
  properties: { role: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['role'],
  additionalProperties: false,
};

export type BanBody = { reason?: string; expiresAt?: string };
export const banBody: JSONSchemaType<BanBody> = {
  type: 'object',
  properties: {
    reason: { type: 'string', nullable: true, maxLength: 500 },
    expiresAt: { type: 'string', nullable: true, format: 'date-time' },
  },
  additionalProperties: false,
};

/**
 * POST /api/v1/admin/members/:id/erase: who asked for the erasure (the member, or a parent on
 * their behalf: a member id of the family) and when, in Unix ms (default: now; never later).
 */
export type EraseMemberBody = { requestedBy: string; requestedAtMs?: number };
export const eraseMemberBody: JSONSchemaType<EraseMemberBody> = {
  type: 'object',
  properties: {
    requestedBy: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' },
    requestedAtMs: { type: 'integer', nullable: true, minimum: 0, maximum: 8_640_000_000_000_000 },
  },
  required: ['requestedBy'],
  additionalProperties: false,
};

export type UpdateProfileBody = { name?: string; image?: string | null };
export const updateProfileBody: JSONSchemaType<UpdateProfileBody> = {
  type: 'object',
  properties: {
    name: { type: 'string', nullable: true, minLength: 1, maxLength: 100, pattern: '\\S' },
    // An avatar is fetched by browsers: web URLs only, never javascript: or data:.
    image: { type: 'string', nullable: true, format: 'uri', maxLength: 2048, pattern: '^https?://' },
  },
  minProperties: 1,
  additionalProperties: false,
};

export type ChangePasswordBody = {
  currentPassword: string;
  newPassword: string;
  revokeOtherSessions?: boolean;
};
export const changePasswordBody: JSONSchemaType<ChangePasswordBody> = {
  type: 'object',
  properties: {
    currentPassword: { type: 'string', minLength: 1, maxLength: 128 },
    newPassword: { type: 'string', minLength: 8, maxLength: 128 },
    revokeOtherSessions: { type: 'boolean', nullable: true },
  },
  required: ['currentPassword', 'newPassword'],
  additionalProperties: false,
};

export type ListUsersQuery = { after?: string };
export const listUsersQuery: JSONSchemaType<ListUsersQuery> = {
  type: 'object',
  properties: { after: { type: 'string', nullable: true, pattern: '^[0-9]{1,15}$' } },
  additionalProperties: false,
};

export type CreateInviteBody = { role: string; expiresIn?: string; uses?: number };
export const createInviteBody: JSONSchemaType<CreateInviteBody> = {
  type: 'object',
  properties: {
    // Any string: an unknown role is the decider's refusal (identity.unknown_role).
    role: { type: 'string', minLength: 1, maxLength: 64 },
    // Minutes, hours or days: 30m, 12h, 7d (the default). The decider keeps it within 90 days.
    expiresIn: { type: 'string', nullable: true, pattern: '^[1-9][0-9]{0,5}[mhd]$' },
    uses: { type: 'integer', nullable: true, minimum: 1, maximum: 100 },
  },
  required: ['role'],
  additionalProperties: false,
};

export type FamilyBody = { name?: string; signUp?: { mode: string; domains?: string[] } };
export const familyBody: JSONSchemaType<FamilyBody> = {
  type: 'object',
  properties: {
    name: { type: 'string', nullable: true, minLength: 1, maxLength: 80, pattern: '\\S' },
    signUp: {
      type: 'object',
      nullable: true,
      properties: {
        // Any string: an unknown mode is the decider's refusal (identity.unknown_sign_up_mode).
        mode: { type: 'string', minLength: 1, maxLength: 16 },
        domains: { type: 'array', nullable: true, maxItems: 20, items: { type: 'string', maxLength: 253 } },
      },
      required: ['mode'],
      additionalProperties: false,
    },
  },
  minProperties: 1,
  additionalProperties: false,
};

// What the identity routes answer (edge/identity/*.routes.ts, and GET /api/auth/get-session,
// which the edge answers itself so other family services can validate sessions against a
// body that never changes under them). Types only.

/** The signed-in person, as GET /api/auth/get-session and GET /api/v1/me show them. */
export type SessionUser = {
  id: string;
  email: string;
  name: string;
  image: string | null;
  role: string;
  emailVerified: boolean;
  banned: boolean;
  createdAt: string;
  updatedAt: string;
};

/** GET /api/auth/get-session: exactly these keys (401 with both null when signed out). */
export type SessionBody = {
  user: SessionUser;
  session: {
    id: string;
    userId: string;
    expiresAt: string;
    ipAddress: string | null;
    userAgent: string | null;
  };
};

/**
 * GET /api/v1/me/permissions: what the caller's role may do, read from the one table every
 * route checks (edge/http/permissions.ts), as "resource.action" (chat.create, play.manage,
 * user.ban). The UI offers a control only when its permission is here.
 */
export type MyPermissions = { role: string; granted: string[] };

/**
 * GET /api/v1/people: the family directory every member may read. No emails, nobody banned.
 * An erased member (their personal data erased on request) is listed with no name or image.
 */
export type Person = { id: string; name: string; image: string | null; role: string; erased: boolean };

/** GET /api/v1/admin/users: every account, for the admin. */
export type AdminUser = {
  id: string;
  email: string;
  name: string;
  image: string | null;
  role: string;
  banned: boolean;
  bannedUntil: string | null;
  /** What the admin gave as the ban's reason (null when not banned). */
  banReason: string | null;
  registeredAt: string;
  lastSignInAt: string | null;
  signInCount: number;
  /** When their personal data was erased on request (email, name and image are then empty); null if never. */
  erasedAt: string | null;
};

/**
 * An admin command's answer (role, ban, unban, revoke): the stream sequence of its event.
 * 200 once its effect is applied (a ban has ended the sessions), 202 while it is on its way.
 */
export type Accepted = { seq: number };

/** POST /api/v1/admin/users/:id/sessions/revoke: how many sessions were ended. */
export type SessionsRevoked = { seq: number; revoked: number };

/** PATCH /api/v1/me and POST /api/v1/me/password: null while the change waits in the outbox (202). */
export type SelfServiceAccepted = { seq: number | null };

/**
 * POST /api/v1/admin/invites (201): the only time the link is shown. The log keeps its hash,
 * the id; a retry with the same Idempotency-Key answers with the same link.
 */
export type InviteMade = {
  id: string;
  /** The secret in the link: whoever holds it may sign up, until it expires or is used up. */
  token: string;
  link: string;
  role: string;
  expiresAt: string;
  maxUses: number;
  seq: number;
};

/** GET /api/v1/admin/invites: every invite, newest first, with what it would answer now. */
export type AdminInvite = {
  id: string;
  role: string;
  status: 'active' | 'expired' | 'used_up' | 'revoked';
  expiresAt: string;
  maxUses: number;
  uses: number;
  /** The accounts it made, oldest first. */
  usedBy: string[];
  /** Empty when an operator made it with the hearth CLI. */
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedBy: string | null;
  revokedAt: string | null;
};

/** How people may join without an invite: never, with an address in the listed domains, or freely. */
export type SignUpMode = 'invites' | 'domains' | 'open';

/** GET/PUT /api/v1/admin/family: the family's name and sign-up policy, as they apply now. */
export type FamilySettings = {
  /** Null until an admin names the family. */
  name: string | null;
  signUp: { mode: SignUpMode; domains: string[] };
  /** True until an admin chooses: the hub's own settings (HEARTH_OPEN_SIGNUP, HEARTH_ALLOWED_EMAIL_DOMAINS) decide. */
  signUpFromHubSettings: boolean;
  /** Whether the hub sends email: sign-up by domain needs it, to prove the address is theirs. */
  mailConfigured: boolean;
};

/** GET /api/v1/family: what every member may know of the family. */
export type FamilyName = { name: string | null };

/** PUT /api/v1/admin/family: the stream sequence of the last change (0 when nothing changed). */
export type FamilySaved = { seq: number };

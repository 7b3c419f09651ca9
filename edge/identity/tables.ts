// better-auth's tables (schema `auth`, created by its own migrations) and our outbox beside them.
import type { ColumnType, Generated } from 'kysely';

export type AuthDB = {
  user: {
    id: string;
    name: string;
    email: string;
    emailVerified: boolean;
    image: string | null;
    createdAt: Date;
    updatedAt: Date;
    role: string | null;
    banned: boolean | null;
    banReason: string | null;
    banExpires: Date | null;
  };
  session: {
    id: string;
    expiresAt: Date;
    token: string;
    createdAt: Date;
    updatedAt: Date;
    ipAddress: string | null;
    userAgent: string | null;
    userId: string;
    impersonatedBy: string | null;
  };
  outbox: {
    /** bigserial: pg returns it as a string. */
    id: Generated<string>;
    /** The IdentityEvent oneof case, e.g. userRegistered. */
    type: string;
    user_id: string;
    /** The event's fields as protobuf JSON. */
    payload: ColumnType<Record<string, unknown>, string, string>;
    actor_id: string;
    on_behalf_of: string;
    occurred_at: Generated<Date>;
    published_at: Date | null;
    /** Stream sequence once published. */
    seq: ColumnType<string | null, number | null | undefined, number | null>;
    /** Where the request that wrote it came from (edge/identity/write-origin.ts); '' for none. */
    client_ip: Generated<string>;
    user_agent: Generated<string>;
    /** Why a row that could not be encoded was skipped. */
    error: string | null;
  };
};

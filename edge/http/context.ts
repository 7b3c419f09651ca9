// What every request carries through the middleware chain.
import type { Logger } from 'pino';
import type { SessionUser as SessionBodyUser } from '../../contracts/identity.api.ts';

/** The contract's signed-in person, with its times still dates (they become strings as JSON). */
export type SessionUser = Omit<SessionBodyUser, 'createdAt' | 'updatedAt'> & {
  createdAt: Date;
  updatedAt: Date;
};

export type SessionInfo = {
  id: string;
  userId: string;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  impersonatedBy?: string | null;
};

export type HubEnv = {
  Variables: {
    requestId: string;
    rootLogger: Logger;
    /** Made on first use: read it through requestLogger(c). */
    logger?: Logger;
    user: SessionUser;
    session: SessionInfo;
    /** The client's address (edge/http/client-address.ts), '' when unknown. */
    clientIp: string;
  };
};

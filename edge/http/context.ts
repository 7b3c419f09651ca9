// What every request carries through the middleware chain.
import type { Logger } from 'pino';

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  image: string | null;
  role: string;
  emailVerified: boolean;
  banned: boolean;
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
    logger: Logger;
    user: SessionUser;
    session: SessionInfo;
  };
};

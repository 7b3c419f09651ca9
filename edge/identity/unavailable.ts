// What a person is told when the database is away, by what they were doing: 503, retry.
import { databaseUnavailable } from '../http/errors.ts';

/** `path` below /api/auth, as the gate reads it. */
export function authUnavailable(path: string) {
  if (path === '/sign-in/email')
    return databaseUnavailable(
      'Signing in needs the database, which is not answering just now. Try again in a minute; anyone already signed in can carry on.',
    );
  if (path === '/sign-up/email')
    return databaseUnavailable(
      'Signing up needs the database, which is not answering just now. Try again in a minute.',
    );
  return databaseUnavailable();
}

// Read-your-writes: a query may pass ?after=<seq> (the seq a command answered with) and
// waits, up to 2 s, until its read model has applied that event. A route reading two read
// models names the second one's parameter (e.g. ?notifications_after=). A seq past the end of the
// read model's stream answers 400 once the wait is over: no command answered with it.
import { createMiddleware } from 'hono/factory';
import { commonErrors } from '../../contracts/errors.ts';
import type { ProjectorRunner } from '../../projectors/runtime/runner.ts';
import type { HubEnv } from './context.ts';

export const READ_AFTER_TIMEOUT_MS = 2000;

export function readAfter(projectors: ProjectorRunner, readModel: string, param = 'after') {
  return createMiddleware<HubEnv>(async (c, next) => {
    const after = c.req.query(param);
    if (after !== undefined) {
      if (!/^\d{1,15}$/.test(after)) {
        throw commonErrors.invalidRequest(`${param} must be a stream sequence number.`, { field: param });
      }
      if (!(await projectors.waitFor(readModel, Number(after), READ_AFTER_TIMEOUT_MS))) {
        // A sequence the log has never had is the client's mistake, not a model behind.
        if ((await projectors.streamHead(readModel)) < Number(after))
          throw commonErrors.invalidRequest(`${param} names an event the log does not have.`, {
            field: param,
          });
        throw commonErrors.notCaughtUp(undefined, { readModel, after: Number(after) });
      }
    }
    await next();
  });
}

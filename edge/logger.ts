// The hub's logger: JSON lines through an asynchronous destination. pino's default for stdout
// writes each line with a system call of its own, on every request's access line; here a line
// written while a write is under way joins the next one. Whatever is still buffered is written
// out on exit, an uncaught exception's included (pino registers the flush); only a SIGKILL can
// lose the last lines, and never an event: the record of what happened is the stream.
import pino, { type Logger } from 'pino';

export function createLogger({
  level,
  destination = 1,
}: {
  level: string;
  /** A file descriptor or a path: stdout unless told. */
  destination?: number | string;
}): Logger {
  return pino(
    { level, base: { service: 'hearth' } },
    // A stalled stdout drops lines past 16 MB rather than growing the hub's memory without end.
    pino.destination({ dest: destination, sync: false, maxLength: 16 * 1024 * 1024 }),
  );
}

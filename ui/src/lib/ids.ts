// Client-chosen ids for messages: the server accepts them, so a retried send lands once and
// the page can show a message before the server has echoed it.
import { ulid } from 'ulidx';

/** A ULID: time-ordered, 26 characters of [0-9A-Z]. */
export function newId(now = Date.now()): string {
  return ulid(now);
}

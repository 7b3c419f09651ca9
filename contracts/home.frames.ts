// Home's live pushes on the chat's socket (edge/home/live.ts sends them; ui/src/home reads
// them). A notification goes to each member it tells; "read" to the member who read, so their
// other tabs agree; the feed's change to everyone.
import type { NotificationItem } from './home.api.ts';

export type HomeFrame =
  | { type: 'home'; event: 'notification'; notification: NotificationItem }
  | { type: 'home'; event: 'read' }
  | { type: 'home'; event: 'feed_changed' };

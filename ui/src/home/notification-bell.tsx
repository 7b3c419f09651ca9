// The notification centre's button, with the unread count, in the sidebar's header.
export function NotificationBell() {
  return null;
}

// Focus that has to outlive a route change: someone who picks a person to write to lands in
// that conversation's composer, not on its heading.
let composerNext: string | null = null;

/** The next time this channel opens, its composer takes focus. */
export function focusComposerOn(channelId: string): void {
  composerNext = channelId;
}

/** Whether this channel, opening now, was asked to focus its composer (asked once). */
export function takeComposerFocus(channelId: string): boolean {
  if (composerNext !== channelId) return false;
  composerNext = null;
  return true;
}

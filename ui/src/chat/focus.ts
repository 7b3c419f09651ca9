// Focus that has to outlive a route change: someone who picks a person to write to lands in
// that conversation's composer, not on its heading.
let composerNext: string | null = null;

/** The next time this channel opens, its composer takes focus. */
export function focusComposerOn(channelId: string): void {
  composerNext = channelId;
}

/**
 * Whether this channel, opening now, was asked to focus its composer. It stays asked until
 * `composerFocused`: an effect may run twice (React's StrictMode), and both must agree.
 */
export const wantsComposerFocus = (channelId: string): boolean => composerNext === channelId;

export function composerFocused(): void {
  composerNext = null;
}

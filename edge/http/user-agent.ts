// The User-Agent as events record it: whatever arrives, a read model must be able to store it.

/** At most this many characters are kept: enough for any browser's, too few to fill a log. */
export const USER_AGENT_MAX = 256;

// C0 controls (NUL included), DEL and C1 controls; a tab becomes a space first.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// A surrogate half without its other half.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * Cut to USER_AGENT_MAX characters, with control characters and unpaired surrogates removed.
 * Node hands header bytes over as latin1: bytes past ASCII are read again as UTF-8 (what a
 * client sends), so a malformed sequence becomes U+FFFD rather than stray controls.
 */
export function cleanUserAgent(raw: string | null | undefined): string {
  if (!raw) return '';
  // Only the first bytes can survive the cut; the rest is never looked at.
  let text = raw.length > USER_AGENT_MAX * 4 ? raw.slice(0, USER_AGENT_MAX * 4) : raw;
  if (NOT_ASCII.test(text) && isLatin1(text)) text = Buffer.from(text, 'latin1').toString('utf8');
  text = text.replaceAll('\t', ' ').replace(CONTROLS, '').replace(LONE_SURROGATE, '').trim();
  if (text.length <= USER_AGENT_MAX) return text;
  // Never cut between the halves of a pair.
  const cut = text.slice(0, USER_AGENT_MAX);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

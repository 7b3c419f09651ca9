// The User-Agent as events record it: whatever arrives, a read model must be able to store it.

/** At most this many characters are kept: enough for any browser's, too few to fill a log. */
export const USER_AGENT_MAX = 256;

/**
 * Cut to USER_AGENT_MAX characters, with control characters (C0, DEL, C1; a tab becomes a
 * space) and unpaired surrogates removed. Node hands header bytes over as latin1: bytes past
 * ASCII are read again as UTF-8 (what a client sends), so a malformed sequence becomes U+FFFD
 * rather than stray controls.
 */
export function cleanUserAgent(raw: string | null | undefined): string {
  if (!raw) return '';
  // Only the first bytes can survive the cut; the rest is never looked at.
  let text = raw.length > USER_AGENT_MAX * 4 ? raw.slice(0, USER_AGENT_MAX * 4) : raw;
  if (isLatin1PastAscii(text)) text = Buffer.from(text, 'latin1').toString('utf8');
  let out = '';
  for (let i = 0; i < text.length && out.length < USER_AGENT_MAX; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x09) out += ' ';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) continue;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      // A pair is kept whole or not at all (never cut between its halves).
      if (low >= 0xdc00 && low <= 0xdfff && out.length + 2 <= USER_AGENT_MAX) out += text.slice(i, i + 2);
      if (low >= 0xdc00 && low <= 0xdfff) i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) continue;
    else out += text[i];
  }
  return out.trim();
}

/** Latin1 only, and not ASCII only: bytes as Node's HTTP parser hands them over. */
function isLatin1PastAscii(text: string): boolean {
  let past = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return false;
    if (code > 0x7f) past = true;
  }
  return past;
}

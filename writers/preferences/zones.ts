// Which time zones a member may choose: the IANA names this runtime's Intl lists
// (Intl.supportedValuesOf), and the aliases it knows of them, stored as listed (a browser's
// newer "Europe/Kyiv" is this list's "Europe/Kiev"), plus UTC, which the list leaves out.
const LISTED: ReadonlySet<string> = new Set(Intl.supportedValuesOf('timeZone'));

/** The zone as stored ('' stays ''), or undefined for a name that is no time zone. */
export function canonicalTimeZone(zone: string): string | undefined {
  if (zone === '' || zone === 'UTC' || LISTED.has(zone)) return zone;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return LISTED.has(resolved) || resolved === 'UTC' ? resolved : undefined;
}

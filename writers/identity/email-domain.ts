// What the log keeps of an email that belongs to no account it can seal it under.

/**
 * What the log keeps of an account typed at a failed sign-in: its domain ("@family.test"). The
 * address itself is a person's, and a refusal is no event of theirs that erasure could reach;
 * the distinct accounts are still counted, from the addresses, in memory.
 */
export function domainOf(account: string): string {
  const at = account.lastIndexOf('@');
  return at >= 0 ? account.slice(at).toLowerCase() : '';
}

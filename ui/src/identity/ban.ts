// A ban, said to the person banned in family words: who did it, why, until when, and what to
// do. It arrives three ways (the socket closing an open page, a sign-in refused with
// identity.banned, a reload after either) and reads the same each time.
import type { SessionEndedFrame } from '../../../contracts/chat.frames.ts';
import { ApiError } from '../lib/http.ts';

/** `until` is an ISO time, null for a ban with no end; `reason` may be ''. */
export type BanNotice = { reason: string; until: string | null };

const KEY = 'hearth.ban';

export function banText({ reason, until }: BanNotice): string {
  const end = until
    ? ` until ${new Date(until).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' })}`
    : '';
  const why = reason ? ` The reason given: “${reason}”.` : '';
  return (
    `A family admin has banned this account${end}, so it cannot sign in.${why} ` +
    'If you think this is a mistake, ask your family’s admin to lift the ban.'
  );
}

/** The ban an open page was closed for, if any. */
export function banOfSession(why: SessionEndedFrame | undefined): BanNotice | undefined {
  return why?.why === 'banned' ? { reason: why.reason, until: why.until } : undefined;
}

/** The ban a refused sign-in carries (403 identity.banned, its details), if any. */
export function banOfError(err: unknown): BanNotice | undefined {
  if (!(err instanceof ApiError) || err.code !== 'identity.banned') return undefined;
  const { reason, until } = err.details ?? {};
  return {
    reason: typeof reason === 'string' ? reason : '',
    until: typeof until === 'string' ? until : null,
  };
}

/**
 * Kept for this tab only, so a reload still explains the ban (the session cookie is gone, so
 * the edge cannot), while another person opening Hearth in a new tab is not told about it.
 */
export function rememberBan(ban: BanNotice | undefined): void {
  try {
    if (ban) sessionStorage.setItem(KEY, JSON.stringify(ban));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode): the page still says it now.
  }
}

/** The ban this tab was told of, unless it has run out since. */
export function rememberedBan(now = Date.now()): BanNotice | undefined {
  try {
    const ban = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as BanNotice | null;
    if (!ban || typeof ban.reason !== 'string') return undefined;
    if (ban.until && new Date(ban.until).getTime() <= now) return undefined;
    return { reason: ban.reason, until: typeof ban.until === 'string' ? ban.until : null };
  } catch {
    return undefined;
  }
}

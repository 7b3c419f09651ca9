// A family for Play's browser tests, on a hub of its own: Ana, the first account and so the
// admin (DESKTOP), Mia, a member (DESKTOP), and Kit, whom Ana makes a child (PHONE). Also the
// ways about Play every such test shares, and what a test may need to have happened first (a
// match, an approved chore), done through the pages as the family would.
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { DESKTOP, launchChromium, PHONE, SHOTS } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

export type PlayFamily = {
  hub: BrowserHub;
  browser: Browser;
  ana: Page;
  mia: Page;
  kit: Page;
  stop: () => Promise<void>;
};

export async function startPlayFamily(): Promise<PlayFamily> {
  await ensureUiBuilt();
  const [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
  const contexts: BrowserContext[] = [];
  const stop = async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser.close();
    await hub.stop();
  };
  try {
    await mkdir(SHOTS, { recursive: true });
    const [ana, mia, kit] = await Promise.all([
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
      openPage(browser, PHONE, contexts),
    ]);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await Promise.all([
      signUp(mia, hub.url, 'Mia Example', 'mia@example.com'),
      signUp(kit, hub.url, 'Kit Example', 'kit@example.com'),
    ]);
    // The admin makes Kit a child, over the API from her own page.
    const status = await ana.evaluate(async () => {
      // Kit's sign-up reaches the directory a moment after it is answered.
      let kitId: string | undefined;
      for (let i = 0; i < 100 && !kitId; i++) {
        // A busy edge may answer with an error envelope for a moment: ask again.
        const people = (await (await fetch('/api/v1/people')).json().catch(() => null)) as unknown;
        if (Array.isArray(people))
          kitId = (people as { id: string; name: string }[]).find((p) => p.name === 'Kit Example')?.id;
        if (!kitId) await new Promise((r) => setTimeout(r, 100));
      }
      const res = await fetch(`/api/v1/admin/users/${kitId}/role`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: 'child' }),
      });
      return res.status;
    });
    expect(status).toBeLessThan(300);
    return { hub, browser, ana, mia, kit, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Open a play section the way a person would: the sidebar's Play, then the section. */
export async function play(page: Page, section: string) {
  await dismissToasts(page);
  if (!new URL(page.url()).pathname.startsWith('/play')) {
    const link = page.getByRole('link', { name: 'Play', exact: true });
    // A phone shows the sidebar only on its home screen.
    if (!(await link.isVisible())) await page.getByRole('button', { name: 'All channels' }).click();
    await link.click();
  }
  await page.getByRole('navigation', { name: 'Play sections' }).getByRole('link', { name: section }).click();
}

/** Good news covers the top of a phone's screen for a few seconds: tap it away, as people do. */
async function dismissToasts(page: Page) {
  for (const toast of await page.getByTestId('play-toast').all())
    await toast
      .getByRole('button', { name: 'Dismiss' })
      .click({ timeout: 1000 })
      .catch(() => undefined);
}

/** Every [data-requires] control in Play is granted to its viewer by the edge. */
export async function expectGranted(page: Page) {
  const { granted, required } = await page.evaluate(async () => {
    const body = (await (await fetch('/api/v1/me/permissions')).json()) as { granted: string[] };
    return {
      granted: body.granted,
      required: Array.from(document.querySelectorAll('section[aria-label="Play"] [data-requires]'), (e) =>
        e.getAttribute('data-requires'),
      ),
    };
  });
  for (const r of required) expect(granted, `${r} shown`).toContain(r);
}

/** As long as a person would wait for the page to catch up (live pushes, a busy machine). */
export const UNTIL = { timeout: 10_000 };

/** Wait until the profile shows exactly this much XP: for hooks, where expect.poll may not run. */
export const untilXp = (page: Page, xp: number) =>
  page
    .getByRole('progressbar', { name: 'Level progress' })
    .and(page.locator(`[aria-valuenow="${xp}"]`))
    .waitFor(UNTIL);

export const xpOf = async (page: Page) =>
  Number(await page.getByRole('progressbar', { name: 'Level progress' }).getAttribute('aria-valuenow'));

/** Kit reports a game of chess he won against Mia, and Mia confirms it. */
export async function chessKitWon(kit: Page, mia: Page) {
  await play(kit, 'Matches');
  await kit.getByLabel('Game', { exact: true }).fill('Chess');
  await kit.getByLabel('Opponent', { exact: true }).selectOption({ label: 'Mia Example' });
  await kit.getByText('I won').click();
  await kit.getByRole('button', { name: 'Report match' }).click();
  const mine = kit.getByRole('article', { name: 'Chess: Kit Example vs Mia Example' });
  await mine.getByText('reported').waitFor();
  await play(mia, 'Matches');
  const hers = mia.getByRole('article', { name: 'Chess: Kit Example vs Mia Example' });
  await hers.getByRole('button', { name: 'Confirm' }).click();
  await hers.getByText('settled').waitFor();
  await mine.getByText('settled').waitFor();
}

/** Ana adds a 40-point chore, Kit does it, and Ana approves it. */
export async function choreApproved(ana: Page, kit: Page) {
  await play(ana, 'Chores');
  await ana.getByRole('button', { name: 'New chore' }).click();
  await ana.getByLabel('Chore', { exact: true }).fill('Feed the cat');
  await ana.getByLabel('Points', { exact: true }).fill('40');
  await ana.getByLabel('Repeats', { exact: true }).selectOption('daily');
  await ana.getByRole('button', { name: 'Add chore' }).click();
  // The new chore takes focus once it is listed (a hook, so no expect.poll).
  await ana.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Feed the cat');
  await play(kit, 'Chores');
  const chore = kit.getByRole('article', { name: 'Feed the cat' });
  await chore.getByRole('button', { name: 'Mark done' }).click();
  await chore.getByLabel('Note (optional)', { exact: true }).fill('All fed');
  await chore.getByRole('button', { name: 'Send for approval' }).click();
  await chore.getByText('Waiting for approval').waitFor();
  await ana.reload();
  await ana
    .getByRole('article', { name: 'Kit Example: Feed the cat' })
    .getByRole('button', { name: 'Approve' })
    .click();
  await ana.getByRole('list', { name: 'Chore history' }).getByText('approved · +40 XP').waitFor();
}

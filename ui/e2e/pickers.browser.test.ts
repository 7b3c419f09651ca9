// Pickers offer nobody banned: a member banned while the others' pages are open disappears
// from the direct-message picker, the match players and the challenge members as each opens.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // the first account: the admin
let mia: Page; // a member
const contexts: BrowserContext[] = [];

async function play(page: Page, section: string) {
  await page.getByRole('link', { name: 'Play', exact: true }).click();
  await page.getByRole('navigation', { name: 'Play sections' }).getByRole('link', { name: section }).click();
}

const opponents = (page: Page) =>
  page
    .getByLabel('Opponent', { exact: true })
    .locator('option')
    .evaluateAll((options) => options.map((o) => o.textContent ?? ''));

describe.skipIf(withoutBrowser)('pickers in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    const gus = await openPage(browser, DESKTOP, contexts);
    [ana, mia] = await Promise.all([
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
    ]);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await signUp(gus, hub.url, 'Gus Example', 'gus@example.com');
    await signUp(mia, hub.url, 'Mia Example', 'mia@example.com');
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('offers every member before the ban, then the admin bans one', async () => {
    await play(mia, 'Matches');
    await expect.poll(() => opponents(mia), { timeout: 10_000 }).toContain('Gus Example');
    const status = await ana.evaluate(async () => {
      const people = (await (await fetch('/api/v1/people')).json()) as { id: string; name: string }[];
      const gusId = people.find((p) => p.name === 'Gus Example')?.id;
      const res = await fetch(`/api/v1/admin/users/${gusId}/ban`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({}),
      });
      return res.status;
    });
    expect(status).toBe(200);
  });

  it('leaves a banned member out of the match players', async () => {
    await play(mia, 'Profile');
    await play(mia, 'Matches');
    await expect.poll(() => opponents(mia), { timeout: 10_000 }).not.toContain('Gus Example');
    expect(await opponents(mia)).toContain('Ana Example');
  });

  it('leaves a banned member out of the direct-message picker', async () => {
    await mia.getByRole('button', { name: 'New direct message' }).click();
    const people = mia.getByRole('listbox', { name: 'People to write to' });
    await people.getByRole('option', { name: 'Ana Example' }).waitFor();
    await expect.poll(() => people.getByRole('option', { name: 'Gus Example' }).count()).toBe(0);
  });

  it('leaves a banned member out of a new challenge’s members', async () => {
    await play(ana, 'Challenges');
    await ana.getByRole('button', { name: 'New challenge' }).click();
    await ana.getByLabel('Everyone').uncheck();
    const form = ana.getByRole('form', { name: 'New challenge' });
    await form.getByLabel('Mia Example').waitFor();
    await expect.poll(() => form.getByLabel('Gus Example').count()).toBe(0);
  });
});

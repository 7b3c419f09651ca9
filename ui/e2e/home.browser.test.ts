// Notifications and Home in real Chromium pages on a real hub: Ana (the admin), Ben and Cat.
// A mention from Ana reaches Ben's bell live, survives a reload, and is marked read; a DM's
// text reaches only its recipient; Home tells the family's story (a join, a chore approved, a
// level reached) to everyone, Cat included, live, each beside the member's picture.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationsPage } from '../../contracts/home.api.ts';
import { DEFAULT_RULES } from '../../contracts/play.schema.ts';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // the first account: the admin
let ben: Page;
let cat: Page;
const contexts: BrowserContext[] = [];
const ids: Record<string, string> = {};

/** A call to the API from the person's own page (their cookies); throws unless it succeeded. */
async function call<T = unknown>(page: Page, path: string, body?: unknown, method?: string): Promise<T> {
  const out = await page.evaluate(
    async ({ path, body, method }) => {
      const res = await fetch(path, {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: (await res.text()) || 'null' };
    },
    { path, body, method },
  );
  if (out.status >= 300) throw new Error(`${path}: ${out.status} ${out.json}`);
  return JSON.parse(out.json) as T;
}

const bell = (page: Page, unread?: number) =>
  page.getByRole('button', {
    name: unread === undefined ? /^Notifications, \d+ unread$/ : `Notifications, ${unread} unread`,
  });
const centre = (page: Page) => page.getByRole('dialog', { name: 'Notifications' });
const unreadOf = async (page: Page) =>
  Number((await bell(page).getAttribute('aria-label'))?.match(/(\d+) unread/)?.[1] ?? Number.NaN);
const feedItem = (page: Page, text: string | RegExp) =>
  page.getByTestId('feed-item').filter({ hasText: text });

describe.skipIf(withoutBrowser)('notifications and Home in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    [ana, ben, cat] = await Promise.all([
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
    ]);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await signUp(ben, hub.url, 'Ben Example', 'ben@example.com');
    await signUp(cat, hub.url, 'Cat Example', 'cat@example.com');
    // The last sign-up reaches the directory a moment after it is answered.
    for (let i = 0; i < 100; i++) {
      const people = await call<{ id: string; name: string }[]>(ana, '/api/v1/people');
      if (people.length === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const p of await call<{ id: string; name: string }[]>(ana, '/api/v1/people'))
      ids[p.name.split(' ')[0] ?? ''] = p.id;
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('lands on Home, with its heading, what waits and the family story', async () => {
    await ben.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    expect(new URL(ben.url()).pathname).toBe('/home');
    // Cat joined after Ben: the family's story says so.
    await feedItem(ben, 'Cat Example joined the family').waitFor();
    await bell(ben).waitFor();
    await expectAccessible(ben, 'Home');
  });

  it("shows each member's picture beside what they did", async () => {
    const picture = `${hub.url}/favicon.svg`;
    await call(ben, '/api/v1/me', { image: picture }, 'PATCH');
    const bensImage = async () =>
      (await call<{ id: string; image: string | null }[]>(cat, '/api/v1/people')).find(
        (p) => p.id === ids.Ben,
      )?.image ?? null;
    await expect.poll(bensImage, { timeout: 15_000 }).toBe(picture);
    await cat.reload();
    const image = feedItem(cat, 'Ben Example joined the family').getByTestId('avatar-image');
    await image.waitFor();
    expect(await image.getAttribute('src')).toBe(picture);
    // Cat has none: her initials show.
    expect(await feedItem(cat, 'Cat Example joined the family').getByTestId('avatar-image').count()).toBe(0);
  });

  it('tells Ben of a mention live, keeps it over a reload, and marks all read', async () => {
    // Cat's join is all that waits for Ben (Ana joined before him): wait for its notification,
    // which comes a moment after the feed says so, before the mention can be counted.
    await bell(ben, 1).waitFor();
    const before = await unreadOf(ben);
    await call(ana, '/api/v1/messages', {
      channel: 'family',
      content: 'Dinner at seven, @Ben Example?',
      mentions: [ids.Ben],
    });
    await bell(ben, before + 1).waitFor();
    // By keyboard: the bell opens the centre, and focus goes into it.
    await bell(ben).focus();
    await ben.keyboard.press('Enter');
    await centre(ben).waitFor();
    await expect
      .poll(() => ben.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null))
      .toBe(true);
    const mention = centre(ben).locator('[data-kind="mention"]');
    await mention.filter({ hasText: 'Ana Example mentioned you in #' }).waitFor();
    await mention.filter({ hasText: 'Dinner at seven' }).waitFor();
    await expectAccessible(ben, 'the notification centre, open');
    await ben.keyboard.press('Escape');
    await centre(ben).waitFor({ state: 'detached' });
    expect(await ben.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'notification-bell',
    );

    await ben.reload();
    await bell(ben, before + 1).waitFor();
    await bell(ben).click();
    await centre(ben).locator('[data-kind="mention"][data-read="false"]').waitFor();
    await centre(ben).getByRole('button', { name: 'Mark all read' }).click();
    await bell(ben, 0).waitFor();
    await centre(ben).locator('[data-read="false"]').first().waitFor({ state: 'detached' });
    await ben.keyboard.press('Escape');
  });

  it('opens a notification where it happened, and counts nothing said where Ben is looking', async () => {
    await call(ana, '/api/v1/messages', {
      channel: 'family',
      content: 'Over here, @Ben',
      mentions: [ids.Ben],
    });
    await bell(ben, 1).waitFor();
    await bell(ben).click();
    await centre(ben).locator('[data-kind="mention"][data-read="false"]').click();
    await ben.waitForURL('**/c/family');
    await bell(ben, 0).waitFor();
    // Ben is in the family channel now: a mention there is read as it arrives.
    await call(ana, '/api/v1/messages', {
      channel: 'family',
      content: 'Right here, @Ben',
      mentions: [ids.Ben],
    });
    await ben.getByTestId('message-text').filter({ hasText: 'Right here' }).waitFor();
    await bell(ben).click();
    await centre(ben)
      .locator('[data-kind="mention"][data-read="true"]')
      .filter({ hasText: 'Right here' })
      .waitFor();
    await bell(ben, 0).waitFor();
    await ben.keyboard.press('Escape');
  });

  it("keeps a DM's text to its recipient: not in anyone else's centre, nor in the feed", async () => {
    const dm = await call<{ id: string }>(ana, '/api/v1/dms', { user_id: ids.Ben });
    await call(ana, '/api/v1/messages', { channel: dm.id, content: 'top secret birthday plan' });
    await bell(ben, 1).waitFor();
    await bell(ben).click();
    await centre(ben).locator('[data-kind="dm"]').filter({ hasText: 'top secret birthday plan' }).waitFor();
    await ben.keyboard.press('Escape');
    await cat.getByRole('link', { name: 'Home' }).click();
    await cat.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await bell(cat).click();
    await centre(cat).waitFor();
    // Cat joined last: nothing waits for her, and nothing of Ben's DM does either.
    await centre(cat).getByText('Nothing yet.').waitFor();
    for (const page of [ana, cat]) {
      expect(await page.content()).not.toContain('top secret');
      expect(JSON.stringify(await call(page, '/api/v1/notifications'))).not.toContain('top secret');
      expect(JSON.stringify(await call(page, '/api/v1/feed'))).not.toContain('top secret');
    }
    await cat.keyboard.press('Escape');
  });

  it('asks for the browser’s permission only when Ben presses, then tells him while the tab is hidden', async () => {
    // A stand-in for the browser's Notification API: it records what it is asked to show.
    await ben.evaluate(() => {
      const shown: string[] = [];
      let permission = 'default';
      class Recorder {
        static get permission() {
          return permission;
        }
        static requestPermission() {
          permission = 'granted';
          return Promise.resolve('granted');
        }
        onclick: (() => void) | null = null;
        constructor(title: string) {
          shown.push(title);
        }
        close() {}
      }
      Object.assign(window, { Notification: Recorder, shown });
    });
    const before = await unreadOf(ben);
    await bell(ben).click();
    await centre(ben).getByRole('button', { name: 'Settings' }).click();
    await centre(ben).getByRole('checkbox', { name: 'Mentions' }).waitFor();
    // Ben is in the family channel, whose mention chips are chat's (their contrast is being
    // fixed there): axe looks at the centre.
    await expectAccessible(ben, 'the notification settings, open', '#notification-centre');
    await centre(ben).getByRole('button', { name: 'Also tell me while Hearth is in the background' }).click();
    await centre(ben).getByText('Hearth tells you in the background too.').waitFor();
    await ben.keyboard.press('Escape');
    // The tab goes to the background.
    await ben.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    });
    await call(ana, '/api/v1/messages', {
      channel: 'family',
      content: 'Are you there, @Ben?',
      mentions: [ids.Ben],
    });
    await expect
      .poll(() => ben.evaluate(() => (window as unknown as { shown: string[] }).shown), { timeout: 15_000 })
      .toEqual(['Ana Example mentioned you in #Family']);
    // Ben's hidden tab shows the family channel, but no one is looking: the mention waits.
    await bell(ben, before + 1).waitFor();
    const page = await call<NotificationsPage>(ben, '/api/v1/notifications');
    expect(page.notifications.find((n) => n.body === 'Are you there, @Ben?')?.read).toBe(false);
    // Back in view, what is on screen is read.
    await ben.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await bell(ben, before).waitFor();
  });

  it('shows everyone a chore approved and a level reached, live', async () => {
    // A message is worth a level from now on (the rules come first: the chore's feed item,
    // shown after them, is then the last the feed's own read models move before the level).
    const rules = await call<{ version: number }>(ana, '/api/v1/play/rules');
    await call(
      ana,
      '/api/v1/play/rules',
      {
        expected_version: rules.version,
        rules: {
          ...DEFAULT_RULES,
          xp: DEFAULT_RULES.xp.map((r) =>
            r.id === 'message' ? { id: 'message', on: 'message_posted', xp: 500 } : r,
          ),
        },
      },
      'PUT',
    );
    const chore = await call<{ id: string }>(ana, '/api/v1/play/chores', {
      title: 'Water the plants',
      points: 5,
    });
    const done = await call<{ id: string }>(ben, `/api/v1/play/chores/${chore.id}/done`, {});
    // Ana may approve: her bell says a chore waits.
    await ana.getByRole('link', { name: 'Home' }).click();
    await ana.getByTestId('waiting').getByText('Ben Example did “Water the plants”').waitFor();
    await call(ana, `/api/v1/play/chores/${chore.id}/completions/${done.id}/approve`, {});
    await feedItem(cat, 'Ben Example did “Water the plants”').waitFor();

    // A chat message moves none of the feed's read models: Cat's Home follows Ben's level
    // because play's boards moved.
    await call(ben, '/api/v1/messages', { channel: 'family', content: 'Plants watered!' });
    await feedItem(cat, /Ben Example reached level \d+/)
      .first()
      .waitFor();
    await expectAccessible(cat, 'Home with the family story');
  });
});

// Usable by everyone: axe-core over every page a family meets, signed out (light and dark, with
// errors shown) and signed in; sign-in by keyboard alone; a focus ring that forced-colors mode
// keeps; and motion off when the system asks for less.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InviteMade } from '../../contracts/identity.api.ts';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { fillSignUp, openPage, PASSWORD, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // the first account: the admin
let ben: Page; // a member
let invite: InviteMade;
const contexts: BrowserContext[] = [];

/** The page's own heading is there (the shell renders it at once, and focuses it). */
const heading = (page: Page, name?: string) =>
  page
    .locator('main h1')
    .filter(name ? { hasText: name } : {})
    .first()
    .waitFor();

/** The page's background, as the person sees it: 0 (black) to 255 (white), through a canvas. */
const backgroundLightness = (page: Page) =>
  page.evaluate(() => {
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return -1;
    ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
    ctx.fillRect(0, 0, 1, 1);
    const [r = 0, g = 0, b = 0] = ctx.getImageData(0, 0, 1, 1).data;
    return (r + g + b) / 3;
  });

describe.skipIf(withoutBrowser)('accessibility, for every member of the family', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    ben = await openPage(browser, DESKTOP, contexts);
    await signUp(ben, hub.url, 'Ben Example', 'ben@example.com');
    const res = await ana.request.post(`${hub.url}/api/v1/admin/invites`, {
      data: { role: 'child' },
      headers: { Origin: hub.url },
    });
    expect(res.status()).toBe(201);
    invite = (await res.json()) as InviteMade;
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  for (const scheme of ['light', 'dark'] as const) {
    describe(`signed out, in ${scheme}`, () => {
      let page: Page;
      beforeAll(async () => {
        page = await openPage(browser, DESKTOP, contexts);
        await page.emulateMedia({ colorScheme: scheme });
      });

      it('the sign-in page, then with its errors shown', async () => {
        await page.goto(`${hub.url}/sign-in`);
        await heading(page, 'Welcome back');
        const lightness = await backgroundLightness(page);
        expect(scheme === 'dark' ? lightness < 80 : lightness > 200, `background ${lightness}`).toBe(true);
        await expectAccessible(page, `sign-in (${scheme})`);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.locator('#email-error').waitFor();
        await expectAccessible(page, `sign-in with empty fields (${scheme})`);
        await page.getByLabel('Email').fill('ana@example.com');
        await page.getByLabel('Password').fill('not the password at all');
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.locator('#password-error').waitFor();
        await expectAccessible(page, `sign-in refused (${scheme})`);
      });

      it('the sign-up page, then with the refusal shown', async () => {
        await page.goto(`${hub.url}/sign-up`);
        await heading(page, 'Create your account');
        await expectAccessible(page, `sign-up (${scheme})`);
        await fillSignUp(page, 'Ana Again', 'ana@example.com');
        await page.locator('#email-error').waitFor();
        await expectAccessible(page, `sign-up refused (${scheme})`);
      });

      it('an invite link, then an alert on the form', async () => {
        await page.goto(invite.link);
        await page.getByText('You were invited to join the family').waitFor();
        await expectAccessible(page, `invite link (${scheme})`);
        await page.goto(`${hub.url}/sign-up?invite=not-a-real-invite-token`);
        await fillSignUp(page, 'Nobody', `nobody-${scheme}@example.com`);
        await page.getByRole('alert').waitFor();
        await expectAccessible(page, `invite refused (${scheme})`);
      });
    });
  }

  describe('signed in', () => {
    for (const scheme of ['light', 'dark'] as const) {
      it(`home, a channel and every Play tab, for an admin, in ${scheme}`, async () => {
        await ana.emulateMedia({ colorScheme: scheme });
        await ana.goto(`${hub.url}/home`);
        await heading(ana, 'Home');
        await expectAccessible(ana, `home (${scheme})`);
        await ana.goto(`${hub.url}/c/family`);
        await ana.getByTestId('channel-title').waitFor();
        await expectAccessible(ana, `the family channel (${scheme})`);
        await ana.goto(`${hub.url}/play`);
        for (const tab of ['Profile', 'Leaderboards', 'Matches', 'Challenges', 'Chores', 'Rules']) {
          const link = ana.getByRole('main').getByRole('link', { name: tab, exact: true });
          await link.click();
          await expect.poll(() => link.getAttribute('aria-current')).toBe('page');
          await ana.waitForLoadState('networkidle');
          await expectAccessible(ana, `play: ${tab} (${scheme})`);
        }
      });
    }

    it('the console, for a member: a friendly refusal', async () => {
      await ben.goto(`${hub.url}/admin`);
      await heading(ben, 'Family console');
      await ben.getByText('The console is for the family’s admins.').waitFor();
      await expectAccessible(ben, 'the console refused to a member');
    });
  });

  describe('by keyboard alone', () => {
    it('signs in', async () => {
      const page = await openPage(browser, DESKTOP, contexts);
      await page.goto(`${hub.url}/sign-in`);
      await heading(page, 'Welcome back');
      const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
      for (let i = 0; i < 10 && (await focused()) !== 'email'; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe('email');
      await page.keyboard.type('ben@example.com');
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('password');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/home$/);
      await page.getByTestId('me').filter({ hasText: 'Ben Example' }).waitFor();
    });
  });

  describe('the look', () => {
    it('draws a focus ring of 2px or more, kept in forced-colors mode', async () => {
      const page = await openPage(browser, DESKTOP, contexts);
      await page.goto(`${hub.url}/sign-in`);
      await heading(page, 'Welcome back');
      const ring = () =>
        page.evaluate(() => {
          const s = getComputedStyle(document.activeElement as Element);
          return { style: s.outlineStyle, width: Number.parseFloat(s.outlineWidth) };
        });
      await page.keyboard.press('Tab');
      expect(await ring()).toMatchObject({ style: 'solid' });
      expect((await ring()).width).toBeGreaterThanOrEqual(2);
      await page.emulateMedia({ forcedColors: 'active' });
      await page.getByRole('button', { name: 'Sign in', exact: true }).focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      expect(await ring()).toMatchObject({ style: 'solid' });
    });

    it('turns motion off when the system asks for less', async () => {
      const page = await openPage(browser, DESKTOP, contexts);
      await page.goto(`${hub.url}/sign-in`);
      await heading(page, 'Welcome back');
      const button = page.getByRole('button', { name: 'Sign in', exact: true });
      const motion = () =>
        button.evaluate((el) => {
          const s = getComputedStyle(el);
          const root = getComputedStyle(document.documentElement);
          return { transition: Number.parseFloat(s.transitionDuration), scroll: root.scrollBehavior };
        });
      expect((await motion()).transition).toBeGreaterThan(0.1);
      await page.emulateMedia({ reducedMotion: 'reduce' });
      expect(await motion()).toEqual({ transition: expect.closeTo(0, 3), scroll: 'auto' });
    });
  });
});

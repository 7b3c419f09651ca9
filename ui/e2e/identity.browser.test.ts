// Who you are, in a real browser: a ban explained to the person banned (on their open page, after
// a reload, and when they sign in again), and sign-in errors said at the field they are about.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, PASSWORD, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // the first account: the admin
const contexts: BrowserContext[] = [];

const REASON = 'Too many late-night memes';
const banNotice = (page: Page) => page.getByTestId('ban-notice');

async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe.skipIf(withoutBrowser)('who you are, in the browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  describe('when a family admin bans someone who is signed in', () => {
    let ben: Page;
    let benId: string;
    const until = new Date(Date.now() + 2 * 86_400_000).toISOString();

    beforeAll(async () => {
      ben = await openPage(browser, DESKTOP, contexts);
      await signUp(ben, hub.url, 'Ben Example', 'ben@example.com');
      await ben.waitForURL(/\/home$/);
      benId = ((await (await ben.request.get(`${hub.url}/api/v1/me`)).json()) as { id: string }).id;
      // The admin's own session bans, as the admin console does.
      const res = await ana.request.post(`${hub.url}/api/v1/admin/users/${benId}/ban`, {
        data: { reason: REASON, expiresAt: until },
        headers: { Origin: hub.url },
      });
      expect(res.status()).toBe(200);
    });

    it('explains on their open page that an admin banned them, why, until when, and what to do', async () => {
      const notice = banNotice(ben);
      await notice.waitFor();
      const text = await notice.textContent();
      expect(text).toContain('A family admin has banned this account until');
      expect(text).toContain(REASON);
      expect(text).toContain('ask your family’s admin');
      expect(text).not.toContain('Your session has ended');
      await ben.getByRole('heading', { level: 1 }).waitFor();
      await expectAccessible(ben, 'sign-in after a ban');
    });

    it('still explains after a reload', async () => {
      await ben.reload();
      await ben.getByRole('form', { name: 'Sign in' }).waitFor();
      expect(await banNotice(ben).textContent()).toContain(REASON);
    });

    it('explains when they try to sign in again, in a browser that was never told', async () => {
      const fresh = await openPage(browser, DESKTOP, contexts);
      await fresh.goto(`${hub.url}/sign-in`);
      await fresh.getByRole('form', { name: 'Sign in' }).waitFor();
      expect(await banNotice(fresh).count()).toBe(0);
      await signIn(fresh, 'ben@example.com');
      const text = await banNotice(fresh).textContent();
      expect(text).toContain('banned');
      expect(text).toContain(REASON);
      expect(text).not.toMatch(/support/i);
    });
  });

  describe('when a sign-in is refused', () => {
    it('says so at the field, tied to it, and moves focus there', async () => {
      const page = await openPage(browser, DESKTOP, contexts);
      await page.goto(`${hub.url}/sign-in`);
      await page.getByRole('heading', { level: 1, name: 'Welcome back' }).waitFor();
      await expect.poll(() => page.title()).toBe('Sign in · Hearth');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const email = page.getByLabel('Email');
      await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
      expect(await email.getAttribute('aria-describedby')).toBe('email-error');
      expect(await page.locator('#email-error').textContent()).toBe('Enter your email address.');
      expect(await email.evaluate((el) => el === document.activeElement)).toBe(true);
      await expectAccessible(page, 'sign-in with empty fields');

      await signIn(page, 'ana@example.com', 'not the password at all');
      const password = page.getByLabel('Password');
      await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
      expect(await password.getAttribute('aria-describedby')).toBe('password-error');
      expect(await page.locator('#password-error').textContent()).toContain('do not match');
      expect(await email.getAttribute('aria-invalid')).toBeNull();
    });

    it('names the sign-up page', async () => {
      const page = await openPage(browser, DESKTOP, contexts);
      await page.goto(`${hub.url}/sign-up`);
      await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
      await expect.poll(() => page.title()).toBe('Create an account · Hearth');
    });
  });
});

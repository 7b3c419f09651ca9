// Two people, two real Chromium pages, one real hub: sign-up, sign-in, typing, a message,
// the badge that clears when read, a DM, and a dropped connection that catches up.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { DESKTOP, launchChromium, PHONE, SHOTS, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { badge, composer, messageText, openPage, PASSWORD, row, signUp as signUpAs } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // desktop, the first account: the admin
let ben: Page; // phone
const contexts: BrowserContext[] = [];

const signUp = (page: Page, name: string, email: string) => signUpAs(page, hub.url, name, email);
const message = messageText;

// Skipped only on a developer's machine without Chromium; in CI a missing browser fails.
describe.skipIf(withoutBrowser)('the family chat in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    await mkdir(SHOTS, { recursive: true });
    ana = await openPage(browser, DESKTOP, contexts);
    ben = await openPage(browser, PHONE, contexts);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('shows the first account that it is the admin', async () => {
    await signUp(ana, 'Ana Example', 'ana@example.com');
    await ana.getByTestId('welcome').filter({ hasText: 'admin' }).waitFor();
    await ana.getByText('Admin', { exact: true }).waitFor();
    // A wide screen lands on Home by itself.
    await ana.waitForURL(/\/home$/);
    await row(ana, 'family').click();
    await ana.waitForURL(/\/c\/family$/);
  });

  it('signs a second person up, out and in again, on a phone', async () => {
    await signUp(ben, 'Ben Example', 'ben@example.com');
    expect(await ben.getByText('Admin', { exact: true }).count()).toBe(0);
    await ben.getByRole('button', { name: 'Sign out' }).click();
    await ben.getByRole('button', { name: 'Sign in' }).waitFor();
    await ben.screenshot({ path: join(SHOTS, 'phone-sign-in.png') });
    await ben.getByLabel('Email').fill('ben@example.com');
    await ben.getByLabel('Password').fill(PASSWORD);
    await ben.getByRole('button', { name: 'Sign in' }).click();
    // A phone starts on the channel list.
    await row(ben, 'family').waitFor();
  });

  it('shows one person typing to the other, then the message', async () => {
    await row(ben, 'family').click();
    await ben.getByTestId('channel-title').filter({ hasText: 'Family' }).waitFor();
    // Ana's page sees Ben online before she writes: both sockets are in the channel.
    await ana.getByText('2 members · 2 online').waitFor();

    await composer(ana).pressSequentially('Dinner at 7?');
    await ben
      .getByTestId('typing')
      .filter({ hasText: /is typing…/ })
      .waitFor();
    await composer(ana).press('Enter');
    await message(ben, 'Dinner at 7?').waitFor();
    await expect.poll(() => ben.getByTestId('typing').textContent()).toBe('');
    await ben.screenshot({ path: join(SHOTS, 'phone-conversation.png') });
  });

  it('badges a channel for news that arrives elsewhere, and clears it when read', async () => {
    await ben.getByRole('button', { name: 'All channels' }).click();
    await row(ben, 'family').waitFor();
    await composer(ana).fill('Bring dessert, please');
    await composer(ana).press('Enter');
    await badge(ben, 'family').filter({ hasText: '1' }).waitFor();
    await ben.screenshot({ path: join(SHOTS, 'phone-channels-unread.png') });

    await row(ben, 'family').click();
    await message(ben, 'Bring dessert, please').waitFor();
    await ben.getByRole('button', { name: 'All channels' }).click();
    await badge(ben, 'family').waitFor({ state: 'detached' });
    // The read mark is on the server too: a fresh page load shows no badge either.
    await expect
      .poll(async () => {
        await ben.reload();
        await row(ben, 'family').waitFor();
        return badge(ben, 'family').count();
      })
      .toBe(0);
  });

  it('starts a direct message that appears on the other person’s list, and is announced', async () => {
    await ana.getByRole('button', { name: 'New direct message' }).click();
    await ana
      .getByRole('listbox', { name: 'People to write to' })
      .getByRole('option', { name: /Ben Example/ })
      .click();
    await ana.waitForURL(/\/c\/dm-/);
    const dm = new URL(ana.url()).pathname.slice('/c/'.length);
    // The new conversation starts in its composer.
    await expect
      .poll(() => ana.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Message');
    await composer(ana).fill('Psst, a surprise for Mum?');
    await composer(ana).press('Enter');
    await badge(ben, dm).filter({ hasText: '1' }).waitFor();
    // A screen reader hears it too, wherever Ben is.
    await ben.getByTestId('announcer').filter({ hasText: 'New message from Ana Example' }).waitFor();
    expect(await ben.getByTestId('announcer').getAttribute('aria-live')).toBe('polite');
    await ana.screenshot({ path: join(SHOTS, 'desktop-dm.png') });
  });

  it('says so while offline, reconnects by itself and catches up', async () => {
    await row(ben, 'family').click();
    await ben.getByTestId('channel-title').filter({ hasText: 'Family' }).waitFor();
    await ben.context().setOffline(true);
    await ben.getByTestId('connection').filter({ hasText: 'Offline' }).waitFor();
    await ana.goto(`${hub.url}/c/family`);
    await composer(ana).fill('Sent while Ben was away');
    await composer(ana).press('Enter');
    await message(ana, 'Sent while Ben was away').waitFor();
    await ben.screenshot({ path: join(SHOTS, 'phone-offline.png') });

    await ben.context().setOffline(false);
    await ben.getByTestId('connection').waitFor({ state: 'detached' });
    await message(ben, 'Sent while Ben was away').waitFor();
    await ana.screenshot({ path: join(SHOTS, 'desktop-family.png') });
  });
});

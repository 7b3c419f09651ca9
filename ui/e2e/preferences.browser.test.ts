// A member's own settings in real Chromium on a real hub: Ana has two tabs open. She opens her
// settings from the user menu in tab A and picks the dark theme; both tabs turn dark at once,
// tab B with no reload, and a reload keeps it. Her prompt, saved in A, reaches B's form too.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let tabA: Page;
let tabB: Page;
const contexts: BrowserContext[] = [];

const themeOf = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme ?? 'system');
const dark = (page: Page) =>
  page.locator('html[data-theme="dark"]').waitFor({ state: 'attached', timeout: 15_000 });
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const WAIT = { timeout: 15_000 };

describe.skipIf(withoutBrowser)('a member’s settings in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    tabA = await openPage(browser, DESKTOP, contexts);
    await signUp(tabA, hub.url, 'Ana Example', 'ana@example.com');
    // The second tab: the same person, the same cookies.
    tabB = await (contexts[0] as BrowserContext).newPage();
    await tabB.goto(`${hub.url}/home`);
    await tabB.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('opens from the user menu, follows the device’s theme until one is picked', async () => {
    await tabA.getByRole('link', { name: 'Your settings' }).click();
    await tabA.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(new URL(tabA.url()).pathname).toBe('/settings');
    await tabA.getByRole('radio', { name: 'Same as this device' }).waitFor();
    expect(await tabA.getByRole('radio', { name: 'Same as this device' }).isChecked()).toBe(true);
    expect(await themeOf(tabA)).toBe('system');
    await expectAccessible(tabA, 'Settings');
  });

  it('turns both tabs dark when tab A picks dark, tab B without a reload', async () => {
    const lightB = await background(tabB);
    let reloaded = false;
    tabB.on('load', () => {
      reloaded = true;
    });
    await tabA.getByRole('radio', { name: 'Dark' }).check();
    await dark(tabA);
    await dark(tabB);
    expect(reloaded).toBe(false);
    // The page's colours follow the attribute (a state of the page, waited on, not polled).
    await tabB.waitForFunction((light) => getComputedStyle(document.body).backgroundColor !== light, lightB, {
      timeout: 15_000,
    });
    await expectAccessible(tabA, 'Settings, dark');
    // A new page load starts from the server's answer.
    await tabB.reload();
    await tabB.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await dark(tabB);
  });

  it('carries the assistant’s prompt saved in one tab to the form in the other', async () => {
    await tabB.getByRole('link', { name: 'Your settings' }).click();
    await tabB.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await tabA.getByLabel('Your instructions').fill('Answer in one sentence.');
    await tabA.getByRole('form', { name: 'Assistant' }).getByRole('button', { name: 'Save' }).click();
    await tabA.getByRole('form', { name: 'Assistant' }).getByText('Saved.').waitFor(WAIT);
    // Pushed across tabs: waited on as the form's state, generously (a busy machine is slow).
    await tabB.waitForFunction(
      (want) => (document.getElementById('assistant-prompt') as HTMLTextAreaElement | null)?.value === want,
      'Answer in one sentence.',
      { timeout: 15_000 },
    );
    expect(await tabB.getByLabel('Your instructions').inputValue()).toBe('Answer in one sentence.');
    // What describes the field is not its name: the name stays put as she types.
    expect(await tabA.getByRole('textbox', { name: 'Your instructions', exact: true }).count()).toBe(1);
    await tabB.getByRole('radio', { name: 'Light' }).check();
    await tabA.locator('html[data-theme="light"]').waitFor({ state: 'attached', ...WAIT });
  });
});

// API keys in the console, in a real browser: the admin issues a key, sees it once (with the
// warning that it will not be shown again), finds it listed, and revokes it after confirming;
// the key opens the feed until then and not after. Axe on each state.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page;
const contexts: BrowserContext[] = [];

describe.skipIf(withoutBrowser)('API keys in the console', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await ana.waitForURL(/\/home$/);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('issues a key shown once, lists it, and revokes it after a confirmation', async () => {
    await ana.goto(`${hub.url}/admin`);
    await ana
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'API keys' })
      .click();
    await ana.waitForURL(/\/admin\/keys$/);
    await ana.getByText('No keys yet.').waitFor();
    await expectAccessible(ana, 'the keys page, empty');

    const form = ana.getByRole('form', { name: 'New API key' });
    await form.getByLabel('Name').fill('Home Assistant');
    await form.getByRole('checkbox', { name: 'chat (events)' }).check();
    await form.getByRole('button', { name: 'Issue key' }).click();
    const made = ana.getByTestId('key-made');
    await made.getByText('this key will not be shown again').waitFor();
    const key = await made.getByLabel(/New key/).inputValue();
    expect(key).toMatch(/^hk_/);
    await ana.getByTestId('key-row').filter({ hasText: 'Home Assistant' }).waitFor();
    await expectAccessible(ana, 'a key just issued');

    const feed = () =>
      ana.request.get(`${hub.url}/api/v1/events?subjects=${encodeURIComponent('x')}`, {
        headers: { Authorization: `Bearer ${key}` },
      });
    // Any answer but 401: the key is known (the subjects are refused for their shape).
    expect((await feed()).status()).toBe(400);

    // Shown once: the page opened again lists the key, never the key itself.
    await ana.reload();
    await ana.getByTestId('key-row').filter({ hasText: 'Home Assistant' }).waitFor();
    expect(await ana.getByTestId('key-made').count()).toBe(0);
    expect(await ana.content()).not.toContain(key);

    await ana.getByRole('button', { name: 'Revoke the key Home Assistant' }).click();
    const dialog = ana.getByRole('dialog', { name: 'Revoke this key?' });
    await dialog.waitFor();
    await expectAccessible(ana, 'the revoke confirmation');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await ana.locator('[data-testid="key-row"][data-status="revoked"]').waitFor();
    expect((await feed()).status()).toBe(401);
  });
});

// Webhooks in the console, in a real browser: the admin adds one pointing at a receiver on
// loopback (the secret the hub made shown once), sees an event delivered, then one to a dead
// receiver lands in the dead letters and is sent again with Retry; and the webhook is removed
// after a confirmation. Axe on each state.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../test/webhook-receiver.ts';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const contexts: BrowserContext[] = [];
let failing = true;

describe.skipIf(withoutBrowser)('webhooks in the console', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    receiver = await startReceiver((r) => (r.path === '/down' && failing ? 503 : 200));
    [hub, browser] = await Promise.all([
      startBrowserHub({
        integrators: {
          webhooks: { timeoutMs: 1000, attempts: 2, backoffMs: 100, backoffMaxMs: 200, pollMs: 100 },
        },
      }),
      launchChromium(),
    ]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await ana.waitForURL(/\/home$/);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
    await receiver?.stop();
  });

  it('adds a webhook, shows deliveries and dead letters, retries one, and removes it', async () => {
    const identity = hub.hub.deps.log.names.domainFilter('identity');
    await ana.goto(`${hub.url}/admin`);
    await ana
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'Webhooks' })
      .click();
    await ana.waitForURL(/\/admin\/webhooks$/);
    await ana.getByText('No webhooks yet.').waitFor();
    await expectAccessible(ana, 'the webhooks page, empty');

    const form = ana.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('Name').fill('Down receiver');
    await form.getByLabel('URL').fill(receiver.url('/down'));
    await form.getByLabel('Subjects').fill(identity);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const made = ana.getByTestId('webhook-made');
    await made.getByText('this secret will not be shown again').waitFor();
    expect(await made.getByLabel('The webhook’s secret').inputValue()).toMatch(/^whsec_/);
    await ana.getByTestId('webhook-row').filter({ hasText: 'Down receiver' }).waitFor();

    // It follows from its own registration on: that event and the second webhook's go to the
    // receiver that fails, twice each, and are dead.
    await form.getByLabel('Name').fill('Up receiver');
    await form.getByLabel('URL').fill(receiver.url('/up'));
    await form.getByLabel('Subjects').fill(identity);
    await form.getByLabel(/Secret/).fill('an-admins-own-secret-1234');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await ana.getByTestId('webhook-row').filter({ hasText: 'Up receiver' }).waitFor();
    const dead = ana.getByTestId('dead-row').filter({ hasText: 'Down receiver' });
    await dead.nth(1).waitFor({ timeout: 15_000 });
    expect(await dead.first().textContent()).toContain('HTTP 503');
    await expectAccessible(ana, 'dead letters');

    failing = false;
    await dead
      .first()
      .getByRole('button', { name: /^Retry/ })
      .click();
    await ana.getByTestId('dead-row').nth(1).waitFor({ state: 'detached' });
    await dead
      .first()
      .getByRole('button', { name: /^Retry/ })
      .click();
    await ana.getByText('No dead letters.').waitFor();
    const delivered = ana
      .locator('[data-testid="delivery-row"][data-status="delivered"]')
      .filter({ hasText: 'Down receiver' });
    await delivered.nth(1).waitFor({ timeout: 15_000 });
    // Two attempts each, then one more each on Retry.
    expect(receiver.at('/down').length).toBe(6);

    await ana.getByRole('button', { name: 'Remove the webhook Down receiver' }).click();
    const dialog = ana.getByRole('dialog', { name: 'Remove this webhook?' });
    await dialog.waitFor();
    await expectAccessible(ana, 'the remove confirmation');
    await dialog.getByRole('button', { name: 'Remove webhook' }).click();
    await ana.getByTestId('webhook-row').filter({ hasText: 'Down receiver' }).waitFor({ state: 'detached' });
  });
});

// Stream inspection in a real browser: an admin looks at the streams and the consumers' chart,
// browses a stream and opens an event (its headers, its personal fields withheld), then travels
// in time through a channel's history, by its buttons and by the slider. axe-core checks each
// screen.
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
const channel = { id: '', created: 0, archived: 0 };

describe.skipIf(withoutBrowser)('stream inspection in the console', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub({ openSignup: false }), launchChromium()]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await ana.waitForURL(/\/home$/);
    const made = await ana.request.post(`${hub.url}/api/v1/channels`, { data: { name: 'Sunday evening' } });
    const body = (await made.json()) as { id: string; seq: number };
    channel.id = body.id;
    channel.created = body.seq;
    const archived = await ana.request.post(`${hub.url}/api/v1/channels/${body.id}/archive`, { data: {} });
    channel.archived = ((await archived.json()) as { seq: number }).seq;
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('shows the streams, and the consumers with their chart', async () => {
    await ana.goto(`${hub.url}/admin/streams`);
    const chat = ana.getByTestId('stream-row').and(ana.locator('[data-domain="chat"]'));
    await chat.waitFor();
    expect(await ana.title()).toBe('Streams · Family console · Hearth');
    await expectAccessible(ana, 'console: streams');

    await ana.getByRole('link', { name: 'Consumers', exact: true }).click();
    await ana.locator('[data-testid="consumer-row"][data-name="identity_users"]').waitFor();
    await ana.locator('[data-testid="lag-chart"]:not([data-points="0"])').first().waitFor();
    await expectAccessible(ana, 'console: consumers');
  });

  it('browses a stream and opens an event, its personal fields withheld', async () => {
    await ana.getByRole('link', { name: 'Streams', exact: true }).click();
    await ana.getByRole('link', { name: /IDENTITY$/ }).click();
    await ana.waitForURL(/\/admin\/browse\?domain=identity$/);
    const registered = ana.getByTestId('event').filter({ hasText: 'UserRegistered' }).first();
    await registered.getByTestId('personal-mark').filter({ hasText: 'withheld' }).waitFor();
    await registered.getByRole('button').click();
    const detail = registered.getByTestId('event-detail');
    await detail.getByText('hearth.identity.v1.UserRegistered').first().waitFor();
    expect(await detail.textContent()).not.toContain('ana@example.com');
    await expectAccessible(ana, 'console: browse');

    // The filters are the URL: a channel's events from its archive on.
    await ana.getByLabel('Stream').selectOption('chat');
    await ana.getByLabel('From sequence').fill(String(channel.archived));
    await ana.getByRole('button', { name: 'Show events' }).click();
    await ana.waitForURL(new RegExp(`domain=chat&from_seq=${channel.archived}`));
    await ana
      .locator(`[data-testid="event"][data-seq="${channel.archived}"]`)
      .getByTestId('event-detail')
      .waitFor();
  });

  it('travels in time through a channel', async () => {
    await ana.getByRole('link', { name: 'Time travel', exact: true }).click();
    await ana.getByLabel('Aggregate type').selectOption('chat.channel');
    await ana.getByRole('textbox', { name: 'Aggregate id' }).fill(channel.id);
    await ana.getByRole('button', { name: 'Show', exact: true }).click();
    const at = (seq: number) => ana.locator(`[data-testid="aggregate"][data-version="${seq}"]`);
    await at(channel.archived).waitFor();
    expect(await ana.getByTestId('aggregate-state').textContent()).toContain('"status": "archived"');
    await expectAccessible(ana, 'console: time travel');

    await ana.getByRole('button', { name: `State after #${channel.created}` }).click();
    await at(channel.created).waitFor();
    expect(await ana.getByTestId('aggregate-state').textContent()).toContain('"status": "open"');
    expect(ana.url()).toContain(`at_seq=${channel.created}`);

    await ana.getByRole('slider').fill('0');
    await at(0).waitFor();
    await ana.getByRole('slider').fill(String(await ana.getByTestId('history-event').count()));
    await at(channel.archived).waitFor();
  });
});

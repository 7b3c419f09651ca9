// Lineage in a real browser: from the read models, an admin opens chat_messages' rows, follows
// an edited message's row to the event that last touched it (MessageEdited, in the browse
// screen) and from there to its aggregate's history in time travel. axe-core checks the rows.
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
const made = { channel: '', message: '', posted: 0, edited: 0 };

describe.skipIf(withoutBrowser)('lineage in the console', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub({ openSignup: false }), launchChromium()]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await ana.waitForURL(/\/home$/);
    const channel = await ana.request.post(`${hub.url}/api/v1/channels`, { data: { name: 'Lineage' } });
    made.channel = ((await channel.json()) as { id: string }).id;
    const posted = await ana.request.post(`${hub.url}/api/v1/messages`, {
      data: { channel: made.channel, content: 'first words' },
    });
    const body = (await posted.json()) as { id: string; seq: number };
    made.message = body.id;
    made.posted = body.seq;
    const edited = await ana.request.patch(`${hub.url}/api/v1/channels/${made.channel}/messages/${body.id}`, {
      data: { content: 'second thoughts' },
    });
    made.edited = ((await edited.json()) as { seq: number }).seq;
    // The rows screen loads once: the edit must be in chat_messages before it is opened.
    expect(await hub.hub.deps.projectors.waitFor('chat_messages', made.edited, 10_000)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('follows a row to its last event and on to its aggregate’s history', async () => {
    await ana.goto(`${hub.url}/admin/read-models`);
    await ana.getByRole('link', { name: 'Rows of chat_messages' }).click();
    await ana.waitForURL(/\/admin\/read-models\/rows\?model=chat_messages$/);
    expect(await ana.title()).toBe('Rows of chat_messages · Family console · Hearth');
    // The row shows its key and its last event, never its words.
    const row = ana.locator(
      `[data-testid="lineage-row"][data-key='${JSON.stringify([made.channel, made.message])}']`,
    );
    const link = row.getByRole('link', { name: `event ${made.edited}` });
    await link.waitFor();
    expect(await ana.getByRole('table').textContent()).not.toContain('second thoughts');
    await expectAccessible(ana, 'console: read model rows');

    await link.click();
    await ana.waitForURL(new RegExp(`/admin/browse\\?domain=chat&from_seq=${made.edited}$`));
    const detail = ana
      .locator(`[data-testid="event"][data-seq="${made.edited}"]`)
      .getByTestId('event-detail');
    await detail.getByText('hearth.chat.v1.MessageEdited').first().waitFor();

    await detail
      .getByRole('link', { name: `History of chat.message ${made.channel}:${made.message}` })
      .click();
    await ana.waitForURL(/\/admin\/aggregate\?/);
    await ana.locator(`[data-testid="aggregate"][data-version="${made.edited}"]`).waitFor();
    const history = ana.getByTestId('history-event');
    await history.nth(1).waitFor();
    expect(await history.count()).toBe(2);
    expect(await history.nth(0).textContent()).toContain('MessagePosted');
    expect(await history.nth(1).textContent()).toContain('MessageEdited');
  });
});

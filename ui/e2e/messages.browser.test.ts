// What people do to messages, in real Chromium pages on a real hub: mention someone, reply,
// react, edit, delete, and scroll back through a long history.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { DESKTOP, hasChromium, launchChromium, PHONE } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { badge, composer, messageItem, messageText, openPage, row, send, signUp } from './people.ts';

const SHOTS = process.env.HEARTH_SCREENSHOTS ?? join(tmpdir(), 'hearth-screenshots');

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // desktop
let ben: Page; // phone
const contexts: BrowserContext[] = [];

/** Clicking (tapping) a message shows its actions, on a phone as on a desktop. */
async function act(page: Page, text: string, action: string) {
  await messageItem(page, text).click();
  await messageItem(page, text).getByRole('button', { name: action, exact: true }).click();
}

describe.skipIf(!hasChromium() && !process.env.CI)('messages in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    await mkdir(SHOTS, { recursive: true });
    ana = await openPage(browser, DESKTOP, contexts);
    ben = await openPage(browser, PHONE, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await signUp(ben, hub.url, 'Ben Example', 'ben@example.com');
    await row(ben, 'family').click();
    await row(ana, 'family').click();
    await ana.waitForURL(/\/c\/family$/);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('mentions a person, who sees it highlighted', async () => {
    await composer(ana).pressSequentially('Hi @Be');
    await ana.getByRole('list', { name: 'People to mention' }).getByText('@Ben Example').waitFor();
    await composer(ana).press('Enter');
    await expect.poll(() => composer(ana).inputValue()).toBe('Hi @Ben Example ');
    await composer(ana).pressSequentially('dinner at 7?');
    await composer(ana).press('Enter');
    const mention = messageText(ben, 'dinner at 7?').locator('span', { hasText: '@Ben Example' });
    await mention.waitFor();
    expect(await mention.getAttribute('class')).toContain('text-primary');
  });

  it('replies to a message, and the reply quotes it', async () => {
    await act(ben, 'dinner at 7?', 'Reply');
    await ben.getByText(/Replying to .*dinner at 7\?/).waitFor();
    await send(ben, 'Yes please!');
    await messageItem(ana, 'Yes please!')
      .getByText(/dinner at 7\?/)
      .waitFor();
  });

  it('reacts to a message, and the other person sees the count', async () => {
    await act(ana, 'Yes please!', 'React');
    await ana.getByRole('button', { name: 'React 👍' }).click();
    await messageItem(ben, 'Yes please!').getByRole('button', { name: '👍 1' }).waitFor();
  });

  it('edits one’s own message everywhere', async () => {
    await act(ana, 'dinner at 7?', 'Edit');
    await expect.poll(() => composer(ana).inputValue()).toBe('Hi @Ben Example dinner at 7?');
    await composer(ana).fill('Hi @Ben Example dinner at 8?');
    await composer(ana).press('Enter');
    await messageText(ben, 'dinner at 8?').getByText('(edited)').waitFor();
    expect(await messageText(ben, 'dinner at 7?').count()).toBe(0);
  });

  it('deletes one’s own message, leaving a tombstone', async () => {
    await send(ana, 'Oops, wrong chat');
    await messageText(ben, 'Oops, wrong chat').waitFor();
    await act(ana, 'Oops, wrong chat', 'Delete');
    await messageText(ben, 'Oops, wrong chat').waitFor({ state: 'detached' });
    await ben.getByText('This message was deleted.').waitFor();
    await ana.screenshot({ path: join(SHOTS, 'desktop-message-actions.png') });
    await ben.screenshot({ path: join(SHOTS, 'phone-message-actions.png') });
  });

  it('loads earlier history as the reader scrolls up', async () => {
    await ana.getByRole('button', { name: 'New channel' }).click();
    await ana.getByLabel('Channel name').fill('Holidays');
    await ana.getByRole('checkbox', { name: 'Ben Example' }).check();
    await ana.getByRole('button', { name: 'Create channel' }).click();
    await ana.waitForURL(/\/c\/[0-9A-Z]{26}$/);
    const channel = new URL(ana.url()).pathname.slice('/c/'.length);
    // Ben is in it at once, on his list.
    await ben.getByRole('button', { name: 'All channels' }).click();
    await row(ben, channel).filter({ hasText: 'Holidays' }).waitFor();

    // Sixty messages, posted over the public REST API from Ana's page.
    await ana.evaluate(async (id) => {
      for (let i = 1; i <= 60; i++)
        await fetch('/api/v1/messages', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ channel: id, content: `Holiday note ${i}` }),
        });
    }, channel);
    await badge(ben, channel).filter({ hasText: '60' }).waitFor();
    // A fresh page knows only the newest page of it.
    await ana.goto(`${hub.url}/c/${channel}`);
    await messageText(ana, 'Holiday note 60').waitFor();
    const first = messageText(ana, /^Holiday note 1$/);
    expect(await first.count()).toBe(0);

    await ana.getByTestId('messages').evaluate((el) => el.scrollTo({ top: 0 }));
    await first.waitFor();
    await ana.getByText('This is the beginning.').waitFor();
    // The reader keeps their place among the older messages instead of being sent to the end.
    const atBottom = await ana
      .getByTestId('messages')
      .evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 48);
    expect(atBottom).toBe(false);
  });
});

// What people do to messages, in real Chromium pages on a real hub: mention someone at full
// typing speed, reply, react, edit, delete (only what the edge allows), send a text too long
// for one message, and scroll back through a long history.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, PHONE, SHOTS, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { badge, composer, messageItem, messageText, openPage, row, send, signUp } from './people.ts';

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

const mentionList = (page: Page) => page.getByRole('listbox', { name: 'People to mention' });

/** What the edge grants this page's person (the table every route checks). */
const granted = (page: Page) =>
  page.evaluate(
    async () => ((await (await fetch('/api/v1/me/permissions')).json()) as { granted: string[] }).granted,
  );

/** Every control on the page that names a permission names one the edge grants. */
async function expectOnlyGranted(page: Page) {
  // Read in one go: a control may change while a locator walks the page.
  const requires = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-requires]'), (e) => e.getAttribute('data-requires') ?? ''),
  );
  const mine = await granted(page);
  for (const r of requires) expect(mine, `data-requires="${r}"`).toContain(r);
}

/** Picks the suggested person, then types on at full speed, as a fast typist does. */
async function mentionThenType(
  page: Page,
  before: string,
  pick: (page: Page) => Promise<void>,
  after: string,
) {
  await composer(page).focus();
  await page.keyboard.type(before, { delay: 0 });
  await mentionList(page).getByRole('option', { name: '@Ben Example' }).waitFor();
  await pick(page);
  await page.keyboard.type(after, { delay: 0 });
  await page.keyboard.press('Enter');
}

describe.skipIf(withoutBrowser)('messages in a browser', () => {
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

  it('mentions a person at full typing speed, who sees it highlighted', async () => {
    await mentionThenType(ana, 'Hi @Be', (p) => p.keyboard.press('Enter'), 'dinner at 7?');
    const mention = messageText(ben, 'dinner at 7?').locator('[data-mention]', { hasText: '@Ben Example' });
    await mention.waitFor();
    expect(await messageText(ben, 'dinner at 7?').textContent()).toBe('Hi @Ben Example dinner at 7?');
    expect(await mention.getAttribute('data-mention')).toBe('me');
  });

  it('keeps what is typed right after a pick with Tab or a click in its place', async () => {
    await mentionThenType(ana, 'Thanks @Be', (p) => p.keyboard.press('Tab'), ' you are the best');
    await expect
      .poll(() => messageText(ben, 'you are the best').textContent())
      .toBe('Thanks @Ben Example  you are the best');

    await mentionThenType(
      ana,
      'And @Be',
      (p) => mentionList(p).getByRole('option', { name: '@Ben Example' }).click(),
      'again, quickly',
    );
    await expect
      .poll(() => messageText(ben, 'again, quickly').textContent())
      .toBe('And @Ben Example again, quickly');
  });

  it('exposes the mention list to assistive technology', async () => {
    await composer(ana).focus();
    await ana.keyboard.type('@Be', { delay: 0 });
    const option = mentionList(ana).getByRole('option', { name: '@Ben Example' });
    await option.waitFor();
    expect(await composer(ana).getAttribute('aria-expanded')).toBe('true');
    expect(await composer(ana).getAttribute('aria-controls')).toBe(await mentionList(ana).getAttribute('id'));
    expect(await composer(ana).getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await expectAccessible(ana, 'the open mention list');
    await ana.keyboard.press('Escape');
    await expect.poll(() => composer(ana).getAttribute('aria-expanded')).toBe('false');
    await composer(ana).fill('');
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

  it('offers a member no action on someone else’s message that the edge would refuse', async () => {
    await send(ana, 'Only the admin may remove this');
    const item = messageItem(ben, 'Only the admin may remove this');
    await item.click();
    await item.getByRole('button', { name: 'React', exact: true }).waitFor();
    expect(await item.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
    expect(await item.getByRole('button', { name: 'Edit', exact: true }).count()).toBe(0);
    expect(await granted(ben)).not.toContain('chat.moderate');
    await expectOnlyGranted(ben);
  });

  it('lets the admin delete someone else’s message, as the edge allows', async () => {
    await send(ben, 'A message the admin removes');
    const item = messageItem(ana, 'A message the admin removes');
    await item.click();
    const remove = item.getByRole('button', { name: 'Delete', exact: true });
    expect(await remove.getAttribute('data-requires')).toBe('chat.moderate');
    await expectOnlyGranted(ana);
    await remove.click();
    await messageText(ben, 'A message the admin removes').waitFor({ state: 'detached' });
  });

  it('offers a text too long for one message as several, in order, and folds them', async () => {
    const paragraph = (n: number) =>
      `Paragraph ${n}: ${'The family met by the fire and told the old stories again. '.repeat(15).trim()}`;
    const long = [1, 2, 3, 4, 5, 6].map(paragraph).join('\n\n');
    expect(long.length).toBeGreaterThan(5000);
    await composer(ana).fill(long);
    const notice = ana.getByTestId('too-long');
    await notice.getByText(/too long for one message/).waitFor();
    // Nothing was cut, and the box says why Send waits.
    expect(await composer(ana).inputValue()).toBe(long);
    expect(await ana.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await expectAccessible(ana, 'the long-text notice');
    await ana.screenshot({ path: join(SHOTS, 'desktop-long-text.png') });

    await notice.getByRole('button', { name: 'Send as 2 messages' }).click();
    await expect.poll(() => composer(ana).inputValue()).toBe('');
    await messageText(ben, /^Paragraph 5:/).waitFor();
    const texts = await ben
      .getByTestId('message-text')
      .evaluateAll((els) => els.slice(-2).map((e) => e.textContent ?? ''));
    expect(texts[0]?.startsWith('Paragraph 1:')).toBe(true);
    expect(texts.join('\n\n')).toBe(long);

    // Each part is long: folded behind a real button that says whether it is open.
    const first = messageItem(ben, 'Paragraph 1:');
    const more = first.getByRole('button', { name: 'Show more' });
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    const clipped = () =>
      messageText(ben, 'Paragraph 1:').evaluate((el) => el.scrollHeight > el.clientHeight);
    await expect.poll(clipped).toBe(true);
    await expectAccessible(ben, 'a folded long message');
    await ben.screenshot({ path: join(SHOTS, 'phone-folded-message.png') });
    await more.click();
    const less = first.getByRole('button', { name: 'Show less' });
    expect(await less.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(clipped).toBe(false);
  });

  it('offers each person only the channel changes the edge allows them', async () => {
    // Ana (the admin) starts a group with Ben in it.
    const channel = await ana.evaluate(async () => {
      const people = (await (await fetch('/api/v1/people')).json()) as { id: string; name: string }[];
      const ben = people.find((p) => p.name === 'Ben Example')?.id ?? '';
      const res = await fetch('/api/v1/channels', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Plans', members: [ben] }),
      });
      return ((await res.json()) as { id: string }).id;
    });
    await ben.goto(`${hub.url}/c/${channel}`);
    await ben.getByTestId('channel-title').filter({ hasText: 'Plans' }).waitFor();
    await ben.getByRole('button', { name: 'Members' }).click();
    const panel = ben.getByRole('region', { name: 'Members of #Plans' });
    await panel.getByText('started it').waitFor();
    // A member may leave, and add someone; removing others and archiving are not theirs.
    await panel.getByRole('button', { name: 'Leave' }).waitFor();
    expect(await panel.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    expect(await panel.getByRole('button', { name: 'Archive channel' }).count()).toBe(0);
    await expectOnlyGranted(ben);
    await expectAccessible(ben, 'a channel’s members');
    await ben.screenshot({ path: join(SHOTS, 'phone-channel-members.png') });
    // Escape closes it, and focus goes back to its button.
    await ben.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await expect
      .poll(() => ben.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Members');

    // The admin may remove Ben and archive it.
    await ana.goto(`${hub.url}/c/${channel}`);
    await ana.getByRole('button', { name: 'Members' }).click();
    const admin = ana.getByRole('region', { name: 'Members of #Plans' });
    await admin.getByText('started it').waitFor();
    await admin.getByRole('button', { name: 'Remove Ben Example' }).waitFor();
    await expectOnlyGranted(ana);
    await admin.getByRole('button', { name: 'Archive channel' }).click();
    await ben.getByText('This channel is archived.').waitFor();
    // The button is gone with the change it made; the panel keeps the focus.
    await expect
      .poll(() => ana.evaluate(() => document.activeElement?.textContent))
      .toBe('Members of #Plans');
    // Back where the next test expects Ana: the family channel.
    await row(ana, 'family').click();
    await ana.waitForURL(/\/c\/family$/);
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

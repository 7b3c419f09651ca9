// Chat and Play by keyboard alone, in real Chromium on a real hub: send, reply, react, edit my
// own message, move between messages, open a direct message, switch Play's tabs. After sign-up
// (signing in by keyboard is the sign-in page's test) no mouse is used, focus never falls to
// the page, and axe checks every state on the way.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { badge, composer, messageItem, messageText, openPage, row, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // keyboard only
let ben: Page; // watches what arrives
const contexts: BrowserContext[] = [];

type Focused = {
  tag: string;
  label: string | null;
  channel: string | null;
  /** The aria-label of the message the focus is in, if any. */
  message: string | null;
};

const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const el = document.activeElement ?? document.body;
    return {
      tag: el.tagName,
      label: el.getAttribute('aria-label'),
      channel: el.getAttribute('data-channel'),
      message: el.closest('article')?.getAttribute('aria-label') ?? null,
    };
  });

/** Presses `key` until the focus is where `match` says (within `max` presses). */
async function pressUntil(
  page: Page,
  key: string,
  match: (f: Focused) => boolean,
  max = 60,
): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (match(f)) return f;
  }
  throw new Error(`${key} never reached the element (now on ${JSON.stringify(await focused(page))})`);
}

/** Waits until the focus is where `match` says: focus moves as the UI updates, never later. */
const focusIs = (page: Page, match: (f: Focused) => boolean) =>
  expect
    .poll(
      async () => {
        const f = await focused(page);
        return match(f) || f;
      },
      { timeout: 5_000 },
    )
    .toBe(true);

const onComposer = (f: Focused) => f.label === 'Message';
const action = (label: string, message: string) => (f: Focused) =>
  f.label === label && (f.message ?? '').includes(message);

describe.skipIf(withoutBrowser)('chat by keyboard alone', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    ana = await openPage(browser, DESKTOP, contexts);
    ben = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await signUp(ben, hub.url, 'Ben Example', 'ben@example.com');
    await row(ben, 'family').click();
    await ben.waitForURL(/\/c\/family$/);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('opens the family channel and sends a message', async () => {
    await ana.waitForURL(/\/home$/);
    await pressUntil(ana, 'Tab', (f) => f.channel === 'family');
    await ana.keyboard.press('Enter');
    await ana.waitForURL(/\/c\/family$/);
    await expect.poll(() => ana.title()).toBe('Family · Hearth');
    await pressUntil(ana, 'Tab', onComposer);
    await ana.keyboard.type('Hello from the keyboard');
    await ana.keyboard.press('Enter');
    await messageText(ben, 'Hello from the keyboard').waitFor();
    await messageItem(ana, 'Hello from the keyboard').and(ana.locator('[data-status="sent"]')).waitFor();
    await expectAccessible(ana, 'the conversation');
  });

  it('reaches the newest message’s actions with Shift+Tab from the composer, and replies', async () => {
    await focusIs(ana, onComposer);
    await pressUntil(ana, 'Shift+Tab', action('Reply', 'Hello from the keyboard'), 6);
    await ana.keyboard.press('Enter');
    await ana.getByText(/Replying to .*Hello from the keyboard/).waitFor();
    await focusIs(ana, onComposer);
    await ana.keyboard.type('A reply by keyboard');
    await ana.keyboard.press('Enter');
    await messageItem(ben, 'A reply by keyboard')
      .getByText(/Hello from the keyboard/)
      .waitFor();
  });

  it('reacts: the picker takes focus, closes on Escape, and gives focus back to its opener', async () => {
    await messageItem(ana, 'A reply by keyboard').and(ana.locator('[data-status="sent"]')).waitFor();
    await pressUntil(ana, 'Shift+Tab', action('React', 'A reply by keyboard'), 6);
    await ana.keyboard.press('Enter');
    await focusIs(ana, (f) => f.label === 'React 👍');
    await expectAccessible(ana, 'the open reaction picker');

    await ana.keyboard.press('Escape');
    await ana.getByRole('button', { name: 'React 👍' }).waitFor({ state: 'detached' });
    await focusIs(ana, action('React', 'A reply by keyboard'));

    await ana.keyboard.press('Enter');
    await focusIs(ana, (f) => f.label === 'React 👍');
    await ana.keyboard.press('ArrowRight');
    await focusIs(ana, (f) => f.label === 'React ❤️');
    await ana.keyboard.press('Enter');
    await messageItem(ben, 'A reply by keyboard').getByRole('button', { name: '❤️ 1' }).waitFor();
    await focusIs(ana, action('React', 'A reply by keyboard'));
  });

  it('edits my own message: ArrowUp in the empty composer, or the message’s Edit', async () => {
    await pressUntil(ana, 'Tab', onComposer);
    await ana.keyboard.press('ArrowUp');
    await ana.getByText('Editing your message').waitFor();
    await expect.poll(() => composer(ana).inputValue()).toBe('A reply by keyboard');
    await ana.keyboard.press('ControlOrMeta+A');
    await ana.keyboard.type('A reply, edited by keyboard');
    await ana.keyboard.press('Enter');
    await messageText(ben, 'A reply, edited by keyboard').getByText('(edited)').waitFor();

    await pressUntil(ana, 'Shift+Tab', action('Edit', 'A reply, edited by keyboard'), 6);
    await ana.keyboard.press('Enter');
    await focusIs(ana, onComposer);
    await expect.poll(() => composer(ana).inputValue()).toBe('A reply, edited by keyboard');
    await ana.keyboard.press('Escape');
    await expect.poll(() => composer(ana).inputValue()).toBe('');
  });

  it('moves between messages with the arrow keys, each with its actions', async () => {
    await focusIs(ana, onComposer);
    await pressUntil(ana, 'Shift+Tab', (f) => f.tag === 'ARTICLE', 10);
    expect((await focused(ana)).message).toContain('A reply, edited by keyboard');
    await ana.keyboard.press('ArrowUp');
    await focusIs(ana, (f) => f.tag === 'ARTICLE' && (f.message ?? '').includes('Hello from the keyboard'));
    await pressUntil(ana, 'Tab', action('Reply', 'Hello from the keyboard'), 3);
  });

  it('opens a direct message: arrow keys in the picker, Escape back to its opener, then the composer', async () => {
    await pressUntil(ana, 'Tab', (f) => f.label === 'New direct message', 80);
    await ana.keyboard.press('Enter');
    const find = ana.getByRole('combobox', { name: 'Find a person' });
    await focusIs(ana, (f) => f.label === 'Find a person');
    const option = ana
      .getByRole('listbox', { name: 'People to write to' })
      .getByRole('option', { name: /Ben Example/ });
    await option.waitFor();
    await ana.keyboard.press('ArrowDown');
    expect(await find.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await expectAccessible(ana, 'the direct-message picker');

    await ana.keyboard.press('Escape');
    await find.waitFor({ state: 'detached' });
    await focusIs(ana, (f) => f.label === 'New direct message');

    await ana.keyboard.press('Enter');
    await focusIs(ana, (f) => f.label === 'Find a person');
    await ana.keyboard.type('Ben');
    await ana.keyboard.press('Enter');
    await ana.waitForURL(/\/c\/dm-/);
    await focusIs(ana, onComposer);
    await ana.keyboard.type('Hi Ben, by keyboard');
    await ana.keyboard.press('Enter');
    const dm = new URL(ana.url()).pathname.slice('/c/'.length);
    await badge(ben, dm).filter({ hasText: '1' }).waitFor();
    await expectAccessible(ana, 'a direct message');
  });

  it('opens Play and switches its tabs', async () => {
    const href = () => ana.evaluate(() => document.activeElement?.getAttribute('href') ?? null);
    const tabTo = async (target: string) => {
      for (let i = 0; i < 80; i++) {
        await ana.keyboard.press('Tab');
        if ((await href()) === target) return;
      }
      throw new Error(`Tab never reached ${target}`);
    };
    await tabTo('/play');
    await ana.keyboard.press('Enter');
    await ana.waitForURL(/\/play$/);
    // The new page takes focus to its heading; the sections come next.
    await expect.poll(() => ana.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await tabTo('/play/chores');
    await ana.keyboard.press('Enter');
    await ana.waitForURL(/\/play\/chores$/);
    await expect.poll(() => ana.title()).toBe('Chores · Play · Hearth');
    await tabTo('/play/boards');
    await ana.keyboard.press('Enter');
    await ana.waitForURL(/\/play\/boards$/);
    await expectAccessible(ana, 'Play by keyboard');
  });
});

// Helpers for browser tests: a person is a page in a context of their own (own cookies),
// driven the way a person would, through labels and roles.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DESKTOP, PHONE } from './browser.ts';

export const PASSWORD = 'correct horse battery';
const UI_TIMEOUT = 10_000;

export async function openPage(
  browser: Browser,
  options: typeof DESKTOP | typeof PHONE,
  contexts: BrowserContext[],
): Promise<Page> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(UI_TIMEOUT);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  // "Delete this message for everyone?" and the like: the person says yes.
  page.on('dialog', (d) => void d.accept());
  return page;
}

export async function signUp(page: Page, url: string, name: string, email: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await fillSignUp(page, name, email);
  await page.getByTestId('me').filter({ hasText: name }).waitFor();
}

/** Opens an invite link as the person it was sent to would, and signs up with it. */
export async function signUpWithInvite(page: Page, link: string, name: string, email: string): Promise<void> {
  await page.goto(link);
  await fillSignUp(page, name, email);
  await page.getByTestId('me').filter({ hasText: name }).waitFor();
}

/** The sign-up form, filled and sent; what follows is the caller's to wait for. */
export async function fillSignUp(page: Page, name: string, email: string): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

// The message box is a combobox: it offers people to @mention as you type.
export const composer = (page: Page) => page.getByRole('combobox', { name: 'Message', exact: true });
export const row = (page: Page, channel: string) => page.locator(`nav a[data-channel="${channel}"]`);
export const badge = (page: Page, channel: string) => row(page, channel).getByTestId('unread');
export const messageText = (page: Page, text: string | RegExp) =>
  page.getByTestId('message-text').filter({ hasText: text });
/** The message whose own text (not a quote of it in a reply) has this text. */
export const messageItem = (page: Page, text: string) =>
  page.locator('article').filter({ has: messageText(page, text) });

export async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

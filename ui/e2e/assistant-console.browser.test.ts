// The assistant's console screens in real Chromium on a real hub, its model server on loopback
// (test/ollama.ts): Ana (the admin) allows children a model and gives Kit (a child) a quota,
// and a save over another admin's is told and reloaded; Kit's assistant screen says plainly
// that parents can read it, and Kit asks; Ana sees Kit's usage charted (and as a table), reads
// Kit's transcript read-only; Kit is offered none of it. axe-core checks every screen.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER, type FakeOllama, startFakeOllama } from '../../test/ollama.ts';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

const MODEL = 'llama3.2';
const PROMPT = 'Help me with my homework';

let hub: BrowserHub;
let browser: Browser;
let ollama: FakeOllama;
let ana: Page; // the first account: the admin
let kit: Page; // made a child by Ana
let kitId: string;
const contexts: BrowserContext[] = [];

const tab = (page: Page, name: string) => page.getByRole('link', { name, exact: true }).click();
const settings = async (page: Page) =>
  (await (await page.request.get(`${hub.url}/api/v1/admin/assistant/settings`)).json()) as {
    version: number;
    allowed_models: { role: string; models: string[] }[];
    quotas: { member_id: string; tokens_per_day: number; requests_per_minute: number }[];
  };

describe.skipIf(withoutBrowser)('the assistant in the console', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    ollama = await startFakeOllama();
    [hub, browser] = await Promise.all([
      startBrowserHub({ env: { OLLAMA_URL: ollama.url, HEARTH_ASSISTANT_MODEL: MODEL } }),
      launchChromium(),
    ]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    kit = await openPage(browser, DESKTOP, contexts);
    await signUp(kit, hub.url, 'Kit Example', 'kit@example.com');
    kitId = ((await (await kit.request.get(`${hub.url}/api/v1/me`)).json()) as { id: string }).id;
    const made = await ana.request.post(`${hub.url}/api/v1/admin/users/${kitId}/role`, {
      data: { role: 'child' },
    });
    expect(made.status()).toBeLessThan(300);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
    await ollama?.stop();
  });

  it('lets the admin allow children a model and set a quota, and says so when another admin saved first', async () => {
    await ana.goto(`${hub.url}/admin`);
    await tab(ana, 'Assistant settings');
    await ana.waitForURL(/\/admin\/assistant\/settings$/);
    const children = ana.locator('[data-testid="models-role"][data-role="child"]');
    await children.getByLabel('No model: children cannot use the assistant').waitFor();
    expect(await children.getByLabel('No model: children cannot use the assistant').isChecked()).toBe(true);
    expect(await ana.title()).toBe('Assistant settings · Family console · Hearth');
    await expectAccessible(ana, 'console: assistant settings');

    await children.getByLabel('Only these models').check();
    // A name the edge would refuse is named before anything is sent, and its field marked.
    const models = ana.getByLabel('Models allowed for children');
    await models.fill('llama 3?');
    await ana.getByRole('button', { name: 'Save assistant settings' }).click();
    await ana.getByRole('alert').filter({ hasText: '“3?” is not a model name' }).waitFor();
    expect(await models.getAttribute('aria-invalid')).toBe('true');
    expect(await models.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await settings(ana)).version).toBe(0);
    await models.fill(MODEL);
    await ana.getByLabel('Tokens per day for Kit Example').fill('5000');
    await ana.getByRole('button', { name: 'Save assistant settings' }).click();
    await ana.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await settings(ana)).toEqual({
      version: 1,
      allowed_models: [{ role: 'child', models: [MODEL] }],
      quotas: [{ member_id: kitId, tokens_per_day: 5000, requests_per_minute: 0 }],
    });

    // Ana edits on while another admin saves: her save is refused, and she sees theirs.
    await ana.getByLabel('Requests per minute for Kit Example').fill('10');
    const other = await ana.request.put(`${hub.url}/api/v1/admin/assistant/settings`, {
      data: {
        expected_version: 1,
        allowed_models: [{ role: 'child', models: [MODEL] }],
        quotas: [{ member_id: kitId, tokens_per_day: 6000, requests_per_minute: 0 }],
      },
    });
    expect(other.status()).toBe(200);
    await ana.getByRole('button', { name: 'Save assistant settings' }).click();
    await ana
      .getByRole('alert')
      .filter({ hasText: 'Another admin changed the assistant settings' })
      .waitFor();
    await expect.poll(() => ana.getByLabel('Tokens per day for Kit Example').inputValue()).toBe('6000');
    expect(await ana.getByLabel('Requests per minute for Kit Example').inputValue()).toBe('');
    expect((await settings(ana)).version).toBe(2);
    await expectAccessible(ana, 'console: assistant settings, saved over');

    // A field the edge refuses is marked, found from the path it names in the body sent.
    const put = /\/api\/v1\/admin\/assistant\/settings$/;
    await ana.route(put, (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 400,
            json: {
              error: "Field 'quotas.0.tokens_per_day' must be <= 100000000.",
              code: 'invalid_request',
              details: { field: 'quotas.0.tokens_per_day' },
            },
          })
        : route.fallback(),
    );
    await ana.getByLabel('Requests per minute for Kit Example').fill('10');
    await ana.getByRole('button', { name: 'Save assistant settings' }).click();
    await ana.getByRole('alert').filter({ hasText: 'quotas.0.tokens_per_day' }).waitFor();
    const tokens = ana.getByLabel('Tokens per day for Kit Example');
    expect(await tokens.getAttribute('aria-invalid')).toBe('true');
    expect(await tokens.evaluate((el) => el === document.activeElement)).toBe(true);
    await ana.unroute(put);

    // Saved, but not read back yet: the change stays in the form until it is.
    const readBack = /\/api\/v1\/admin\/assistant\/settings\?after=\d+$/;
    await ana.route(readBack, (route) =>
      route.fulfill({
        status: 503,
        json: { error: 'The read model has not caught up yet.', code: 'not_caught_up' },
      }),
    );
    await ana.getByRole('button', { name: 'Save assistant settings' }).click();
    const unread = ana
      .getByRole('alert')
      .filter({ hasText: 'Saved, but the settings could not be read back yet' });
    await unread.waitFor();
    expect(await ana.getByLabel('Requests per minute for Kit Example').inputValue()).toBe('10');
    await ana.unroute(readBack);
    await unread.getByRole('button', { name: 'Try again' }).click();
    await ana.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await settings(ana)).toMatchObject({
      version: 3,
      quotas: [{ member_id: kitId, tokens_per_day: 6000, requests_per_minute: 10 }],
    });
  });

  it('tells the child plainly that parents can read the conversation', async () => {
    await kit.goto(`${hub.url}/assistant`);
    await kit.getByText('Your parents can read your conversations with the assistant.').waitFor();
    await expectAccessible(kit, 'assistant: child');
    await kit.getByLabel('Ask the assistant').fill(PROMPT);
    await kit.getByRole('button', { name: 'Ask' }).click();
    await kit
      .getByTestId('answer')
      .filter({ hasText: ANSWER.join('') })
      .waitFor();
    await kit.locator('[data-testid="answer"][aria-busy="false"]').waitFor();
  });

  it('charts each member’s usage per day, with the same figures as a table', async () => {
    await tab(ana, 'Assistant usage');
    await ana.waitForURL(/\/admin\/assistant$/);
    const member = ana.locator(`[data-testid="usage-member"][data-member="${kitId}"]`);
    // Kit's tokens count once the read model has the answer: Refresh until today's bar has them.
    const today = new Date().toISOString().slice(0, 10);
    const bar = member.locator(`rect[data-day="${today}"]`);
    await expect
      .poll(
        async () => {
          const answered = ana.waitForResponse(/\/admin\/assistant\/usage$/);
          await ana.getByRole('button', { name: 'Refresh' }).click();
          await answered;
          return (await bar.count()) === 0 ? 0 : Number(await bar.getAttribute('data-value'));
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBeGreaterThan(0);
    const chart = member.getByRole('img');
    expect(await chart.getAttribute('aria-label')).toMatch(
      /^Kit Example: [\d,]+ tokens over the last 14 days/,
    );
    await ana.getByLabel('Requests').check();
    await member.locator('[data-metric="requests"]').waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(/^Kit Example: 1 request over the last 14 days/);
    await expectAccessible(ana, 'console: assistant usage');

    await ana.getByText('The same figures as a table').click();
    const row = ana.getByTestId('usage-row').filter({ hasText: 'Kit Example' });
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('1');
    await expectAccessible(ana, 'console: assistant usage table');

    // A failed Refresh is said, the figures stay; names that cannot be had are said too.
    const usage = /\/api\/v1\/admin\/assistant\/usage$/;
    await ana.route(usage, (route) =>
      route.fulfill({ status: 500, json: { error: 'Usage is down.', code: 'internal' } }),
    );
    await ana.getByRole('button', { name: 'Refresh' }).click();
    await ana.getByRole('alert').filter({ hasText: 'Usage is down.' }).waitFor();
    expect(await member.count()).toBe(1);
    await ana.unroute(usage);
    const users = /\/api\/v1\/admin\/users$/;
    await ana.route(users, (route) =>
      route.fulfill({ status: 500, json: { error: 'Names are down.', code: 'internal' } }),
    );
    await ana.reload();
    const names = ana.getByRole('alert').filter({ hasText: 'names could not be loaded' });
    await names.waitFor();
    expect(await member.locator('figure').textContent()).toContain('A member');
    await ana.unroute(users);
    await names.getByRole('button', { name: 'Try again' }).click();
    await member.getByText('Kit Example').waitFor();
    expect(await names.count()).toBe(0);
  });

  it('opens a child’s transcript read-only', async () => {
    await tab(ana, 'Children’s conversations');
    await ana.waitForURL(/\/admin\/assistant\/children$/);
    const row = ana.getByTestId('child-conversation').filter({ hasText: 'Kit Example' });
    await row.waitFor();
    await expectAccessible(ana, 'console: children’s conversations');
    await row.getByRole('link').click();
    await ana.waitForURL(/\/admin\/assistant\/children\?conversation=[0-9a-f-]{36}$/);
    const transcript = ana.getByTestId('transcript');
    const prompt = transcript.getByTestId('transcript-prompt').filter({ hasText: PROMPT });
    await prompt.waitFor();
    // Focus moves to the transcript's heading once it is shown.
    await expect.poll(() => ana.evaluate(() => document.activeElement?.id)).toBe('transcript-title');
    // The whole answer is there once the read model has it: reload until it is.
    await expect
      .poll(
        async () => {
          await ana.reload();
          await prompt.waitFor();
          return (await transcript.getByTestId('transcript-answer').allTextContents()).join('');
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(ANSWER.join(''));
    expect(await ana.locator('main').locator('input, textarea, button, select').count()).toBe(0);
    await expectAccessible(ana, 'console: a child’s transcript');
    // Back (the link, or the browser's) returns to the list, focus on its heading.
    await ana.getByRole('link', { name: 'All the children’s conversations' }).click();
    await row.waitFor();
    await expect
      .poll(() => ana.evaluate(() => document.activeElement?.id))
      .toBe('children-conversations-title');
    await row.getByRole('link').click();
    await prompt.waitFor();
    await ana.goBack();
    await row.waitFor();
    await expect
      .poll(() => ana.evaluate(() => document.activeElement?.id))
      .toBe('children-conversations-title');
  });

  it('offers a child none of it', async () => {
    await kit.goto(`${hub.url}/admin/assistant/children`);
    await kit.getByTestId('console-refusal').waitFor();
    expect(await kit.getByRole('link', { name: 'Assistant usage' }).count()).toBe(0);
    const res = await kit.request.get(`${hub.url}/api/v1/admin/assistant/children`);
    expect(res.status()).toBe(403);
  });
});

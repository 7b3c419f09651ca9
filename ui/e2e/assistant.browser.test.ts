// The family assistant in real Chromium on a real hub, its model server on loopback
// (test/ollama.ts, whose model "slow" sends one word and waits): Ana asks, watches the answer
// begin to stream in, presses Stop, and the hub cancels the upstream request.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOllama, startFakeOllama } from '../../test/ollama.ts';
import { ensureUiBuilt } from '../build.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ollama: FakeOllama;
let page: Page;
const contexts: BrowserContext[] = [];

describe.skipIf(withoutBrowser)('the assistant in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    ollama = await startFakeOllama();
    [hub, browser] = await Promise.all([
      startBrowserHub({ env: { OLLAMA_URL: ollama.url, HEARTH_ASSISTANT_MODEL: 'slow' } }),
      launchChromium(),
    ]);
    page = await openPage(browser, DESKTOP, contexts);
    await signUp(page, hub.url, 'Ana Example', 'ana@example.com');
    // The sidebar leads there (a member may use the assistant).
    await page.getByRole('link', { name: 'Assistant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Assistant' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
    await ollama?.stop();
  });

  it('streams the answer in as it comes, and Stop cancels it upstream', async () => {
    await page.getByLabel('Ask the assistant').fill('Tell me a story');
    await page.getByRole('button', { name: 'Ask' }).click();
    await page
      .getByTestId('answer')
      .filter({ hasText: /^Hello$/ })
      .waitFor();
    // Read out politely as it comes, and marked busy until it ends.
    const answer = page.getByTestId('answer');
    expect(await answer.getAttribute('aria-live')).toBe('polite');
    expect(await answer.getAttribute('aria-busy')).toBe('true');
    const cancelled = ollama.cancelled();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('status').filter({ hasText: 'Stopped.' }).waitFor();
    await page.locator('[data-testid="answer"][aria-busy="false"]').waitFor();
    await cancelled;
    expect(ollama.requests.at(-1)?.messages.at(-1)).toEqual({ role: 'user', content: 'Tell me a story' });
  });
});

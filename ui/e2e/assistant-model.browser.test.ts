// Choosing the assistant's model in real Chromium: the settings page offers only the models a
// member may use. Kit (a child) is offered exactly the list the admin chose for children, and
// his choice is saved; Ana (the admin, no list for her role) is offered what the model server has.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOllama, startFakeOllama } from '../../test/ollama.ts';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ollama: FakeOllama;
let ana: Page;
let kit: Page;
const contexts: BrowserContext[] = [];

/** The options of the model picker, once the edge has listed them. */
async function offered(page: Page): Promise<string[]> {
  await page.goto(`${hub.url}/settings`);
  const picker = page.locator('select#assistant-model');
  await picker.waitFor();
  return picker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
}

describe.skipIf(withoutBrowser)('choosing the assistant’s model in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    ollama = await startFakeOllama();
    [hub, browser] = await Promise.all([
      startBrowserHub({ env: { OLLAMA_URL: ollama.url, HEARTH_ASSISTANT_MODEL: 'llama3.2' } }),
      launchChromium(),
    ]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    kit = await openPage(browser, DESKTOP, contexts);
    await signUp(kit, hub.url, 'Kit Example', 'kit@example.com');
    const kitId = ((await (await kit.request.get(`${hub.url}/api/v1/me`)).json()) as { id: string }).id;
    const made = await ana.request.post(`${hub.url}/api/v1/admin/users/${kitId}/role`, {
      data: { role: 'child' },
    });
    expect(made.status()).toBeLessThan(300);
    const allowed = await ana.request.put(`${hub.url}/api/v1/admin/assistant/settings`, {
      data: { expected_version: 0, allowed_models: [{ role: 'child', models: ['kids-model'] }], quotas: [] },
    });
    expect(allowed.status()).toBeLessThan(300);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
    await ollama?.stop();
  });

  it('offers a child only the family’s default and the models chosen for children, and saves his pick', async () => {
    expect(await offered(kit)).toEqual(['', 'kids-model']);
    await expectAccessible(kit, 'settings: model picker');
    await kit.locator('select#assistant-model').selectOption('kids-model');
    await kit.getByRole('form', { name: 'Assistant' }).getByRole('button', { name: 'Save' }).click();
    await kit.getByText('Saved.').waitFor();
    const saved = async () => {
      const answer = (await (await kit.request.get(`${hub.url}/api/v1/me/preferences`)).json()) as {
        preferences: { assistant_model: string };
      };
      return answer.preferences.assistant_model;
    };
    await expect.poll(saved).toBe('kids-model');
    // A reload shows the pick, from the server.
    await kit.reload();
    await kit.locator('select#assistant-model').waitFor();
    expect(await kit.locator('select#assistant-model').inputValue()).toBe('kids-model');
  });

  it('offers the admin every model the server has', async () => {
    expect(await offered(ana)).toEqual(['', 'llama3.2', 'slow']);
  });
});

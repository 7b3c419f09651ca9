// The assistant's system prompts in the console, in a real browser: the admin adds prompts,
// edits one into a new version and reads both versions, is told when someone saved a newer
// version first and then shown it (no page reload), chooses the children's prompt, and removes it after a confirmation (the
// children then have none). Axe on each state.
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

describe.skipIf(withoutBrowser)('system prompts in the console', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await ana.waitForURL(/\/home$/);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('adds, edits into a new version, shows the versions, chooses the children’s prompt and removes it', async () => {
    await ana.goto(`${hub.url}/admin`);
    await ana
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'Assistant prompts' })
      .click();
    await ana.waitForURL(/\/admin\/prompts$/);
    await ana.getByText('No system prompts yet.').waitFor();
    await expectAccessible(ana, 'the prompts page, empty');

    const form = ana.getByRole('form', { name: 'New prompt' });
    for (const [name, text] of [
      ['Kind', 'Be kind.'],
      ['Brief', 'Be brief.'],
    ]) {
      await form.getByLabel('Name').fill(name as string);
      await form.getByLabel('Prompt').fill(text as string);
      await form.getByRole('button', { name: 'Add prompt' }).click();
      await ana
        .getByTestId('prompt-row')
        .filter({ hasText: name as string })
        .waitFor();
    }
    const kind = ana.getByTestId('prompt-row').filter({ hasText: 'Kind' });

    await ana.getByRole('button', { name: 'Edit the prompt Kind' }).click();
    const editor = ana.getByRole('dialog', { name: 'Edit “Kind”' });
    await editor.waitFor();
    await expectAccessible(ana, 'the prompt editor');
    await editor.getByLabel('Prompt').fill('Be kind and patient.');
    await editor.getByRole('button', { name: 'Save version 2' }).click();
    await kind.filter({ hasText: 'Be kind and patient.' }).waitFor();

    await ana.getByRole('button', { name: 'Versions of the prompt Kind' }).click();
    const versions = ana.getByRole('dialog', { name: 'Versions of “Kind”' });
    await versions.getByTestId('prompt-version').nth(1).waitFor();
    expect(await versions.getByTestId('prompt-version').allTextContents()).toEqual([
      expect.stringContaining('Be kind and patient.'),
      expect.stringContaining('Be kind.'),
    ]);
    await expectAccessible(ana, 'the versions');
    await versions.getByRole('button', { name: 'Cancel' }).click();

    // Another admin saves version 3 while this one edits version 2: refused, and said so.
    await ana.getByRole('button', { name: 'Edit the prompt Kind' }).click();
    await editor.waitFor();
    const other = await ana.evaluate(async () => {
      const list = (await (await fetch('/api/v1/admin/assistant/prompts')).json()) as {
        prompts: { prompt_id: string; name: string }[];
      };
      const found = list.prompts.find((p) => p.name === 'Kind')?.prompt_id ?? '';
      const res = await fetch(`/api/v1/admin/assistant/prompts/${found}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ expected_version: 2, name: 'Kind', text: 'Someone else’s words.' }),
      });
      return { id: found, status: res.status };
    });
    expect(other).toEqual({ id: expect.stringMatching(/./), status: 200 });
    await editor.getByLabel('Prompt').fill('Mine.');
    await editor.getByRole('button', { name: 'Save version 3' }).click();
    await editor.getByText(/version 3, not 2/).waitFor();
    // Refused, the prompts are reloaded: the editor offers the version after the newer one,
    // keeps what this admin wrote, and the list shows the other admin's words.
    await editor.getByRole('button', { name: 'Save version 4' }).waitFor();
    expect(await editor.getByLabel('Prompt').inputValue()).toBe('Mine.');
    await kind.filter({ hasText: 'Someone else’s words.' }).waitFor();
    await editor.getByRole('button', { name: 'Cancel' }).click();
    expect(await kind.getByRole('cell').nth(2).textContent()).toBe('3');
    await ana.getByRole('button', { name: 'Edit the prompt Kind' }).click();
    await editor.getByRole('button', { name: 'Save version 4' }).waitFor();
    expect(await editor.getByLabel('Prompt').inputValue()).toBe('Someone else’s words.');
    await editor.getByRole('button', { name: 'Cancel' }).click();

    const children = ana.getByLabel('Children’s prompt');
    await children.selectOption({ label: 'Kind' });
    await kind.getByText('children').waitFor();
    await expectAccessible(ana, 'a children’s prompt chosen');

    await ana.getByRole('button', { name: 'Remove the prompt Kind' }).click();
    const confirm = ana.getByRole('dialog', { name: 'Remove this prompt?' });
    await confirm.getByText('children will have none').waitFor();
    await confirm.getByRole('button', { name: 'Remove prompt' }).click();
    await kind.waitFor({ state: 'detached' });
    expect(await children.inputValue()).toBe('');
    expect(await ana.getByTestId('prompt-row').count()).toBe(1);
  });
});

// Chat attachments in two real Chromium pages, with a real hub and a private clamd: a photo
// attached by the button (its progress seen while the upload is held), one dropped on the
// conversation, one pasted into the message box; the other member sees each inline, opens
// the photo full size, plays the video, follows the PDF link; refusals said in words; a file
// deleted since shows as removed.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateClamd, startClamd, withoutClamd } from '../../test/clamd.ts';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, PHONE, SHOTS, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { type MediaFiles, makeFiles } from './media-files.ts';
import { composer, messageItem, openPage, row, signUp } from './people.ts';

let hub: BrowserHub;
let clamd: PrivateClamd;
let browser: Browser;
let files: MediaFiles;
let ana: Page; // desktop: attaches
let ben: Page; // phone: sees
const contexts: BrowserContext[] = [];

const tray = (page: Page) => page.getByTestId('attach-tray');
const send = (page: Page) => page.getByRole('button', { name: 'Send', exact: true });
/** A file from disk, handed to the page as a DataTransfer (what a drop or a paste carries). */
async function transfer(page: Page, path: string, name: string, type: string) {
  const base64 = (await readFile(path)).toString('base64');
  return page.evaluateHandle(
    ({ base64, name, type }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], name, { type }));
      return data;
    },
    { base64, name, type },
  );
}

/** Waits on the page, not a clock: Send is enabled once every upload in the tray is done. */
async function sendWhenReady(page: Page, text = '') {
  await send(page).and(page.locator(':enabled')).waitFor();
  if (text) await composer(page).fill(text);
  await send(page).click();
  await tray(page).waitFor({ state: 'detached' });
}

describe.skipIf(withoutBrowser || withoutClamd)('chat attachments in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    clamd = await startClamd();
    [hub, browser, files] = await Promise.all([
      startBrowserHub({ env: { CLAMD_URL: clamd.url } }),
      launchChromium(),
      makeFiles(),
    ]);
    await mkdir(SHOTS, { recursive: true });
    ana = await openPage(browser, DESKTOP, contexts);
    ben = await openPage(browser, PHONE, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await signUp(ben, hub.url, 'Ben Example', 'ben@example.com');
    await row(ana, 'family').click();
    await row(ben, 'family').click();
    await ben.getByTestId('channel-title').filter({ hasText: 'Family' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
    await clamd?.stop();
    await files?.cleanup();
  });

  it('attaches a photo by the button, shows its progress, and sends it once uploaded', async () => {
    const beach = await files.photo('beach.jpg', '#3388cc');
    // The upload is held until the progress and the disabled Send have been seen.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await ana.route('**/api/v1/upload', async (route) => {
      await held;
      await route.continue();
    });
    const [chooser] = await Promise.all([
      ana.waitForEvent('filechooser'),
      ana.getByRole('button', { name: 'Attach files' }).click(),
    ]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(beach);
    await ana.getByRole('progressbar', { name: 'Uploading beach.jpg' }).waitFor();
    await composer(ana).fill('At the beach');
    expect(await send(ana).isDisabled()).toBe(true);
    await ana.screenshot({ path: join(SHOTS, 'chat-attach-progress.png') });
    release();
    await tray(ana).locator('li[data-status="done"]').waitFor();
    await ana.unroute('**/api/v1/upload');
    await sendWhenReady(ana);

    // Ben sees the picture inline, loaded from its thumbnail, and opens it full size.
    const picture = messageItem(ben, 'At the beach').getByRole('img', { name: 'beach.jpg' });
    await picture.waitFor();
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    expect(await picture.getAttribute('src')).toContain('thumb=1');
    await messageItem(ben, 'At the beach').getByRole('button', { name: 'Open beach.jpg full size' }).click();
    const full = ben.getByRole('dialog', { name: 'beach.jpg' });
    await full.waitFor();
    await expect
      .poll(() => full.getByRole('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(320);
    await ben.screenshot({ path: join(SHOTS, 'chat-attach-full-size.png') });
    await full.getByRole('button', { name: 'Close' }).click();
    await full.waitFor({ state: 'detached' });
  });

  it('offers the phone’s camera', async () => {
    await ben.getByRole('button', { name: 'Take a photo or video' }).waitFor();
    expect(await ben.getByTestId('camera-input').getAttribute('capture')).toBe('environment');
    expect(await ana.getByRole('button', { name: 'Take a photo or video' }).isVisible()).toBe(false);
  });

  it('attaches what is dropped on the conversation: a PDF, shown as a link with its size', async () => {
    const pdf = join(files.dir, 'menu.pdf');
    await writeFile(pdf, '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const data = await transfer(ana, pdf, 'menu.pdf', 'application/pdf');
    const conversation = ana.locator('section[aria-label="Family"]');
    await conversation.dispatchEvent('dragover', { dataTransfer: data });
    await conversation.dispatchEvent('drop', { dataTransfer: data });
    await tray(ana).locator('li[data-status="done"]').filter({ hasText: 'menu.pdf' }).waitFor();
    await sendWhenReady(ana, 'The menu');
    const link = messageItem(ben, 'The menu').getByRole('link', { name: /menu\.pdf/ });
    await link.waitFor();
    expect(await link.textContent()).toMatch(/PDF, \d+ bytes/);
    expect(await link.getAttribute('href')).toMatch(/^\/api\/v1\/files\/[^/]+\/download$/);
  });

  it('attaches a pasted image, and sends it with no text', async () => {
    const snap = await files.photo('pasted.jpg', '#cc3388');
    const data = await transfer(ana, snap, 'pasted.jpg', 'image/jpeg');
    await composer(ana).focus();
    await composer(ana).evaluate((box, clipboardData) => {
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    }, data);
    await tray(ana).locator('li[data-status="done"]').filter({ hasText: 'pasted.jpg' }).waitFor();
    expect(await composer(ana).inputValue()).toBe('');
    await sendWhenReady(ana);
    const picture = ben.locator('article').getByRole('img', { name: 'pasted.jpg' });
    await picture.waitFor();
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  });

  it('plays a video inline', async () => {
    const clip = await files.video('clip.mp4');
    if (!clip) return; // no ffmpeg on this machine to make one
    const [chooser] = await Promise.all([
      ana.waitForEvent('filechooser'),
      ana.getByRole('button', { name: 'Attach files' }).click(),
    ]);
    await chooser.setFiles(clip);
    await sendWhenReady(ana, 'Look at this');
    const video = messageItem(ben, 'Look at this').locator('video[controls]');
    await video.waitFor();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThan(0);
  });

  it('is usable by everyone: the conversation with its files, and the composer with one on its way', async () => {
    await expectAccessible(ben, 'a conversation with attachments');
    const [chooser] = await Promise.all([
      ana.waitForEvent('filechooser'),
      ana.getByRole('button', { name: 'Attach files' }).click(),
    ]);
    await chooser.setFiles(await files.photo('draft.jpg', '#333333'));
    await tray(ana).locator('li[data-status="done"]').waitFor();
    await expectAccessible(ana, 'the composer with an attachment');
    await tray(ana).getByRole('button', { name: 'Remove draft.jpg' }).click();
    await tray(ana).waitFor({ state: 'detached' });
  });

  it('says plainly why a file was refused, and lets it be removed', async () => {
    const cases: [string, RegExp][] = [
      [files.renamedExe, /can’t be shared/],
      [files.eicar, /looks like a virus/],
      [files.tooLarge, /too large to share: the limit is 10 MB/],
    ];
    for (const [path, said] of cases) {
      const [chooser] = await Promise.all([
        ana.waitForEvent('filechooser'),
        ana.getByRole('button', { name: 'Attach files' }).click(),
      ]);
      await chooser.setFiles(path);
      const error = tray(ana).getByTestId('attach-error');
      await error.filter({ hasText: said }).waitFor();
      const name = path.split('/').at(-1) ?? '';
      await tray(ana)
        .getByRole('button', { name: `Remove ${name}` })
        .click();
      await tray(ana).waitFor({ state: 'detached' });
    }
    await clamd.stop();
    const [chooser] = await Promise.all([
      ana.waitForEvent('filechooser'),
      ana.getByRole('button', { name: 'Attach files' }).click(),
    ]);
    await chooser.setFiles(await files.photo('later.jpg', '#88cc33'));
    await tray(ana)
      .getByTestId('attach-error')
      .filter({ hasText: /virus scanner|scanner/i })
      .waitFor();
    await ana.screenshot({ path: join(SHOTS, 'chat-attach-refused.png') });
    await tray(ana).getByRole('button', { name: 'Remove later.jpg' }).click();
  });

  it('shows a file deleted since as removed', async () => {
    const picture = messageItem(ana, 'At the beach').locator('li[data-attachment-id]');
    const id = await picture.getAttribute('data-attachment-id');
    const status = await ana.evaluate(
      async (fileId) => (await fetch(`/api/v1/files/${fileId}`, { method: 'DELETE' })).status,
      id,
    );
    expect(status).toBe(204);
    await ben.reload();
    await messageItem(ben, 'At the beach')
      .getByTestId('attachment-removed')
      .filter({ hasText: 'beach.jpg was removed.' })
      .waitFor();
  });
});

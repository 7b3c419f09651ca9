// Photos in real Chromium pages on a real hub with a real virus scanner: Ana (the admin), Ben
// and Kit (a child). Ana shares photos with a progress bar per file and cancels one, and Home
// tells the family with a thumbnail; the
// gallery groups them by month, filters by person and opens them full screen; Ana changes her
// avatar and it shows at once wherever she appears; and every refusal is said plainly.
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '../../contracts/identity.api.ts';
import type { MediaPage } from '../../contracts/media.api.ts';
import { type PrivateClamd, startClamd, withoutClamd } from '../../test/clamd.ts';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, PHONE, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { type MediaFiles, makeFiles } from './media-files.ts';
import { messageItem, openPage, send, signUp } from './people.ts';

let hub: BrowserHub;
let clamd: PrivateClamd;
let browser: Browser;
let files: MediaFiles;
let ana: Page; // the first account: the admin
let ben: Page;
let kit: Page;
const contexts: BrowserContext[] = [];
const ids: Record<string, string> = {};

const tiles = (page: Page) => page.getByTestId('media-tile');
const viewer = (page: Page) => page.getByTestId('viewer');
const picker = (page: Page) => page.getByLabel('Choose files to share');
const upload = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name });

/** The gallery's file names as the edge has them now. */
async function galleryNames(page: Page): Promise<string[]> {
  const res = await page.request.get(`${hub.url}/api/v1/media?limit=100`);
  return ((await res.json()) as MediaPage).files.map((f) => f.file_name);
}

async function openGallery(page: Page): Promise<void> {
  await page.goto(`${hub.url}/gallery`);
  await page.getByRole('heading', { level: 1, name: /Gallery/ }).waitFor();
}

/** A photo shared through the API from the person's page (their cookies). */
async function share(page: Page, path: string, name: string, kind = 'photo'): Promise<{ id: string }> {
  const res = await page.request.post(`${hub.url}/api/v1/upload`, {
    multipart: {
      type: kind,
      file: { name, mimeType: 'application/octet-stream', buffer: await readFile(path) },
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  const made = (await res.json()) as { id: string; seq: number };
  // Read after the upload's sequence: the gallery a page opens next already has it.
  const seen = await page.request.get(`${hub.url}/api/v1/files/${made.id}?after=${made.seq}`);
  expect(seen.status()).toBe(200);
  return made;
}

describe.skipIf(withoutBrowser || withoutClamd)('photos and files in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [clamd, files, browser] = await Promise.all([startClamd(), makeFiles(), launchChromium()]);
    hub = await startBrowserHub({ env: { CLAMD_URL: clamd.url } });
    [ana, ben, kit] = await Promise.all([
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
    ]);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await signUp(ben, hub.url, 'Ben Example', 'ben@example.com');
    await signUp(kit, hub.url, 'Kit Example', 'kit@example.com');
    for (const [name, page] of [
      ['Ana', ana],
      ['Ben', ben],
      ['Kit', kit],
    ] as const)
      ids[name] = ((await (await page.request.get(`${hub.url}/api/v1/me`)).json()) as { id: string }).id;
    const res = await ana.request.post(`${hub.url}/api/v1/admin/users/${ids.Kit}/role`, {
      data: { role: 'child' },
    });
    expect(res.status()).toBeLessThan(300);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
    await clamd?.stop();
    await files?.cleanup();
  });

  it('shares several photos, each with its own progress bar, and cancels one', async () => {
    await openGallery(ana);
    await ana.getByRole('button', { name: 'Add photos' }).click();
    // The edge's answers are held until the test has seen the bars and pressed Cancel: what
    // is checked is the page's state while an upload is on its way, not a race with it.
    const held: Route[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => {
      release = r;
    });
    await ana.route('**/api/v1/upload', async (route) => {
      held.push(route);
      await released;
      await route.continue().catch(() => undefined); // a cancelled one is gone already
    });
    const one = await files.photo('beach.jpg', '#3b82f6');
    const two = await files.photo('forest.jpg', '#16a34a');
    await picker(ana).setInputFiles([one, two]);
    for (const name of ['beach.jpg', 'forest.jpg'])
      await upload(ana, name)
        .getByRole('progressbar', { name: `Uploading ${name}` })
        .waitFor();
    await expect.poll(() => held.length).toBe(2);
    await expectAccessible(ana, 'uploads on their way');
    await upload(ana, 'forest.jpg').getByRole('button', { name: 'Cancel forest.jpg' }).click();
    await upload(ana, 'forest.jpg').getByText('Cancelled.').waitFor();
    release();
    await upload(ana, 'beach.jpg').getByText('Shared.').waitFor();
    await ana.unroute('**/api/v1/upload');
    await ana.getByRole('button', { name: /^Photo beach\.jpg from Ana Example$/ }).waitFor();
    // After a reload, from the read model (once it has the upload): the shared one, and not
    // the cancelled one.
    await expect.poll(() => galleryNames(ana)).toContain('beach.jpg');
    await openGallery(ana);
    await ana.getByRole('button', { name: 'Photo beach.jpg from Ana Example' }).waitFor();
    expect(await ana.getByRole('button', { name: /forest\.jpg/ }).count()).toBe(0);
  });

  it('tells the family on Home that Ana shared a photo, its thumbnail leading to the gallery', async () => {
    await kit.goto(`${hub.url}/home`);
    const item = kit.getByTestId('feed-item').filter({ hasText: 'Ana Example shared 1 photo' });
    await item.waitFor({ timeout: 15_000 });
    const thumbnail = item.getByTestId('feed-thumbnail');
    expect(await thumbnail.count()).toBe(1);
    expect(await thumbnail.locator('img').getAttribute('src')).toMatch(
      /\/api\/v1\/files\/.+\/download\?thumb=1$/,
    );
    await expect
      .poll(() => thumbnail.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    await expectAccessible(kit, 'home with photos shared');
    await thumbnail.click();
    await kit.waitForURL(/\/gallery$/);
  });

  it('groups the gallery by month, filters by person, and opens it full screen', async () => {
    await share(ben, await files.photo('cake.jpg', '#f59e0b'), 'cake.jpg');
    const clip = await files.video('clip.webm');
    if (clip) await share(ben, clip, 'clip.webm');
    await openGallery(ana);
    const month = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric' }).format(new Date());
    const thisMonth = ana.getByRole('region', { name: month });
    await thisMonth.getByRole('button', { name: 'Photo cake.jpg from Ben Example' }).waitFor();
    if (clip)
      await thisMonth
        .getByRole('button', { name: 'Video clip.webm from Ben Example' })
        .getByTestId('play-badge')
        .waitFor();

    await ana.getByLabel('Shared by').selectOption(ids.Ben ?? '');
    await ana.getByRole('button', { name: 'Photo cake.jpg from Ben Example' }).waitFor();
    await ana.getByRole('button', { name: /from Ana Example/ }).waitFor({ state: 'detached' });
    await ana.getByLabel('Shared by').selectOption('');
    await ana.getByRole('button', { name: /from Ana Example/ }).waitFor();

    // Newest first: Ben's latest is the first tile; the arrows and keys move, Escape closes.
    const names = await tiles(ana).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    await tiles(ana).first().click();
    await viewer(ana).waitFor();
    if (clip) await viewer(ana).getByTestId('viewer-video').waitFor();
    await expectAccessible(ana, 'the viewer');
    await ana.keyboard.press('ArrowRight');
    await viewer(ana)
      .getByTestId('viewer-name')
      .filter({ hasText: names[1]?.split(' ')[1] ?? '' })
      .waitFor();
    await viewer(ana).getByRole('button', { name: 'Previous' }).click();
    await viewer(ana)
      .getByTestId('viewer-name')
      .filter({ hasText: names[0]?.split(' ')[1] ?? '' })
      .waitFor();
    await ana.keyboard.press('Escape');
    await viewer(ana).waitFor({ state: 'detached' });
    await expectAccessible(ana, 'the gallery');
  });

  it('offers delete to the owner only, and the owner’s delete takes the photo away', async () => {
    await openGallery(ben);
    await ben.getByRole('button', { name: 'Photo beach.jpg from Ana Example' }).click();
    await viewer(ben).waitFor();
    expect(await viewer(ben).getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await ben.keyboard.press('Escape');
    await ben.getByRole('button', { name: 'Photo cake.jpg from Ben Example' }).click();
    await viewer(ben).getByRole('button', { name: 'Delete' }).click(); // the page's confirm is accepted
    await ben.getByRole('button', { name: 'Photo cake.jpg from Ben Example' }).waitFor({ state: 'detached' });
    await expect.poll(() => galleryNames(ben)).not.toContain('cake.jpg');
  });

  it('makes an album, adds a photo from the viewer, and opens it', async () => {
    await ben.goto(`${hub.url}/gallery/albums`);
    await ben.getByLabel('Album title').fill('Summer');
    await ben.getByRole('button', { name: 'Create album' }).click();
    await ben.getByRole('link', { name: /Summer/ }).waitFor();
    await openGallery(ben);
    await ben.getByRole('button', { name: 'Photo beach.jpg from Ana Example' }).click();
    await viewer(ben).getByRole('button', { name: 'Add to album' }).click();
    await viewer(ben).getByText('Added to Summer.').waitFor();
    await ben.keyboard.press('Escape');
    await ben.goto(`${hub.url}/gallery/albums`);
    await ben.getByRole('link', { name: /Summer/ }).click();
    await ben.getByTestId('album-title').filter({ hasText: 'Summer' }).waitFor();
    await ben.getByRole('button', { name: 'Photo beach.jpg from Ana Example' }).waitFor();
  });

  it('changes Ana’s avatar, which shows at once wherever she appears', async () => {
    await ana.goto(`${hub.url}/play`);
    await ana.getByRole('button', { name: 'Change photo' }).waitFor();
    await ana.getByLabel('Choose a new profile photo').setInputFiles(await files.photo('me.jpg', '#db2777'));
    await ana.getByText('Your new photo is in.').waitFor();
    // The profile's and the sidebar's at once, without a reload.
    await expect.poll(() => ana.getByTestId('avatar-image').count()).toBeGreaterThanOrEqual(2);
    const src = await ana.getByTestId('avatar-image').first().getAttribute('src');
    expect(src).toContain('/api/v1/files/');
    // Ben sees it beside her message in the chat, once the family's directory has it.
    await expect
      .poll(async () => {
        const people = (await (await ben.request.get(`${hub.url}/api/v1/people`)).json()) as Person[];
        return people.find((p) => p.id === ids.Ana)?.image ?? '';
      })
      .toContain('/api/v1/files/');
    await ana.goto(`${hub.url}/c/family`);
    await send(ana, 'Look at my new photo');
    await ben.goto(`${hub.url}/c/family`);
    await messageItem(ben, 'Look at my new photo').getByTestId('avatar-image').waitFor();
  });

  it('says plainly why a file was refused: too large, the wrong kind, a virus', async () => {
    await openGallery(ana);
    await ana.getByRole('button', { name: 'Add photos' }).click();
    await picker(ana).setInputFiles(files.renamedExe);
    await upload(ana, 'holiday.jpg')
      .getByText('This kind of file can’t be shared.', { exact: false })
      .waitFor();
    await picker(ana).setInputFiles(files.eicar);
    await upload(ana, 'eicar.pdf').getByText('It looks like a virus, so it wasn’t shared.').waitFor();
    await picker(ana).setInputFiles(files.tooLarge);
    await upload(ana, 'huge.jpg').getByText('This file is too large to share: the limit is 10 MB.').waitFor();
    await expectAccessible(ana, 'refused uploads');
  });

  it('offers a child no upload, in the gallery, the chat or their profile, until the family allows it', async () => {
    await openGallery(kit);
    await kit.getByTestId('no-upload').waitFor();
    expect(await kit.getByRole('button', { name: 'Add photos' }).count()).toBe(0);
    await kit.getByRole('button', { name: 'Photo beach.jpg from Ana Example' }).waitFor();
    // data-can-upload says the page has heard the edge's answer, so an absence means no.
    const offered = async (yes: boolean) => {
      await kit.goto(`${hub.url}/c/family`);
      await kit.locator(`form[data-can-upload="${yes}"]`).waitFor();
      expect(await kit.getByRole('button', { name: 'Attach files' }).count()).toBe(yes ? 1 : 0);
      await kit.goto(`${hub.url}/play`);
      await kit.locator(`section[data-can-upload="${yes}"]`).waitFor();
      expect(await kit.getByRole('button', { name: 'Change photo' }).count()).toBe(yes ? 1 : 0);
    };
    const allow = async (children_may_upload: boolean) => {
      const res = await ana.request.put(`${hub.url}/api/v1/media/settings`, {
        data: { children_may_upload },
      });
      expect(res.status()).toBe(200);
      const { seq } = (await res.json()) as { seq: number };
      expect((await ana.request.get(`${hub.url}/api/v1/media/settings?after=${seq}`)).status()).toBe(200);
    };
    await offered(false);
    await allow(true);
    await offered(true);
    await allow(false);
  });

  it('swipes between photos on a phone', async () => {
    const phone = await openPage(browser, PHONE, contexts);
    await phone.context().addCookies(await ana.context().cookies());
    await share(ana, await files.photo('sunset.jpg', '#ea580c'), 'sunset.jpg');
    await openGallery(phone);
    // The newest first: sunset, then Ana's beach (Ben's cake is gone).
    await phone.getByRole('button', { name: 'Photo sunset.jpg from Ana Example' }).click();
    await viewer(phone).getByTestId('viewer-name').filter({ hasText: 'sunset.jpg' }).waitFor();
    const first = 'sunset.jpg';
    const area = viewer(phone).locator('div.touch-pan-y');
    const swipe = async (from: number, to: number) => {
      const touch = { pointerType: 'touch', isPrimary: true, clientY: 400 };
      await area.dispatchEvent('pointerdown', { ...touch, clientX: from });
      await area.dispatchEvent('pointerup', { ...touch, clientX: to });
    };
    await swipe(300, 80);
    await expect.poll(() => viewer(phone).getByTestId('viewer-name').textContent()).not.toBe(first);
    await swipe(80, 300);
    await expect.poll(() => viewer(phone).getByTestId('viewer-name').textContent()).toBe(first);
    await viewer(phone).getByRole('button', { name: 'Close' }).click();
    await viewer(phone).waitFor({ state: 'detached' });
  });
});

describe.skipIf(withoutBrowser)('without a virus scanner', () => {
  let bare: BrowserHub;
  let lone: Browser;
  let page: Page;
  let made: MediaFiles;
  const own: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureUiBuilt();
    [bare, made, lone] = await Promise.all([startBrowserHub(), makeFiles(), launchChromium()]);
    page = await openPage(lone, DESKTOP, own);
    await signUp(page, bare.url, 'Ann Example', 'ann@example.com');
  }, 120_000);

  afterAll(async () => {
    for (const c of own) await c.close().catch(() => undefined);
    await lone?.close();
    await bare?.stop();
    await made?.cleanup();
  });

  it('says uploads are off before anyone tries, and again when someone does', async () => {
    await page.goto(`${bare.url}/gallery`);
    const note = page.getByTestId('scanner-note');
    await note.waitFor();
    const said = (await note.textContent()) ?? '';
    expect(said).toMatch(/scanner|clamd/i);
    await page.getByRole('button', { name: 'Add photos' }).click();
    await picker(page).setInputFiles(await made.photo('tree.jpg', '#65a30d'));
    await upload(page, 'tree.jpg').getByTestId('upload-error').filter({ hasText: said }).waitFor();
    await expectAccessible(page, 'uploads off');
  });
});

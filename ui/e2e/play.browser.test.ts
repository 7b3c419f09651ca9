// Play in real Chromium pages on a real hub: an admin (DESKTOP), a member (DESKTOP) and a
// child (PHONE). The child's profile and the boards, a match the member confirms, a chore
// only the admin may approve, a challenge's progress, and a rule change whose preview is what
// the profile shows once it is published, made through the rules form. Every Play tab and
// open form passes axe; on the phone every tab is in view; each control matches the edge's
// permissions for its role.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, PHONE, SHOTS, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { composer, openPage, row, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // DESKTOP, the first account: the admin
let mia: Page; // DESKTOP, a member
let kit: Page; // PHONE, a child
const contexts: BrowserContext[] = [];

/** Open a play section the way a person would: the sidebar's Play, then the section. */
async function play(page: Page, section: string) {
  await dismissToasts(page);
  if (!new URL(page.url()).pathname.startsWith('/play')) {
    const link = page.getByRole('link', { name: 'Play', exact: true });
    // A phone shows the sidebar only on its home screen.
    if (!(await link.isVisible())) await page.getByRole('button', { name: 'All channels' }).click();
    await link.click();
  }
  await page.getByRole('navigation', { name: 'Play sections' }).getByRole('link', { name: section }).click();
}

/** Good news covers the top of a phone's screen for a few seconds: tap it away, as people do. */
async function dismissToasts(page: Page) {
  for (const toast of await page.getByTestId('play-toast').all())
    await toast
      .getByRole('button', { name: 'Dismiss' })
      .click({ timeout: 1000 })
      .catch(() => undefined);
}

/** The rules' advanced view: the JSON, as before the form. */
async function advanced(page: Page) {
  const toggle = page.getByRole('button', { name: 'Advanced (JSON)' });
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  return page.getByLabel('Rule set (JSON)', { exact: true });
}

/** Every [data-requires] control in Play is granted to its viewer by the edge. */
async function expectGranted(page: Page) {
  const { granted, required } = await page.evaluate(async () => {
    const body = (await (await fetch('/api/v1/me/permissions')).json()) as { granted: string[] };
    return {
      granted: body.granted,
      required: Array.from(document.querySelectorAll('section[aria-label="Play"] [data-requires]'), (e) =>
        e.getAttribute('data-requires'),
      ),
    };
  });
  for (const r of required) expect(granted, `${r} shown`).toContain(r);
}

/** As long as a person would wait for the page to catch up (live pushes, a busy machine). */
const UNTIL = { timeout: 10_000 };

const xpOf = async (page: Page) =>
  Number(await page.getByRole('progressbar', { name: 'Level progress' }).getAttribute('aria-valuenow'));

describe.skipIf(withoutBrowser)('play in a browser', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    await mkdir(SHOTS, { recursive: true });
    [ana, mia, kit] = await Promise.all([
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
      openPage(browser, PHONE, contexts),
    ]);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await Promise.all([
      signUp(mia, hub.url, 'Mia Example', 'mia@example.com'),
      signUp(kit, hub.url, 'Kit Example', 'kit@example.com'),
    ]);
    // The admin makes Kit a child, over the API from her own page.
    const status = await ana.evaluate(async () => {
      // Kit's sign-up reaches the directory a moment after it is answered.
      let kitId: string | undefined;
      for (let i = 0; i < 100 && !kitId; i++) {
        // A busy edge may answer with an error envelope for a moment: ask again.
        const people = (await (await fetch('/api/v1/people')).json().catch(() => null)) as unknown;
        if (Array.isArray(people))
          kitId = (people as { id: string; name: string }[]).find((p) => p.name === 'Kit Example')?.id;
        if (!kitId) await new Promise((r) => setTimeout(r, 100));
      }
      const res = await fetch(`/api/v1/admin/users/${kitId}/role`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: 'child' }),
      });
      return res.status;
    });
    expect(status).toBeLessThan(300);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('shows the child a profile and the leaderboards, ties sharing a rank', async () => {
    await row(kit, 'family').waitFor();
    await play(kit, 'Profile');
    await expect.poll(() => kit.getByTestId('level').textContent(), UNTIL).toBe('1');
    await kit.getByRole('progressbar', { name: 'Level progress' }).waitFor();
    expect(await xpOf(kit)).toBe(0);
    await kit.getByRole('list', { name: 'Available achievements' }).getByText('Helping hand').waitFor();
    // A child manages nothing: no rules section.
    expect(
      await kit
        .getByRole('navigation', { name: 'Play sections' })
        .getByRole('link', { name: 'Rules' })
        .count(),
    ).toBe(0);
    await kit.screenshot({ path: join(SHOTS, 'phone-play-profile.png') });
    expect(await kit.title()).toBe('Profile · Play · Hearth');
    await expectAccessible(kit, 'phone: play profile');

    await play(kit, 'Leaderboards');
    await kit.getByRole('tab', { name: 'This week', selected: true }).waitFor();
    await kit.getByRole('tab', { name: 'All time' }).click();
    // Nobody has XP yet: all three share first place.
    for (const name of ['Ana Example', 'Kit Example', 'Mia Example'])
      await kit.getByRole('listitem', { name: `1. ${name}` }).waitFor();
    await expectAccessible(kit, 'phone: play leaderboards');
  });

  it('shows every section on a PHONE, wrapping instead of hiding, and switches between them', async () => {
    await play(kit, 'Profile');
    const nav = kit.getByRole('navigation', { name: 'Play sections' });
    const width = kit.viewportSize()?.width ?? 390;
    for (const section of ['Profile', 'Leaderboards', 'Matches', 'Challenges', 'Chores']) {
      const link = nav.getByRole('link', { name: section });
      const box = await link.boundingBox();
      // Whole, inside the screen: nothing to scroll to.
      expect(box, section).not.toBeNull();
      expect(box?.x ?? -1, section).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0), section).toBeLessThanOrEqual(width);
      await link.click();
      await nav
        .getByRole('link', { name: section, exact: true })
        .and(kit.locator('[aria-current="page"]'))
        .waitFor();
      expect(await kit.title()).toBe(`${section} · Play · Hearth`);
    }
    await kit.screenshot({ path: join(SHOTS, 'phone-play-tabs.png') });
    // The child manages nothing: no Rules tab, and nothing offered that the edge would refuse.
    expect(await nav.getByRole('link', { name: 'Rules' }).count()).toBe(0);
    await expectGranted(kit);
  });

  it('lets the child report a match that the member confirms, and rates both', async () => {
    await play(kit, 'Matches');
    await kit.getByRole('form', { name: 'Report a match' }).waitFor();
    await expectAccessible(kit, 'phone: play matches with the report form');
    await kit.getByLabel('Game', { exact: true }).fill('Chess');
    await kit.getByLabel('Opponent', { exact: true }).selectOption({ label: 'Mia Example' });
    await kit.getByText('I won').click();
    await kit.getByRole('button', { name: 'Report match' }).click();
    await kit.getByRole('status').filter({ hasText: 'once Mia Example confirms' }).waitFor();
    const mine = kit.getByRole('article', { name: 'Chess: Kit Example vs Mia Example' });
    await mine.getByText('reported').waitFor();
    // The reporter has nothing to confirm.
    expect(await mine.getByRole('button', { name: 'Confirm' }).count()).toBe(0);

    await play(mia, 'Matches');
    const hers = mia.getByRole('article', { name: 'Chess: Kit Example vs Mia Example' });
    await hers.getByRole('button', { name: 'Confirm' }).click();
    await hers.getByText('settled').waitFor();
    await hers.getByTestId('rating-change').filter({ hasText: '+20' }).waitFor();
    await hers.getByTestId('rating-change').filter({ hasText: '−20' }).waitFor();
    // The admin may void a match that counts; the member may not.
    expect(await hers.getByRole('button', { name: 'Void' }).count()).toBe(0);
    await expectGranted(mia);

    await mia.screenshot({ path: join(SHOTS, 'desktop-play-matches.png') });
    // Kit's page hears of it live.
    await mine.getByText('settled').waitFor();
    await kit.screenshot({ path: join(SHOTS, 'phone-play-matches.png'), fullPage: true });
    await play(kit, 'Profile');
    const chess = kit.getByRole('listitem', { name: 'Chess rating' });
    await chess.getByTestId('rating').filter({ hasText: '1220' }).waitFor();
    await chess.getByText('provisional').waitFor();
    await kit.getByRole('button', { name: 'Why this XP?' }).click();
    const grants = kit.getByRole('table', { name: 'XP grants' });
    await grants.waitFor();
    await expectAccessible(kit, 'phone: why this XP');
    await grants.getByRole('row').filter({ hasText: 'match-won' }).filter({ hasText: '+15' }).waitFor();
    await grants.getByRole('row').filter({ hasText: 'match-played' }).filter({ hasText: 'v1' }).waitFor();
    await kit.screenshot({ path: join(SHOTS, 'phone-play-xp.png'), fullPage: true });

    // A board per game, by Elo.
    await play(kit, 'Leaderboards');
    await kit.getByRole('tab', { name: 'Chess' }).click();
    const chessBoard = kit.getByRole('tabpanel', { name: 'Chess' });
    await chessBoard.getByRole('listitem', { name: '1. Kit Example' }).getByText('1220').waitFor();
    await chessBoard.getByRole('listitem', { name: '2. Mia Example' }).getByText('1180').waitFor();
    await kit.screenshot({ path: join(SHOTS, 'phone-play-boards.png') });
  });

  it('counts a chore once the admin approves it, and only the admin can', async () => {
    await play(ana, 'Chores');
    await ana.getByRole('button', { name: 'New chore' }).click();
    await ana.getByRole('form', { name: 'New chore' }).waitFor();
    await expectAccessible(ana, 'desktop: the new chore form');
    await ana.getByLabel('Chore', { exact: true }).fill('Feed the cat');
    await ana.getByLabel('Points', { exact: true }).fill('40');
    await ana.getByLabel('Repeats', { exact: true }).selectOption('daily');
    await ana.getByRole('button', { name: 'Add chore' }).click();
    // Saved: focus goes to the new chore, not the page's body.
    await expect
      .poll(() => ana.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Feed the cat');
    await expectAccessible(ana, 'desktop: play chores');

    await play(kit, 'Profile');
    await kit.getByTestId('level').waitFor();
    const before = await xpOf(kit);
    await play(kit, 'Chores');
    const chore = kit.getByRole('article', { name: 'Feed the cat' });
    await chore.getByRole('button', { name: 'Mark done' }).click();
    await chore.getByLabel('Note (optional)', { exact: true }).fill('All fed');
    await chore.getByRole('button', { name: 'Send for approval' }).click();
    await chore.getByText('Waiting for approval').waitFor();
    expect(await kit.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Feed the cat');
    await kit.getByRole('article', { name: 'You: Feed the cat' }).getByText('All fed').waitFor();
    expect(await kit.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await expectGranted(kit);
    await expectAccessible(kit, 'phone: play chores');
    await kit.screenshot({ path: join(SHOTS, 'phone-play-chores.png'), fullPage: true });

    await ana.reload();
    const pending = ana.getByRole('article', { name: 'Kit Example: Feed the cat' });
    await pending.getByText('All fed').waitFor();
    await pending.getByRole('button', { name: 'Approve' }).click();
    await ana.getByRole('list', { name: 'Chore history' }).getByText('approved · +40 XP').waitFor();

    // Kit's page: the first chore is an achievement, announced at once, and the XP follows.
    await kit.getByTestId('play-toast').filter({ hasText: 'Helping hand' }).waitFor();
    await play(kit, 'Profile');
    await expect.poll(() => xpOf(kit), UNTIL).toBe(before + 40);
    await kit.getByRole('list', { name: 'Earned achievements' }).getByText('Helping hand').waitFor();
  });

  it('shows the admin a new challenge and everyone’s progress on it', async () => {
    await play(ana, 'Challenges');
    await ana.getByRole('button', { name: 'New challenge' }).click();
    const form = ana.getByRole('form', { name: 'New challenge' });
    // It says when it starts counting: from now, unless the admin asks for the whole week.
    await form.getByText(/^From now \(/).waitFor();
    await expectAccessible(ana, 'desktop: the new challenge form');
    await ana.getByLabel('Title', { exact: true }).fill('Play a match');
    await ana.getByLabel('What counts', { exact: true }).selectOption({ label: 'Matches played' });
    await ana.getByLabel('Target', { exact: true }).fill('1');
    await ana.getByLabel('Reward XP', { exact: true }).fill('30');
    // The match Kit and Mia played earlier this week is to count.
    await ana.getByLabel('Count the whole week, from the start of the week').check();
    await form.getByText(/^Everything this week counts/).waitFor();
    await ana.getByRole('button', { name: 'Create challenge' }).click();
    const card = ana.getByRole('article', { name: 'Play a match' });
    await card.getByText('Counts the whole week, from Monday').waitFor();
    await expect
      .poll(() => ana.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Play a match');
    const progress = (name: string) => card.getByRole('progressbar', { name: `${name}: Play a match` });
    await progress('Ana Example').waitFor();
    expect(await progress('Ana Example').getAttribute('aria-valuenow')).toBe('0');
    expect(await progress('Kit Example').getAttribute('aria-valuenow')).toBe('1');
    // Kit and Mia have played one: the reward lands by itself, and the page hears of it.
    await card.getByText('2 of 3 completed').waitFor();
    // Kit's first challenge is an achievement.
    await kit.getByTestId('play-toast').filter({ hasText: 'Challenge accepted' }).waitFor();
    await ana.screenshot({ path: join(SHOTS, 'desktop-play-challenges.png'), fullPage: true });
    await expectAccessible(ana, 'desktop: play challenges');
    await expectGranted(ana);
  });

  it('previews a rule change before → after, publishes it, and the profile lands there', async () => {
    await play(ana, 'Rules');
    await ana.getByTestId('rules-form').waitFor();
    const editor = await advanced(ana);
    await expect.poll(async () => (await editor.inputValue()).length, UNTIL).toBeGreaterThan(10);
    const rules = JSON.parse(await editor.inputValue()) as { xp: { id: string; xp?: number }[] };

    // A mistake first: a friendly message that says where it is.
    await editor.fill(
      JSON.stringify({ ...rules, xp: [...rules.xp, { id: 'message', on: 'message_posted' }] }),
    );
    await ana.getByRole('button', { name: 'Preview' }).click();
    await ana.getByRole('alert').filter({ hasText: 'XP rule 9 (“message”) › id' }).waitFor();

    const draft = { ...rules, xp: rules.xp.map((r) => (r.id === 'match-played' ? { ...r, xp: 100 } : r)) };
    await editor.fill(JSON.stringify(draft, null, 2));
    await ana.getByRole('button', { name: 'Preview' }).click();
    const kitRow = ana.getByRole('table', { name: 'Before and after, per member' }).getByRole('row', {
      name: /Kit Example/,
    });
    const change = async (cell: string) => {
      const el = kitRow.getByTestId(cell).locator('[data-before]');
      return [await el.getAttribute('data-before'), await el.getAttribute('data-after')];
    };
    const [xpBefore, xpAfter] = (await change('preview-xp')).map(Number);
    expect(xpAfter).toBe((xpBefore ?? 0) + 90);
    // 25 for the match, 40 for the chore, 30 for the challenge: 95; with 100 per match, 185.
    expect(await change('preview-level')).toEqual(['1', '2']);
    await ana.screenshot({ path: join(SHOTS, 'desktop-play-rules-preview.png'), fullPage: true });

    await play(kit, 'Profile');
    expect(await xpOf(kit)).toBe(xpBefore);
    await ana.getByRole('button', { name: 'Publish' }).click();
    await ana.getByRole('status').filter({ hasText: 'Version 2 is in force' }).waitFor();

    await expect.poll(() => xpOf(kit), UNTIL).toBe(xpAfter);
    expect(await kit.getByTestId('level').textContent()).toBe('2');
    await kit.getByTestId('play-toast').filter({ hasText: 'You reached level 2' }).waitFor();
    await kit.screenshot({ path: join(SHOTS, 'phone-play-level-up.png') });
  });

  it('says so when another admin published first, and loads their rules', async () => {
    await ana.getByText('Version 2 is in force').first().waitFor();
    const editor = await advanced(ana);
    await expect.poll(async () => (await editor.inputValue()).length, UNTIL).toBeGreaterThan(10);
    const rules = JSON.parse(await editor.inputValue()) as { elo: Record<string, number> };
    await editor.fill(JSON.stringify({ ...rules, elo: { ...rules.elo, k_provisional: 32 } }, null, 2));
    await ana.getByRole('button', { name: 'Preview' }).click();
    await ana.getByRole('table', { name: 'Before and after, per member' }).waitFor();

    // Meanwhile, someone else publishes other rules.
    const status = await ana.evaluate(async (rules) => {
      const res = await fetch('/api/v1/play/rules', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          expected_version: 2,
          rules: { ...rules, elo: { ...rules.elo, initial: 1000 } },
        }),
      });
      return res.status;
    }, rules);
    expect(status).toBe(201);

    await ana.getByRole('button', { name: 'Publish' }).click();
    const stale = ana
      .getByRole('alert')
      .filter({ hasText: 'Someone else published the rules (now version 3)' });
    await stale.waitFor();
    await stale.getByRole('button', { name: 'Load the latest rules' }).click();
    await ana.getByText('Version 3 is in force').first().waitFor();
    await expect.poll(async () => JSON.parse(await editor.inputValue()).elo.initial, UNTIL).toBe(1000);
  });

  it('changes the rules through the form: family words for a mistake, the preview, then published', async () => {
    await ana.getByRole('button', { name: 'Form' }).click();
    const form = ana.getByTestId('rules-form');
    await form.waitFor();
    await expectAccessible(ana, 'desktop: the rules form');

    // A mistake: said in family words, next to its field, which takes focus.
    const messageXp = ana.getByLabel('XP for a message', { exact: true });
    await messageXp.fill('-1');
    await ana.getByRole('button', { name: 'Preview' }).click();
    const said = ana.locator('#rules-xp-0-xp-error');
    await said.filter({ hasText: 'XP for a message can’t be negative.' }).waitFor();
    expect(await messageXp.getAttribute('aria-invalid')).toBe('true');
    expect((await messageXp.getAttribute('aria-describedby'))?.split(' ')).toContain('rules-xp-0-xp-error');
    await expect.poll(() => ana.evaluate(() => document.activeElement?.id), UNTIL).toBe('rules-xp-0-xp');
    await expectAccessible(ana, 'desktop: the rules form with an error');

    // The change: more XP for a win, a new achievement for the first win, one removed.
    await messageXp.fill('1');
    await ana.getByLabel('XP for winning a match', { exact: true }).fill('40');
    await ana.getByRole('button', { name: 'Remove Say cheese' }).click();
    expect(await form.getByRole('listitem', { name: 'Say cheese' }).count()).toBe(0);
    await ana.getByRole('button', { name: 'Add an achievement' }).click();
    const added = form.getByRole('list', { name: 'Achievements' }).getByRole('listitem').last();
    // The new one's name takes focus, to be typed at once.
    await expect
      .poll(() => ana.evaluate(() => document.activeElement?.getAttribute('id')), UNTIL)
      .toMatch(/title$/);
    await ana.keyboard.type('First win');
    await added.getByLabel('What it counts', { exact: true }).selectOption({ label: 'Matches won' });
    await added.getByLabel('Target', { exact: true }).fill('1');

    await ana.getByRole('button', { name: 'Preview' }).click();
    const kitRow = ana.getByRole('table', { name: 'Before and after, per member' }).getByRole('row', {
      name: /Kit Example/,
    });
    await kitRow.waitFor();
    const xp = kitRow.getByTestId('preview-xp').locator('[data-before]');
    const [before, after] = [
      Number(await xp.getAttribute('data-before')),
      Number(await xp.getAttribute('data-after')),
    ];
    // Kit won one match: 25 more for it.
    expect(after - before).toBe(25);
    await kitRow.getByText('First win').waitFor();
    await expectAccessible(ana, 'desktop: the rules preview');

    await ana.getByRole('button', { name: 'Publish' }).click();
    await ana.getByRole('status').filter({ hasText: 'Version 4 is in force' }).waitFor();
    // What was published is what the form said, as the advanced view shows it.
    const editor = await advanced(ana);
    type Published = { xp: { id: string; xp?: number }[]; achievements: { title: string }[] };
    const published = async () => {
      try {
        return JSON.parse(await editor.inputValue()) as Published;
      } catch {
        return null;
      }
    };
    await expect
      .poll(async () => (await published())?.xp.find((r) => r.id === 'match-won')?.xp, UNTIL)
      .toBe(40);
    const titles = (await published())?.achievements.map((a) => a.title);
    expect(titles).toContain('First win');
    expect(titles).not.toContain('Say cheese');

    await play(kit, 'Profile');
    await expect.poll(() => xpOf(kit), UNTIL).toBe(after);
    await kit.getByRole('list', { name: 'Earned achievements' }).getByText('First win').waitFor();

    // A time zone Hearth does not know: said under the field, and tied to it.
    const zone = ana.getByLabel('Family time zone', { exact: true });
    await zone.fill('Mars/Olympus');
    await ana.getByRole('button', { name: 'Save settings' }).click();
    const zoneError = ana.locator('#play-time-zone-error');
    await zoneError.filter({ hasText: 'Hearth does not know the time zone “Mars/Olympus”' }).waitFor();
    expect(await zone.getAttribute('aria-invalid')).toBe('true');
    expect(await zone.getAttribute('aria-describedby')).toBe('play-time-zone-error');
    await expectAccessible(ana, 'desktop: play settings with an error');
  });

  it('puts good news at the top, clear of the composer, and takes it away by itself', async () => {
    // Kit's "First win" arrived a moment ago; wherever a toast is, it is not over Send.
    await kit.getByRole('button', { name: 'All channels' }).click();
    await row(kit, 'family').click();
    const send = kit.getByRole('button', { name: 'Send' });
    await send.waitFor();
    // A fresh achievement for Kit: one more rule change, published over the API.
    const status = await ana.evaluate(async () => {
      const live = (await (await fetch('/api/v1/play/rules')).json()) as {
        version: number;
        rules: { achievements: { id: string; title: string; metric: string; threshold: number }[] };
      };
      const rules = {
        ...live.rules,
        achievements: [
          ...live.rules.achievements,
          { id: 'any-match', title: 'Any match', metric: 'matches_played', threshold: 1 },
        ],
      };
      const res = await fetch('/api/v1/play/rules', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ expected_version: live.version, rules }),
      });
      return res.status;
    });
    expect(status).toBe(201);
    const toast = kit.getByTestId('play-toast').filter({ hasText: 'Any match' });
    await toast.waitFor();
    const [t, s] = [await toast.boundingBox(), await send.boundingBox()];
    expect(t && s).toBeTruthy();
    if (t && s) {
      const overlaps =
        t.x < s.x + s.width && s.x < t.x + t.width && t.y < s.y + s.height && s.y < t.y + t.height;
      expect(overlaps).toBe(false);
      // At the top of the screen, the composer at the bottom.
      expect(t.y + t.height).toBeLessThan(s.y);
    }
    await expectAccessible(kit, 'phone: chat with a play toast');
    // It slides in only when the system welcomes motion.
    const animation = () => toast.evaluate((el) => getComputedStyle(el).animationName);
    expect(await animation()).toBe('play-toast-in');
    await kit.emulateMedia({ reducedMotion: 'reduce' });
    expect(await animation()).toBe('none');
    await kit.emulateMedia({ reducedMotion: null });
    // It never blocks what is beneath it, all but its Dismiss; it waits while the pointer
    // rests there or focus is inside it.
    await toast.getByRole('button', { name: 'Dismiss' }).hover();
    await expect.poll(() => toast.getAttribute('data-paused'), UNTIL).toBe('true');
    await kit.mouse.move(1, 1);
    await toast.getByRole('button', { name: 'Dismiss' }).focus();
    await expect.poll(() => toast.getAttribute('data-paused'), UNTIL).toBe('true');
    await composer(kit).focus();
    await expect.poll(() => toast.getAttribute('data-paused'), UNTIL).toBeNull();
    // Then it goes away by itself.
    await toast.waitFor({ state: 'detached', timeout: 15_000 });
  });
});

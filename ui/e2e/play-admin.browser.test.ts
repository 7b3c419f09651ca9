// Play as Ana, the admin (DESKTOP), runs it in real Chromium on a real hub: a challenge and
// everyone's progress on it, and rule changes (the JSON and the form) whose preview is what
// Kit's (a child, PHONE) profile shows once published, a stale publish, and the settings.
// Kit has already won a match against Mia and done a chore Ana approved. Every open form
// passes axe; the admin is offered nothing the edge refuses.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './axe.ts';
import { SHOTS, withoutBrowser } from './browser.ts';
import {
  chessKitWon,
  choreApproved,
  expectGranted,
  type PlayFamily,
  play,
  startPlayFamily,
  UNTIL,
  untilXp,
  xpOf,
} from './play-family.ts';

/** The rules' advanced view: the JSON, as before the form. */
async function advanced(page: Page) {
  const toggle = page.getByRole('button', { name: 'Advanced (JSON)' });
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  return page.getByLabel('Rule set (JSON)', { exact: true });
}

let family: PlayFamily;
let ana: Page, mia: Page, kit: Page;

describe.skipIf(withoutBrowser)('play in a browser: the admin', () => {
  beforeAll(async () => {
    family = await startPlayFamily();
    ({ ana, mia, kit } = family);
    await chessKitWon(kit, mia);
    await choreApproved(ana, kit);
    // On Kit's profile, the XP in: 25 for the match, 40 for the chore.
    await play(kit, 'Profile');
    await untilXp(kit, 65);
  }, 120_000);

  afterAll(() => family?.stop());

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
});

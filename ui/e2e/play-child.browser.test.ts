// Play as Kit, a child on a PHONE, sees it in real Chromium on a real hub: his profile and
// the boards, every section in view, a chore he does that only the admin (Ana, DESKTOP) may
// approve, and good news that keeps clear of the composer. Every tab and open form passes
// axe; each control matches the edge's permissions for a child.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './axe.ts';
import { SHOTS, withoutBrowser } from './browser.ts';
import { composer, row } from './people.ts';
import {
  chessKitWon,
  expectGranted,
  type PlayFamily,
  play,
  startPlayFamily,
  UNTIL,
  xpOf,
} from './play-family.ts';

let family: PlayFamily;
let ana: Page, mia: Page, kit: Page;

describe.skipIf(withoutBrowser)('play in a browser: the child', () => {
  beforeAll(async () => {
    family = await startPlayFamily();
    ({ ana, mia, kit } = family);
  }, 120_000);

  afterAll(() => family?.stop());

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

  describe('once Kit has played a match', () => {
    beforeAll(() => chessKitWon(kit, mia), 60_000);

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
});

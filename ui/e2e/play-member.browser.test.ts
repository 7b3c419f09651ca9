// Matches in real Chromium on a real hub: Kit, a child (PHONE), reports one that Mia, a
// member (DESKTOP), confirms; both are rated, Kit's XP says why, and each game has its board.
// The report form and the XP table pass axe; the member is offered nothing the edge refuses.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './axe.ts';
import { SHOTS, withoutBrowser } from './browser.ts';
import { expectGranted, type PlayFamily, play, startPlayFamily } from './play-family.ts';

let family: PlayFamily;
let mia: Page, kit: Page;

describe.skipIf(withoutBrowser)('play in a browser: the member', () => {
  beforeAll(async () => {
    family = await startPlayFamily();
    ({ mia, kit } = family);
  }, 120_000);

  afterAll(() => family?.stop());

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
});

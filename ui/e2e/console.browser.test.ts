// The admin console in a real browser: the first account (the admin) invites someone through
// it, the invited person joins through the copied link and their picture shows beside their
// name, the admin changes their role, looks at
// their sessions, bans them with a reason and lifts the ban; a child who opens /admin is told
// it is for admins; a read model is rebuilt with its progress shown; the family's settings are
// saved and still there after a reload; and the child's personal data is erased on request.
// axe-core checks every screen and dialog on the way.
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadModelStatus } from '../../contracts/admin.api.ts';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, PASSWORD, signUp, signUpWithInvite } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // the first account: the admin
let kit: Page; // joins through the console's invite
const contexts: BrowserContext[] = [];

const person = (page: Page, name: string) => page.getByTestId('person-row').filter({ hasText: name });
const section = (page: Page, name: string) => page.getByRole('link', { name, exact: true }).click();
const dialog = (page: Page, name: string | RegExp) => page.getByRole('dialog', { name });
const note = (page: Page) => page.getByTestId('people-note');

describe.skipIf(withoutBrowser)('the admin console', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub({ openSignup: false }), launchChromium()]);
    ana = await openPage(browser, DESKTOP, contexts);
    await ana.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hub.url });
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await ana.waitForURL(/\/home$/);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('invites someone with a link to copy, and they join through it', async () => {
    await ana.getByRole('link', { name: 'Family console' }).click();
    await ana.waitForURL(/\/admin$/);
    await ana.getByRole('heading', { level: 1, name: /Family console/ }).waitFor();
    await person(ana, 'Ana Example').waitFor();
    expect(await ana.title()).toBe('People · Family console · Hearth');
    await expectAccessible(ana, 'console: people');

    await ana.getByLabel('Joins as').selectOption('member');
    await ana.getByLabel('Link works for').selectOption('1d');
    await ana.getByRole('button', { name: 'Create invite link' }).click();
    const linkField = ana.getByRole('textbox', { name: /Invite link/ });
    await linkField.waitFor();
    await ana.getByRole('button', { name: 'Copy link' }).click();
    await ana.getByTestId('copy-status').filter({ hasText: 'Copied' }).waitFor();
    const copied = await ana.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await linkField.inputValue());
    expect(copied).toContain('/sign-up?invite=');
    await ana.getByTestId('invited-row').filter({ hasText: 'Member' }).waitFor();
    await expectAccessible(ana, 'console: invite made');

    kit = await openPage(browser, DESKTOP, contexts);
    await signUpWithInvite(kit, copied, 'Kit Example', 'kit@example.com');
    // The console looks again by itself: Kit appears, the invite is used.
    await person(ana, 'Kit Example').getByText('Active').waitFor({ timeout: 15_000 });
    await ana.getByTestId('invite-row').and(ana.locator('[data-status="used_up"]')).waitFor();
    expect(await ana.getByTestId('invited-row').count()).toBe(0);
  });

  it('shows each person’s picture beside their name, initials when they have none', async () => {
    const picture = `${hub.url}/favicon.svg`;
    const status = await kit.evaluate(
      async (image) =>
        (
          await fetch('/api/v1/me', {
            method: 'PATCH',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ image }),
          })
        ).status,
      picture,
    );
    expect(status).toBeLessThan(300);
    const kitsImage = () =>
      ana.evaluate(async () => {
        const users = (await (await fetch('/api/v1/admin/users')).json()) as {
          name: string;
          image: string | null;
        }[];
        return users.find((u) => u.name === 'Kit Example')?.image ?? null;
      });
    await expect.poll(kitsImage, { timeout: 15_000 }).toBe(picture);
    await ana.reload();
    const image = person(ana, 'Kit Example').getByTestId('avatar-image');
    await image.waitFor();
    expect(await image.getAttribute('src')).toBe(picture);
    expect(await person(ana, 'Ana Example').getByTestId('avatar-image').count()).toBe(0);
  });

  it('asks before making someone admin, and changes other roles at once', async () => {
    const role = ana.getByRole('combobox', { name: 'Role of Kit Example' });
    await role.focus();
    await role.selectOption('admin');
    const confirm = dialog(ana, 'Make Kit Example an admin?');
    await confirm.waitFor();
    await expectAccessible(ana, 'console: make admin dialog');
    // Escape cancels, nothing changes, and focus is back on the role it came from.
    await ana.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(await role.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await role.inputValue()).toBe('member');

    await role.selectOption('admin');
    await confirm.getByRole('button', { name: 'Make admin' }).click();
    await note(ana).filter({ hasText: 'Kit Example is now admin.' }).waitFor();
    await role.selectOption('child');
    await note(ana).filter({ hasText: 'Kit Example is now child.' }).waitFor();
    expect(await role.inputValue()).toBe('child');
  });

  it('shows someone’s sessions in a dialog that gives focus back when closed', async () => {
    const open = ana.getByRole('button', { name: 'Sessions of Kit Example' });
    await open.click();
    const sessions = dialog(ana, 'Sessions of Kit Example');
    await sessions.getByRole('button', { name: 'Sign out this session' }).waitFor();
    await expectAccessible(ana, 'console: sessions dialog');
    await sessions.getByRole('button', { name: 'Cancel' }).click();
    await sessions.waitFor({ state: 'detached' });
    expect(await open.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('bans with a reason, which the banned person is told, then lifts the ban', async () => {
    await ana.getByRole('button', { name: 'Ban Kit Example' }).click();
    const ban = dialog(ana, 'Ban Kit Example');
    await ban.getByLabel('Reason').fill('Too many pranks this week');
    await expectAccessible(ana, 'console: ban dialog');
    await ban.getByRole('button', { name: 'Ban', exact: true }).click();
    await note(ana).filter({ hasText: 'Kit Example is banned.' }).waitFor();
    const status = person(ana, 'Kit Example').getByTestId('person-status');
    await status
      .filter({ hasText: 'Banned' })
      .filter({ hasText: 'Reason: Too many pranks this week' })
      .waitFor();

    // Kit's open page loses its session and says why, in family words, with the reason; signing
    // in again is refused, saying the same.
    const notice = kit.getByTestId('ban-notice');
    await notice
      .filter({ hasText: /banned/ })
      .filter({ hasText: 'Too many pranks this week' })
      .waitFor();
    await kit.getByLabel('Email').fill('kit@example.com');
    await kit.getByLabel('Password').fill(PASSWORD);
    const refused = kit.waitForResponse((r) => r.url().endsWith('/api/auth/sign-in/email'));
    await kit.getByRole('button', { name: 'Sign in' }).click();
    expect((await refused).status()).toBe(403);
    await notice
      .filter({ hasText: /banned/ })
      .filter({ hasText: 'Too many pranks this week' })
      .waitFor();
    await kit.getByRole('button', { name: 'Sign in' }).waitFor();

    await ana.getByRole('button', { name: 'Unban Kit Example' }).click();
    await note(ana).filter({ hasText: 'Kit Example is no longer banned.' }).waitFor();
    await status.filter({ hasText: 'Active' }).waitFor();
    await kit.getByRole('button', { name: 'Sign in' }).click();
    await kit.waitForURL(/\/home$/);
  });

  it('tells a child who opens /admin that the console is for admins, offering nothing', async () => {
    await kit.goto(`${hub.url}/admin`);
    await kit.getByTestId('console-refusal').getByText('The console is for the family’s admins.').waitFor();
    expect(kit.url()).toMatch(/\/admin$/);
    expect(await kit.locator('main [data-requires]').count()).toBe(0);
    await expectAccessible(kit, 'console: refusal');
  });

  it('rebuilds a read model, showing its progress from the rebuild', async () => {
    await section(ana, 'Read models');
    await ana.waitForURL(/\/admin\/read-models$/);
    const users = ana.getByTestId('read-model').and(ana.locator('[data-name="identity_users"]'));
    await users.getByText('Up to date').waitFor();
    await expectAccessible(ana, 'console: read models');
    await users.getByRole('button', { name: 'Rebuild identity_users' }).click();
    const confirm = dialog(ana, 'Rebuild identity_users?');
    await expectAccessible(ana, 'console: rebuild dialog');
    await confirm.getByRole('button', { name: 'Rebuild', exact: true }).click();
    const progress = users.getByTestId('rebuild-progress').and(ana.locator('[data-status="done"]'));
    await progress.getByText(/Rebuilt .*: \d+ events at \d+ events\/s, verified equal\./).waitFor();
    await expect.poll(async () => users.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await expectAccessible(ana, 'console: rebuild done');
  });

  it('lists dead letters (none here)', async () => {
    await section(ana, 'Dead letters');
    await ana.getByText('No parked events').waitFor();
    await expectAccessible(ana, 'console: dead letters');
  });

  it('saves the family’s settings, and shows them after a reload', async () => {
    await section(ana, 'Family settings');
    await ana.waitForURL(/\/admin\/settings$/);
    await ana.getByLabel('Family name').fill('The Examples');
    await ana.getByRole('radio', { name: /Open/ }).check();
    await ana.getByRole('button', { name: 'Save family settings' }).click();
    await ana
      .getByRole('form', { name: 'Family settings' })
      .getByRole('status')
      .filter({ hasText: 'Saved.' })
      .waitFor();
    const zone = ana.getByLabel('Family time zone');
    await zone.fill('Europe/Paris');
    await ana.getByRole('button', { name: 'Save time zone' }).click();
    await ana
      .getByRole('form', { name: 'Time zone' })
      .getByRole('status')
      .filter({ hasText: 'Saved.' })
      .waitFor();

    await ana.reload();
    await expect.poll(() => ana.getByLabel('Family name').inputValue()).toBe('The Examples');
    expect(await ana.getByRole('radio', { name: /Open/ }).isChecked()).toBe(true);
    await expect.poll(() => ana.getByLabel('Family time zone').inputValue()).toBe('Europe/Paris');
    await expectAccessible(ana, 'console: family settings');
  });

  it('does not offer sign-up by email domain while the hub sends no email, and says why', async () => {
    const domains = ana.getByRole('radio', { name: /Allowed email domains/ });
    expect(await domains.isDisabled()).toBe(true);
    await ana.getByText('Needs Hearth to send email (SMTP_URL), to check addresses.').waitFor();
  });

  it('retries and skips parked events, each shown with its error', async () => {
    // Two events identity_family is made to have failed on, parked as the runtime parks them.
    const res = await ana.request.get(`${hub.url}/api/v1/admin/read-models`);
    const family = ((await res.json()) as ReadModelStatus[]).find((m) => m.name === 'identity_family');
    if (!family) throw new Error('no identity_family read model');
    for (const [seq, error] of [
      [family.lastSeq, 'the first failure'],
      [family.lastSeq - 1, 'the second failure'],
    ] as const) {
      await sql`INSERT INTO hearth.dead_letters (read_model, stream, seq, subject, type, error)
        VALUES ('identity_family', ${family.stream}, ${seq}, 'hearth.identity.family',
                'hearth.identity.v1.SignUpPolicySet', ${error})`.execute(hub.hub.deps.db);
    }
    await section(ana, 'Read models');
    await ana
      .getByTestId('read-model')
      .and(ana.locator('[data-name="identity_family"]'))
      .getByText('2 events parked')
      .waitFor();
    await section(ana, 'Dead letters');
    const first = ana.getByTestId('dead-letter').filter({ hasText: 'the first failure' });
    const second = ana.getByTestId('dead-letter').filter({ hasText: 'the second failure' });
    await second.waitFor();
    await expectAccessible(ana, 'console: dead letters parked');
    await first.getByRole('button', { name: /^Retry/ }).click();
    await ana
      .getByRole('status')
      .filter({ hasText: `Event ${family.lastSeq} was applied again.` })
      .waitFor();
    await first.waitFor({ state: 'detached' });
    await second.getByRole('button', { name: /^Skip/ }).click();
    await ana
      .getByRole('status')
      .filter({ hasText: `Event ${family.lastSeq - 1} was skipped.` })
      .waitFor();
    await ana.getByText('No parked events').waitFor();
  });

  it('erases someone’s personal data on request, asking who asked, never offering it on yourself', async () => {
    await section(ana, 'People');
    expect(
      await person(ana, 'Ana Example')
        .getByRole('button', { name: /^Erase personal data/ })
        .count(),
    ).toBe(0);
    await ana.getByRole('button', { name: 'Erase personal data… of Kit Example' }).click();
    const erase = dialog(ana, 'Erase Kit Example’s personal data?');
    await expectAccessible(ana, 'console: erase dialog');
    // Kit is a child: only Kit, or an adult of the family, may have asked.
    const by = erase.getByLabel('Who asked for it?');
    expect(await by.locator('option').allTextContents()).toEqual([
      'Kit Example (themselves)',
      'Ana Example (admin)',
    ]);
    await by.selectOption({ label: 'Ana Example (admin)' });
    await erase.getByRole('button', { name: 'Erase personal data' }).click();
    await note(ana).filter({ hasText: 'Kit Example’s personal data is erased.' }).waitFor();
    const row = ana.locator('[data-testid="person-row"][data-erased="true"]');
    await row.getByText('Erased member').waitFor();
    expect(await row.getByTestId('person-status').textContent()).toMatch(/^Personal data erased/);
    expect(await row.textContent()).not.toContain('kit@example.com');
    expect(await row.getByRole('button').count()).toBe(0);
    await expectAccessible(ana, 'console: an erased member');
  });
});

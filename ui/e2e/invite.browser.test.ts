// Joining by invite in a real browser: the admin makes a link, the person it is for opens it
// and signs up with the invite's role, the family sees them arrive, and a link that is used up
// (or missing) is explained on the page.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InviteMade } from '../../contracts/identity.api.ts';
import { ensureUiBuilt } from '../build.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { fillSignUp, openPage, row, signUp, signUpWithInvite } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // the first account: the admin
const contexts: BrowserContext[] = [];
let invite: InviteMade;

const hearthLine = (page: Page, text: string) => page.getByTestId('hearth-line').filter({ hasText: text });
const alert = (page: Page) => page.getByRole('alert');

describe.skipIf(withoutBrowser)('joining the family by invite', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub({ openSignup: false }), launchChromium()]);
    ana = await openPage(browser, DESKTOP, contexts);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await ana.waitForURL(/\/home$/);
    await row(ana, 'family').click();
    await ana.waitForURL(/\/c\/family$/);
    // The admin's own session makes the invite, as the admin console will.
    const res = await ana.request.post(`${hub.url}/api/v1/admin/invites`, {
      data: { role: 'child' },
      headers: { Origin: hub.url },
    });
    expect(res.status()).toBe(201);
    invite = (await res.json()) as InviteMade;
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('signs the invited person up as a child, and the family sees them join', async () => {
    const kit = await openPage(browser, DESKTOP, contexts);
    await kit.goto(invite.link);
    await kit.getByText('You were invited to join the family').waitFor();
    await signUpWithInvite(kit, invite.link, 'Kit Example', 'kit@example.com');
    expect(await kit.getByText('Admin', { exact: true }).count()).toBe(0);
    await kit.waitForURL(/\/home$/);
    await row(kit, 'family').click();
    await kit.waitForURL(/\/c\/family$/);
    await hearthLine(kit, 'Kit Example joined as child').waitFor();
    await hearthLine(ana, 'Kit Example joined as child').waitFor();
    // The address no longer holds the token once it has been used.
    expect(kit.url()).not.toContain('invite=');
  });

  it('explains a link that has been used up', async () => {
    const late = await openPage(browser, DESKTOP, contexts);
    await late.goto(invite.link);
    await fillSignUp(late, 'Late Example', 'late@example.com');
    await alert(late).filter({ hasText: 'This invite link has already been used' }).waitFor();
  });

  it('shows a visitor who is not signed in the sign-in page, with no word of an outage', async () => {
    const visitor = await openPage(browser, DESKTOP, contexts);
    await visitor.goto(hub.url);
    await visitor.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await visitor.getByText('cannot be reached').count()).toBe(0);
  });

  it('explains that joining needs an invite', async () => {
    const stranger = await openPage(browser, DESKTOP, contexts);
    await stranger.goto(`${hub.url}/sign-up`);
    await stranger.getByText('Joining needs an invite link').waitFor();
    await fillSignUp(stranger, 'Stranger', 'stranger@example.com');
    await alert(stranger).filter({ hasText: 'Joining this family needs an invite' }).waitFor();
  });
});

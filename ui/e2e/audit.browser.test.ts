// The audit log in the admin console, in real Chromium on a real hub. Ana (the admin) makes Kit
// a child; Mia (a member) posts in the family channel and tries an admin command three times
// through fetch, refused. Ana finds it all in the audit log, narrows it to Mia's refusals (the
// filters survive a reload), downloads the view as CSV and JSONL, verifies the log and signs a
// checkpoint, on a desktop and on a phone; Mia is offered no audit log at all. axe checks
// every state on the way.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CSV_COLUMNS, type AuditEntry, type AuditPage } from '../../contracts/audit.api.ts';
import { ensureUiBuilt } from '../build.ts';
import { expectAccessible } from './axe.ts';
import { DESKTOP, launchChromium, PHONE, SHOTS, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { messageText, openPage, send, signUp } from './people.ts';

/** For hooks, where expect.poll may not run: waits until `ok` answers true (the hook's timeout bounds it). */
async function until(ok: () => Promise<boolean>) {
  while (!(await ok())) await new Promise((r) => setTimeout(r, 200));
}
const UNTIL = { timeout: 15_000 };
const UI_TIMEOUT = 10_000;

let hub: BrowserHub;
let browser: Browser;
let ana: Page; // the first account: the admin
let mia: Page; // a member
let kit: Page; // whom Ana makes a child
let miaId: string;
const contexts: BrowserContext[] = [];

const idOf = async (page: Page) =>
  ((await (await page.request.get(`${hub.url}/api/v1/me`)).json()) as { id: string }).id;

/** The audit log's entries as the edge lists them to `page` for this query (none while it cannot say). */
const listed = (page: Page, query: string) =>
  page.evaluate(async (q) => {
    const res = await fetch(`/api/v1/audit/entries?${q}`);
    return res.ok ? ((await res.json()) as AuditPage).entries : [];
  }, query);

/** Attempts a list of entries stands for: coalesced refusals count each attempt. */
const attempts = (entries: Pick<AuditEntry, 'count'>[]) => entries.reduce((n, e) => n + e.count, 0);

const entry = (page: Page, action: string) =>
  page.locator(`[data-testid="audit-entry"][data-action="${action}"]`);

async function openAuditLog(page: Page) {
  await page.getByRole('link', { name: 'Family console' }).click();
  await page
    .getByRole('navigation', { name: 'Console sections' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  await page.waitForURL(/\/admin\/audit$/);
  await page.getByRole('heading', { level: 2, name: 'Audit log' }).waitFor();
}

async function fileOf(download: Download): Promise<string> {
  const path = await download.path();
  return readFile(path, 'utf8');
}

describe.skipIf(withoutBrowser)('the audit log in the admin console', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    [ana, mia, kit] = await Promise.all([
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
    ]);
    await signUp(ana, hub.url, 'Ana Example', 'ana@example.com');
    await signUp(mia, hub.url, 'Mia Example', 'mia@example.com');
    await signUp(kit, hub.url, 'Kit Example', 'kit@example.com');
    miaId = await idOf(mia);
    const kitId = await idOf(kit);

    // Ana makes Kit a child.
    const role = await ana.request.post(`${hub.url}/api/v1/admin/users/${kitId}/role`, {
      data: { role: 'child' },
    });
    expect(role.status()).toBeLessThan(300);
    // Mia says hello in the family channel.
    await mia.goto(`${hub.url}/c/family`);
    await send(mia, 'Hello from Mia');
    await messageText(mia, 'Hello from Mia').waitFor();
    // Mia tries, three times, to make herself an admin: the edge refuses each.
    const refused = await mia.evaluate(async (id) => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`/api/v1/admin/users/${id}/role`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ role: 'admin' }),
        });
        statuses.push(res.status);
      }
      return statuses;
    }, miaId);
    expect(refused).toEqual([403, 403, 403]);

    // The first refusal is written at once, the repeats when their minute is over: write them now.
    await hub.hub.refusals.flush();
    // The log has it all once the read model has caught up.
    await until(async () => attempts(await listed(ana, `actor=${miaId}&outcome=refused`)) === 3);
    await until(async () => (await listed(ana, 'action=identity.RoleChanged')).length > 0);
    await until(async () => (await listed(ana, 'action=chat.MessagePosted')).length > 0);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  it('shows the admin what the family just did, newest first, with who, where from and how it ended', async () => {
    await openAuditLog(ana);
    // Unread messages may prefix the title with their count.
    expect(await ana.title()).toMatch(/^(\(\d+\) )?Audit log · Family console · Hearth$/);
    await ana
      .getByTestId('audit-retention')
      .filter({ hasText: /^Oldest entry kept: .+ \(365 days\)\.$/ })
      .waitFor();

    const posted = entry(ana, 'chat.MessagePosted').filter({ hasText: 'Mia Example' }).first();
    await posted.waitFor();
    expect(await posted.getByTestId('audit-outcome').textContent()).toBe('went through');
    expect(await posted.textContent()).toContain('chat.channel.family');
    // Where it came from: the address, and the browser in short with the whole string on hover.
    expect(await posted.textContent()).toMatch(/From (::ffff:)?127\.0\.0\.1/);
    const agent = await mia.evaluate(() => navigator.userAgent);
    expect(await posted.locator(`[title="${agent}"]`).count()).toBe(1);
    // The message's words are not in the log.
    expect(await posted.textContent()).not.toContain('Hello from Mia');

    const roleChanged = entry(ana, 'identity.RoleChanged').first();
    expect(await roleChanged.getByTestId('audit-who').textContent()).toBe('Ana Example');

    // Newest first.
    const times = await ana
      .getByTestId('audit-entry')
      .locator('time')
      .evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime') ?? '')));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    await ana.screenshot({ path: join(SHOTS, 'desktop-audit-log.png'), fullPage: true });
    await expectAccessible(ana, 'console: the audit log');
  });

  it('narrows the log to one person’s refused attempts, and keeps the view on reload', async () => {
    await ana.getByLabel('Person', { exact: true }).selectOption({ label: 'Mia Example' });
    await ana.waitForURL((url) => url.searchParams.get('actor') === miaId);
    await ana.getByLabel('Outcome', { exact: true }).selectOption({ label: 'Refused' });
    await ana.waitForURL((url) => url.searchParams.get('outcome') === 'refused');

    const refusals = entry(ana, 'audit.AttemptRefused');
    await refusals.first().waitFor();
    expect(await ana.locator('[data-testid="audit-entry"][data-outcome="ok"]').count()).toBe(0);
    const shown = await refusals.getByTestId('audit-outcome').allTextContents();
    // "refused", or "refused ×3" when the attempts were coalesced into one entry.
    const counts = shown.map((t) => (t === 'refused' ? 1 : Number(/^refused ×(\d+)$/.exec(t)?.[1])));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    for (const who of await refusals.getByTestId('audit-who').allTextContents())
      expect(who).toBe('Mia Example');
    expect(await refusals.first().textContent()).toContain('POST /api/v1/admin/users/:id/role');
    await expectAccessible(ana, 'console: the audit log, filtered');

    await ana.reload();
    await refusals.first().waitFor();
    await expect.poll(() => ana.getByLabel('Person', { exact: true }).inputValue(), UNTIL).toBe(miaId);
    expect(await ana.getByLabel('Outcome', { exact: true }).inputValue()).toBe('refused');
    expect(await ana.locator('[data-testid="audit-entry"][data-outcome="ok"]').count()).toBe(0);
  });

  it('downloads the view as CSV and as JSONL', async () => {
    const [csv] = await Promise.all([
      ana.waitForEvent('download'),
      ana.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csvLines = (await fileOf(csv)).trim().split(/\r?\n/);
    expect(csvLines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(csvLines.length).toBeGreaterThan(1);
    for (const line of csvLines.slice(1)) {
      expect(line).toContain('audit.AttemptRefused');
      expect(line).toContain(miaId);
    }

    const [jsonl] = await Promise.all([
      ana.waitForEvent('download'),
      ana.getByRole('link', { name: 'Download JSONL' }).click(),
    ]);
    const entries = (await fileOf(jsonl))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEntry);
    expect(entries.length).toBe(csvLines.length - 1);
    for (const e of entries)
      expect([e.actor_id, e.outcome, e.action]).toEqual([miaId, 'refused', 'audit.AttemptRefused']);
    expect(attempts(entries)).toBe(3);
  });

  it('takes a bare area as the area, and says plainly what else it cannot ask for, asking nothing', async () => {
    const asked: URL[] = [];
    ana.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/v1/audit/')) asked.push(url);
    });
    const action = ana.getByLabel('Action', { exact: true });
    const actions = () =>
      ana.getByTestId('audit-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    await ana.getByRole('button', { name: 'Clear filters' }).click();
    await ana.waitForURL((url) => url.search === '');

    // "chat" is the whole area: it is asked for as "chat." and shows chat's entries only.
    await action.fill('chat');
    await ana.getByRole('button', { name: 'Show' }).click();
    await ana.waitForURL((url) => url.searchParams.get('action') === 'chat.');
    await expect
      .poll(async () => {
        const shown = await actions();
        return shown.length > 0 && shown.every((a) => a?.startsWith('chat.'));
      }, UNTIL)
      .toBe(true);
    expect(await action.inputValue()).toBe('chat.');
    expect(asked.some((u) => u.searchParams.get('action') === 'chat.')).toBe(true);
    const lastView = await actions();

    // A request line is no kind of event: said next to the field, the list stays, nothing is asked.
    const message = 'Action is a kind of event such as chat.MessagePosted, or a whole area such as chat.';
    await action.fill('POST /x');
    await ana.getByRole('button', { name: 'Show' }).click();
    await ana.getByText(message).waitFor();
    expect(await action.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await action.getAttribute('aria-describedby')) ?? '';
    expect(await ana.locator(`[id="${describedBy}"]`).textContent()).toBe(message);
    await expect.poll(() => ana.evaluate(() => document.activeElement?.id)).toBe('audit-action');
    expect(await actions()).toEqual(lastView);
    await ana.getByTestId('audit-last-view').waitFor();
    for (const name of ['Download CSV', 'Download JSONL']) {
      const link = ana.getByRole('link', { name });
      expect(await link.isDisabled()).toBe(true);
      expect(await link.getAttribute('href')).toBeNull();
    }
    await ana.screenshot({ path: join(SHOTS, 'desktop-audit-log-wrong-filter.png'), fullPage: true });
    await expectAccessible(ana, 'console: the audit log, a filter wrong');

    // The same in the address (a reload, or a hand-edited link): shown as wrong, never sent.
    await ana.reload();
    await ana.getByText(message).waitFor();
    expect(await action.inputValue()).toBe('POST /x');
    expect(await ana.getByTestId('audit-entry').count()).toBe(0);
    expect(await ana.getByRole('link', { name: 'Download CSV' }).isDisabled()).toBe(true);
    await ana.goto(`${hub.url}/admin/audit?from=yesterday&outcome=maybe`);
    await ana.getByText('“yesterday” is not a date and time. Pick one, or leave From empty.').waitFor();
    expect(await ana.getByLabel('Outcome', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await ana.getByTestId('audit-entry').count()).toBe(0);
    // Retention and such are asked for; no list or export with a wrong filter ever is.
    const wrong = asked.filter(
      (u) =>
        u.searchParams.get('action') === 'POST /x' ||
        u.searchParams.get('from') === 'yesterday' ||
        u.searchParams.get('outcome') === 'maybe',
    );
    expect(wrong).toEqual([]);
    expect(asked.filter((u) => u.pathname === '/api/v1/audit/export')).toEqual([]);
  });

  it('reads a time without a zone as this device’s time', async () => {
    // Far from UTC, so a wall clock read as UTC would be a different moment.
    const context = await browser.newContext({
      ...DESKTOP,
      timezoneId: 'Pacific/Auckland',
      storageState: await ana.context().storageState(),
    });
    contexts.push(context);
    context.setDefaultTimeout(UI_TIMEOUT);
    const page = await context.newPage();
    const sent: URL[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/v1/audit/entries') sent.push(url);
    });
    const moment = (wall: string) => page.evaluate((w) => new Date(w).toISOString(), wall);

    // Typed into the address without a zone.
    await page.goto(`${hub.url}/admin/audit?action=chat.&from=2000-01-01T10:00`);
    await entry(page, 'chat.MessagePosted').first().waitFor();
    const first = await moment('2000-01-01T10:00');
    expect(first).toBe('1999-12-31T21:00:00.000Z');
    expect(sent.map((u) => u.searchParams.get('from'))).toContain(first);
    expect(await page.getByTestId('audit-filter-problem').count()).toBe(0);

    // Picked in the form: sent as the moment it is here.
    await page.getByLabel('From', { exact: true }).fill('2000-01-02T08:30');
    await page.getByRole('button', { name: 'Show' }).click();
    const second = await moment('2000-01-02T08:30');
    await page.waitForURL((url) => url.searchParams.get('from') === second);
    await expect.poll(() => sent.map((u) => u.searchParams.get('from')), UNTIL).toContain(second);
    await entry(page, 'chat.MessagePosted').first().waitFor();
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toContain(
      `from=${encodeURIComponent(second)}`,
    );
  });

  it('verifies the log, signs a checkpoint, and verifies it again', async () => {
    await ana.getByRole('button', { name: 'Clear filters' }).click();
    await ana.waitForURL((url) => url.search === '');
    await entry(ana, 'identity.RoleChanged').first().waitFor();

    await ana.getByRole('button', { name: 'Verify the log' }).click();
    const verdict = ana.getByTestId('audit-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.getAttribute('data-ok')).toBe('true');
    expect(await verdict.textContent()).toMatch(/^All good/);
    const streams = await ana
      .getByTestId('audit-stream')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-stream')));
    expect(streams).toEqual(expect.arrayContaining(['IDENTITY', 'CHAT']));
    expect(await ana.getByTestId('audit-problem').count()).toBe(0);
    await expectAccessible(ana, 'console: the audit log, verified');

    await ana.getByRole('button', { name: 'Sign a checkpoint now' }).click();
    await ana
      .getByTestId('audit-signed')
      .filter({ hasText: /^Signed a checkpoint of \d+ streams?/ })
      .waitFor(UNTIL);
    await ana.getByRole('button', { name: 'Verify the log' }).click();
    await ana.getByTestId('audit-verdict').waitFor({ timeout: 60_000 });
    expect(await ana.getByTestId('audit-verdict').getAttribute('data-ok')).toBe('true');
    expect(await ana.getByTestId('audit-stream').and(ana.locator('[data-ok="false"]')).count()).toBe(0);
  });

  it('works on a phone', async () => {
    const context = await browser.newContext({ ...PHONE, storageState: await ana.context().storageState() });
    contexts.push(context);
    context.setDefaultTimeout(UI_TIMEOUT);
    const phone = await context.newPage();
    await phone.goto(`${hub.url}/admin/audit?outcome=refused`);
    await entry(phone, 'audit.AttemptRefused').first().waitFor();
    // Nothing is wider than the screen.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(SHOTS, 'phone-audit-log.png'), fullPage: true });
    await expectAccessible(phone, 'phone: the audit log');
  });

  it('offers a member no audit log', async () => {
    const asked: string[] = [];
    mia.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/v1/audit')) asked.push(r.url());
    });
    await mia.goto(`${hub.url}/home`);
    await mia.getByTestId('me').waitFor();
    expect(await mia.getByRole('link', { name: 'Family console' }).count()).toBe(0);
    expect(await mia.getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    await mia.goto(`${hub.url}/admin/audit`);
    await mia.getByTestId('console-refusal').waitFor();
    expect(await mia.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(await mia.locator('[data-requires^="audit."]').count()).toBe(0);
    expect(await mia.getByTestId('audit-entry').count()).toBe(0);
    expect(asked).toEqual([]);
    await expectAccessible(mia, 'console: the audit log, refused to a member');
    // And the edge agrees.
    expect((await mia.request.get(`${hub.url}/api/v1/audit/entries`)).status()).toBe(403);
  });
});

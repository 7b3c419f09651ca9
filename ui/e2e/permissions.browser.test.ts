// The UI offers only what the server allows: for each role, every page's gated controls
// (data-requires="resource.action") are checked against the server's own permission table
// (edge/http/permissions.ts), with data on the pages that makes their controls show up: a
// chore done and waiting, a challenge, a match, a channel. Nothing here lists controls by hand.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can } from '../../edge/identity/access.ts';
import { ensureUiBuilt } from '../build.ts';
import { DESKTOP, launchChromium, withoutBrowser } from './browser.ts';
import { type BrowserHub, startBrowserHub } from './hub.ts';
import { openPage, signUp } from './people.ts';

let hub: BrowserHub;
let browser: Browser;
const pages: Record<'admin' | 'member' | 'child', Page> = {} as never;
const contexts: BrowserContext[] = [];

const PATHS = [
  '/home',
  '/c/family',
  '/play',
  '/play/boards',
  '/play/matches',
  '/play/challenges',
  '/play/chores',
  '/play/rules',
  '/gallery',
  '/admin',
  '/admin/audit',
  '/admin/streams',
  '/admin/consumers',
  '/admin/browse',
  '/admin/aggregate',
  '/admin/read-models/rows?model=chat_messages',
  '/admin/keys',
  '/admin/webhooks',
  '/admin/assistant',
  '/admin/assistant/settings',
  '/admin/assistant/children',
  '/admin/prompts',
];

async function idOf(page: Page): Promise<string> {
  return ((await (await page.request.get(`${hub.url}/api/v1/me`)).json()) as { id: string }).id;
}

/** The page at `path`, once the edge has said what the caller may do and the data is in. */
async function open(page: Page, path: string): Promise<void> {
  const permissions = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/permissions'));
  await page.goto(`${hub.url}${path}`, { waitUntil: 'networkidle' });
  await permissions;
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
}

const gated = (page: Page) =>
  page.locator('[data-requires]').evaluateAll((els) => els.map((e) => e.getAttribute('data-requires') ?? ''));

const allowed = (role: string, grant: string) => {
  const [resource, action] = grant.split('.');
  return resource !== undefined && action !== undefined && can(role, { [resource]: [action] });
};

describe.skipIf(withoutBrowser)('the UI offers only what the server allows', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    [hub, browser] = await Promise.all([startBrowserHub(), launchChromium()]);
    const [admin, member, child] = await Promise.all([
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
      openPage(browser, DESKTOP, contexts),
    ]);
    Object.assign(pages, { admin, member, child });
    await signUp(admin, hub.url, 'Ana Example', 'ana@example.com');
    await signUp(member, hub.url, 'Mia Example', 'mia@example.com');
    await signUp(child, hub.url, 'Kit Example', 'kit@example.com');
    const kitId = await idOf(child);
    const miaId = await idOf(member);
    const post = async (page: Page, path: string, data: unknown = {}) => {
      const res = await page.request.post(`${hub.url}${path}`, { data });
      expect(res.status(), path).toBeLessThan(300);
      return (await res.json()) as Record<string, unknown>;
    };
    await post(admin, `/api/v1/admin/users/${kitId}/role`, { role: 'child' });
    // Data that makes gated controls appear: a chore done and waiting, a challenge, a match
    // waiting for confirmation, messages from others.
    const chore = await post(admin, '/api/v1/play/chores', { title: 'Dishes', points: 5 });
    const choreId = String(chore.chore_id ?? chore.id);
    await post(child, `/api/v1/play/chores/${choreId}/done`, {});
    await post(admin, '/api/v1/play/challenges', {
      title: 'Say hi',
      metric: 'messages_sent',
      target: 5,
      reward_xp: 10,
    });
    await post(member, '/api/v1/play/matches', {
      game: 'Chess',
      placements: [
        { user_id: miaId, place: 1 },
        { user_id: kitId, place: 2 },
      ],
    });
    await post(member, '/api/v1/messages', { channel: 'family', content: 'Hello from Mia' });
    await post(admin, '/api/v1/messages', { channel: 'family', content: 'Hello from Ana' });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
  });

  for (const role of ['child', 'member', 'admin'] as const) {
    it(`shows ${role} only controls the server grants ${role}`, async () => {
      const page = pages[role];
      const seen = new Set<string>();
      for (const path of PATHS) {
        await open(page, path);
        const refused = (await gated(page)).filter((g) => !allowed(role, g));
        expect(refused, `${role} on ${path}`).toEqual([]);
        for (const g of await gated(page)) seen.add(g);
      }
      // The admin is offered the managing controls; the check above is not passing on an empty page.
      if (role === 'admin')
        expect([...seen]).toEqual(
          expect.arrayContaining([
            'play.manage',
            'user.list',
            'audit.read',
            'audit.checkpoint',
            'stream.inspect',
            'integration.manage',
            'assistant.manage',
          ]),
        );
      // Fifteen pages each waited to settle: more than the default 30 s on a busy machine.
    }, 120_000);
  }
});

// Accessibility checks in the browser tests: axe-core, run inside the page as it is, must
// find no serious or critical violation. Call it on every page and every open state (a
// dialog, a picker, a menu) a test reaches.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
let source: Promise<string> | null = null;

type Violation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
};

/** Runs axe over the page (or the part `include` selects); fails listing each serious or critical violation. */
export async function expectAccessible(page: Page, state: string, include?: string): Promise<void> {
  source ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the debugging protocol, not a <script> tag: the hub's CSP (script-src
  // 'self') blocks inline scripts, as it should.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await source);
  // Colours are judged as they settle: a toast fading in is half its colour for a moment.
  // Endless animations (a spinner's pulse) never finish, and are not waited for. Something
  // that starts to move meanwhile (a toast arriving) is waited for too, and a run of axe it
  // overlapped is run again.
  const violations = await page.evaluate(async (selector) => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Violation[] }> };
      }
    ).axe;
    const finite = () =>
      document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY);
    let moved = false;
    const began = (e: Event) => {
      const endless =
        e.type === 'animationstart' &&
        e.target instanceof Element &&
        getComputedStyle(e.target).animationIterationCount === 'infinite';
      if (!endless) moved = true;
    };
    const types = ['animationstart', 'transitionrun', 'transitionstart'];
    for (const type of types) document.addEventListener(type, began, true);
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        moved = false;
        await Promise.all(finite().map((a) => a.finished.catch(() => undefined)));
        if (moved) continue;
        const result = await axe.run(selector ?? document, { resultTypes: ['violations'] });
        await new Promise((r) => requestAnimationFrame(() => r(undefined)));
        if (!moved && !finite().some((a) => a.playState === 'running')) return result.violations;
      }
      throw new Error('the page never stopped moving long enough to be judged');
    } finally {
      for (const type of types) document.removeEventListener(type, began, true);
    }
  }, include ?? null);
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`,
    );
  expect(serious, `axe on ${state}`).toEqual([]);
}

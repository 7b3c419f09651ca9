// Debian's Chromium, driven by playwright-core (which downloads no browser of its own).
// Playwright gives every launch a fresh temporary profile (its own --user-data-dir), and
// every context its own cookies: one context per person.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_PATH, IN_CI, SCREENSHOTS_DIR } from '../../test/services.ts';

export const CHROMIUM = CHROMIUM_PATH;

export const hasChromium = () => existsSync(CHROMIUM);

/** Where browser tests leave their screenshots. */
export const SHOTS = SCREENSHOTS_DIR ?? join(tmpdir(), 'hearth-screenshots');

/** Browser tests run wherever Chromium is, and always in CI (where its absence is a failure). */
export const withoutBrowser = !hasChromium() && !IN_CI;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export const DESKTOP = { viewport: { width: 1280, height: 800 } };
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

// The browser side of the console tests: Debian's Chromium driven by playwright-core (no browser downloads), the
// console built if this checkout has not built it yet, and screenshots kept as test artifacts.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CONSOLE_DIST } from '../../src/server/routes/console.ts';

export const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/console');
export const CHROMIUM = '/usr/bin/chromium';

/** The built console (npm install's prepare script makes it; built here when a checkout skipped that). */
export async function ensureConsoleBuilt(): Promise<string> {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: join(import.meta.dirname, '../../console/vite.config.ts'), logLevel: 'error' });
  }
  return CONSOLE_DIST;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Signs in on the sign-in form with `token`. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The visible form controls of the page that have no label a screen reader could announce (none, we hope). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const named = (el) =>
      (el.getAttribute('aria-label') || '').trim() !== '' ||
      (el.getAttribute('aria-labelledby') || '').trim() !== '' ||
      (el.labels && [...el.labels].some((l) => l.textContent.trim() !== '')) ||
      (el.tagName === 'BUTTON' && el.textContent.trim() !== '');
    return [...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => el.getClientRects().length > 0 && !named(el))
      .map((el) => el.outerHTML.slice(0, 120));
  })()`);
}

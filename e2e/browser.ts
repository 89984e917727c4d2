// Shared set-up for end-to-end tests: the platform on a fresh embedded database, and Debian's Chromium.
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import { startServer, type Running } from '../src/server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A port free right now: the platform must know its own address (the local identity provider's issuer) before it listens. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The platform with the demo province (without generated past dossiers: tests make their own) on a fresh PGlite directory, on a free port. */
export async function startPlatform(): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'congso-e2e-'));
  return startServer(loadConfig({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_HISTORY: '0' }));
}

export interface E2e {
  platform: Running;
  browser: Browser;
}

/**
 * The platform and Chromium for one test file: started before its tests, then the file's own `setUp` (data it needs),
 * closed after them. One hook, because Node 20 does not wait for one top-level `before` before starting the next.
 */
export function platformAndBrowser(setUp?: (e2e: E2e) => Promise<void>): E2e {
  const e2e = {} as E2e;
  before(async () => {
    e2e.platform = await startPlatform();
    e2e.browser = await launchBrowser();
    await setUp?.(e2e);
  });
  after(async () => {
    await e2e.browser?.close();
    await e2e.platform?.app.close();
  });
  return e2e;
}

/**
 * Signs a citizen in the way a person does: from the portal's sign-in page (opened unless the page is on it already,
 * e.g. sent there by "Nộp hồ sơ trực tuyến") to the local identity provider's page, where a demo citizen is chosen by
 * ID number, or another one typed in with `fullName`; resolves once the browser is back on the portal.
 */
export async function citizenSignInInBrowser(page: Page, baseUrl: string, idNumber: string, fullName?: string) {
  if (new URL(page.url()).pathname !== '/cong-dan/dang-nhap') await page.goto(`${baseUrl}/cong-dan/dang-nhap`);
  await page.getByRole('link', { name: 'Đăng nhập bằng tài khoản định danh điện tử', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng tài khoản định danh điện tử' }).waitFor();
  if (fullName === undefined) {
    await page.getByRole('button', { name: new RegExp(`Số định danh ${idNumber}`) }).click();
  } else {
    await page.getByLabel('Số định danh cá nhân', { exact: true }).fill(idNumber);
    await page.getByLabel('Họ và tên', { exact: true }).fill(fullName);
    await page.getByRole('button', { name: 'Đăng nhập và đồng ý', exact: true }).click();
  }
  await page.waitForURL((url) => !url.pathname.startsWith('/idp/') && !url.pathname.startsWith('/api/'));
}

/** Fails when the page is wider than the screen (sideways scrolling on a phone). */
export async function assertNoSidewaysScroll(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`${what}: page is ${overflow}px wider than the screen`);
}

export const STAFF_PASSWORD = 'Congso@2026';

/** Signs a demo officer in on the staff sign-in page; resolves once signed in (wherever their roles land them). */
export async function staffSignInInBrowser(page: Page, baseUrl: string, username: string) {
  await page.goto(baseUrl + '/dang-nhap');
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('button', { name: 'Đăng xuất', exact: true }).waitFor();
}

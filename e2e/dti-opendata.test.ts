// DTI self-assessment and open data in Chromium. An officer of the owner agency (Sở Tư pháp) types a value: the
// what-if card shows the new score before anything is saved, and saving moves the total. Anyone opens /du-lieu-mo,
// finds a dataset without diacritics and downloads the CSV that the CKAN API's resource names. With
// E2E_SCREENSHOTS=dir both pages are saved at 360x800, 1366x768 and 1920x1080.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { agencyIds, signIn } from '../src/testing/harness.ts';
import { platformAndBrowser } from './browser.ts';

const shots = process.env.E2E_SCREENSHOTS;
const SIZES = [
  [360, 800],
  [1366, 768],
  [1920, 1080],
] as const;

const e2e = platformAndBrowser(async ({ platform }) => {
  const admin = await signIn(platform.app, 'admin');
  assert.equal((await admin({ method: 'POST', url: '/api/v1/dti/catalogues', payload: { builtin: 2022 } })).statusCode, 201);
  const stp = (await agencyIds(platform.app.db))['H13.11'];
  for (const code of ['1.1', '1.2', '1.3'])
    assert.equal((await admin({ method: 'PUT', url: `/api/v1/dti/2022/components/${code}/owner`, payload: { agencyId: stp } })).statusCode, 204);
  const published = { score: 0.6961, maxScore: 1, rank: 30, provinces: 63, pillars: [], source: 'Công bố DTI 2021 (ví dụ)' };
  assert.equal((await admin({ method: 'PUT', url: '/api/v1/dti/published/2021', payload: published })).statusCode, 204);
});

async function signedIn(browser: Browser, username: string, width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${e2e.platform.url}/dang-nhap`);
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill('Congso@2026');
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('button', { name: 'Đăng xuất', exact: true }).waitFor();
  return page;
}
const screenshot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
};
/** Nothing wider than the window (the page never scrolls sideways). */
const noSidewaysScroll = async (page: Page) => assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));

test('the owner agency sees a what-if score while typing, and the total once saved', async () => {
  const page = await signedIn(e2e.browser, 'stp.chuyenvien', 1366, 768);
  await page.goto(`${e2e.platform.url}/dieu-hanh/dti`);
  const total = page.locator('.ioc-card', { hasText: 'Tổng điểm tự đánh giá' });
  await total.getByText('0 / 1.000').waitFor();
  await page.getByLabel('Giá trị 1.1 (cuộc họp)').fill('3');
  // Steps 4→40, 3→30: three meetings try out at 30 points, not saved yet.
  await page.locator('.ioc-card', { hasText: 'Điểm thử tính (chưa lưu)' }).getByText('30 / 1.000').waitFor();
  await total.getByText('0 / 1.000').waitFor();
  await page.getByLabel('Tử số 1.2').fill('18');
  await page.getByLabel('Mẫu số 1.2').fill('24');
  // + 18/24 × 30 = 22,5 → 52,5.
  await page.locator('.ioc-card', { hasText: 'Điểm thử tính' }).getByText('52,5 / 1.000').waitFor();
  await page.getByRole('row', { name: /^1\.1/ }).getByRole('button', { name: 'Lưu' }).click();
  await total.getByText('30 / 1.000').waitFor();
  await page.getByText('Bậc thang: 3 cuộc họp ≥ 3 → 30 điểm.').waitFor();
  await page.getByRole('cell', { name: 'Công bố DTI 2021 (ví dụ)' }).waitFor();
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await noSidewaysScroll(page);
    await screenshot(page, `dti-${w}x${h}`);
  }
  await page.close();
});

test('the open data page lists the datasets and downloads the CSV the CKAN resource names', async () => {
  const page = await e2e.browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${e2e.platform.url}/`);
  await page.getByRole('link', { name: 'Dữ liệu mở', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Dữ liệu mở' }).waitFor();
  await page.getByText('3 bộ dữ liệu').waitFor();
  const item = page.locator('.opendata-item', { hasText: 'Danh mục thủ tục hành chính' });
  const href = await item.getByRole('link', { name: 'Tải CSV' }).getAttribute('href');
  const pkg = await (await page.request.get(`${e2e.platform.url}/api/3/action/package_show?id=thu-tuc-hanh-chinh`)).json();
  const csvResource = pkg.result.resources.find((r: { format: string }) => r.format === 'CSV');
  assert.equal(href, new URL(csvResource.url).pathname);
  const csv = await page.request.get(`${e2e.platform.url}${href}`);
  assert.match(csv.headers()['content-type'], /^text\/csv/);
  assert.match(await csv.text(), /^\uFEFFcode,name,field,/);
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await noSidewaysScroll(page);
    await screenshot(page, `opendata-${w}x${h}`);
  }
  await page.getByLabel('Tìm bộ dữ liệu').fill('phan anh');
  await page.getByText('1 bộ dữ liệu').waitFor();
  await page.getByRole('heading', { level: 2, name: 'Phản ánh, kiến nghị đã trả lời công khai' }).waitFor();
  await page.close();
});

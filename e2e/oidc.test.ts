// Citizen sign-in in Chromium through the local identity provider (the VNeID stand-in): from "Nộp hồ sơ trực tuyến"
// to the provider's demo login page and back to the submission form; signing out there too; cancelling; and the
// content security policy leaving the web app and the API docs working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { citizenSignInInBrowser, platformAndBrowser } from './browser.ts';

const e2e = platformAndBrowser();

/** Content-security-policy violations the page reports in its console. */
function cspViolations(page: Page) {
  const found: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) found.push(m.text());
  });
  return found;
}

test("a citizen signs in at the local provider's demo page, reaches the submission form with her data, and signs out", async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 360, height: 740 } });
  try {
    const page = await context.newPage();
    const violations = cspViolations(page);
    await page.goto(e2e.platform.url + '/thu-tuc/1.001193');
    await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập công dân' }).waitFor();

    // The provider's page: what the portal will receive, and the demo citizens with their 12-digit ID numbers.
    await page.getByRole('link', { name: 'Đăng nhập bằng tài khoản định danh điện tử', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng tài khoản định danh điện tử' }).waitFor();
    assert.equal(new URL(page.url()).pathname.startsWith('/idp/interaction/'), true);
    const text = await page.locator('main').innerText();
    assert.match(text, /thử nghiệm/);
    assert.match(text, /số định danh cá nhân, họ và tên, ngày sinh, số điện thoại và mức định danh/);
    for (const id of ['092085000123', '092196112233', '092075008910']) assert.match(text, new RegExp(`Số định danh ${id}`));
    await page.getByRole('button', { name: /Trần Thị Thu Hà/ }).click();

    await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ trực tuyến' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/nop-ho-so\//, 'back on the form that asked for sign-in');
    assert.equal(await page.getByLabel('Họ và tên', { exact: true }).inputValue(), 'Trần Thị Thu Hà', "applicant from the provider's claims");
    assert.equal(await page.getByLabel('Số định danh cá nhân', { exact: true }).inputValue(), '092196112233');
    assert.equal(await page.getByLabel('Ngày sinh', { exact: true }).inputValue(), '25/07/1996', 'the birth date too, dd/mm/yyyy');
    for (const label of ['Họ và tên', 'Số định danh cá nhân', 'Ngày sinh']) {
      assert.equal(await page.getByLabel(label, { exact: true }).getAttribute('readonly'), '', `${label}: shown, not asked again`);
    }
    // Submitting for someone else asks for that person and a giấy ủy quyền.
    await page.getByLabel('Người khác (có giấy ủy quyền)', { exact: true }).check();
    await page.getByLabel('Số định danh cá nhân người ủy quyền (bắt buộc)', { exact: true }).waitFor();
    assert.equal(await page.getByLabel('Giấy ủy quyền (bắt buộc)', { exact: true }).getAttribute('type'), 'file');
    await page.getByLabel('Bản thân tôi', { exact: true }).check();
    assert.equal(await page.getByLabel('Giấy ủy quyền (bắt buộc)', { exact: true }).count(), 0);

    // Sign out: here, then at the provider, which returns to the portal.
    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng xuất khỏi tài khoản định danh thử nghiệm?' }).waitFor();
    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
    await page.waitForURL(e2e.platform.url + '/');
    await page.goto(e2e.platform.url + '/ho-so-cua-toi');
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập công dân' }).waitFor();

    // Signed out at the provider as well: the next sign-in shows its page again, and another citizen can be chosen.
    await citizenSignInInBrowser(page, e2e.platform.url, '092085000123');
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
    assert.match(await page.locator('.who-name').innerText(), /Nguyễn Văn Minh/);
    assert.match(await page.locator('.who-agency').innerText(), /Số định danh cá nhân 092085000123 · định danh mức 2/);
    assert.deepEqual(violations, []);
  } finally {
    await context.close();
  }
});

test('cancelling at the provider comes back to the sign-in page with a Vietnamese explanation', async () => {
  const context = await e2e.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(e2e.platform.url + '/cong-dan/dang-nhap');
    await page.getByRole('link', { name: 'Đăng nhập bằng tài khoản định danh điện tử', exact: true }).click();
    await page.getByRole('button', { name: 'Hủy, quay lại Cổng dịch vụ công', exact: true }).click();
    await page.getByRole('alert').getByText('Bạn đã hủy đăng nhập.', { exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/cong-dan/dang-nhap');
  } finally {
    await context.close();
  }
});

test('under the content security policy the portal, the staff app and the API docs load and work', async () => {
  const context = await e2e.browser.newContext();
  try {
    const page = await context.newPage();
    const violations = cspViolations(page);
    const docs = await page.goto(e2e.platform.url + '/docs');
    assert.match(String(docs?.headers()['content-security-policy']), /default-src 'self'/);
    await page.getByText('congso API', { exact: false }).first().waitFor();
    // The docs open on the list of areas (tags); an area lists its operations when opened.
    await page.getByText('Thủ tục hành chính', { exact: true }).first().click();
    await page.getByText('/api/v1/procedures', { exact: true }).first().waitFor();

    await page.goto(e2e.platform.url + '/');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.goto(e2e.platform.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập', { exact: true }).fill('admin');
    await page.getByLabel('Mật khẩu', { exact: true }).fill('Congso@2026');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).waitFor();
    assert.deepEqual(violations, []);
  } finally {
    await context.close();
  }
});

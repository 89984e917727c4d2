// A citizen finds a procedure on the portal without typing diacritics, opens it, and reads its components and fee,
// on a desktop and on a 360 px phone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agencyIds, signIn } from '../src/testing/harness.ts';
import { platformAndBrowser } from './browser.ts';

const e2e = platformAndBrowser();

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 360, height: 740 },
]) {
  test(`search without diacritics, open the procedure, read components and fee (${viewport.width} px)`, async () => {
    const page = await e2e.browser.newPage({ viewport });
    try {
      await page.goto(e2e.platform.url + '/');
      await page.getByLabel('Tìm thủ tục hành chính').fill('dang ky khai sinh');
      const first = page.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).first();
      await first.waitFor();
      await first.click();
      await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
      assert.match(page.url(), /\/thu-tuc\//);
      const components = page.locator('section', { has: page.getByRole('heading', { name: 'Thành phần hồ sơ' }) });
      assert.match(await components.innerText(), /Tờ khai đăng ký khai sinh/i);
      const fees = page.locator('section', { has: page.getByRole('heading', { name: 'Phí, lệ phí' }) });
      assert.match(await fees.innerText(), /Miễn|0 đồng/);
      assert.match(await page.locator('body').innerText(), /1\.001193/);
      // Nothing wider than the screen: the page does not scroll sideways on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the ${viewport.width}px screen`);
    } finally {
      await page.close();
    }
  });
}

test('a procedure page opened directly by its address (a shared link) loads', async () => {
  const page = await e2e.browser.newPage();
  try {
    const res = await page.goto(`${e2e.platform.url}/thu-tuc/1.001193`);
    assert.equal(res?.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    const missing = await page.goto(`${e2e.platform.url}/api/v1/khong-co`);
    assert.equal(missing?.status(), 404, 'unknown API paths stay JSON 404s, not the web app');
  } finally {
    await page.close();
  }
});

test('public lookup: a code alone shows the status, not who filed it; the last four digits of the ID number show the masked name', async () => {
  const { app } = e2e.platform;
  const counter = await signIn(app, 'caikhe.motcua');
  const procedureId = (await app.inject({ url: '/api/v1/procedures/1.001193' })).json().id;
  const created = await counter({
    method: 'POST',
    url: '/api/v1/dossiers',
    payload: {
      procedureId,
      agencyId: (await agencyIds(app.db))['H13.102'],
      channel: 'counter',
      applicant: { name: 'Nguyễn Thị Ánh Tuyết', idNumber: '092190001234' },
      formData: {
        hoTenTre: 'Trần Minh Khang',
        ngaySinh: '2026-11-01',
        gioiTinh: 'Nam',
        noiSinh: 'Bệnh viện Phụ sản Cần Thơ',
        hoTenMe: 'Nguyễn Thị Ánh Tuyết',
        soDinhDanhNguoiYeuCau: '092190001234',
      },
    },
  });
  assert.equal(created.statusCode, 201, created.body);
  const { code } = created.json();
  const page = await e2e.browser.newPage();
  try {
    await page.goto(`${e2e.platform.url}/tra-cuu`);
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    const result = page.locator('section', { has: page.getByRole('heading', { name: `Hồ sơ ${code}` }) });
    await result.waitFor();
    assert.match(await result.innerText(), /Đăng ký khai sinh/);
    assert.doesNotMatch(await result.innerText(), /Người nộp|N\. T\./, 'a guessed code does not tell who filed it');
    await page.getByLabel(/4 số cuối/).fill('1234');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await result.getByText('N. T. Á. T.').waitFor();
    assert.doesNotMatch(await page.locator('body').innerText(), /Nguyễn Thị Ánh Tuyết|092190001234/);
  } finally {
    await page.close();
  }
});

// Paying a fee online, in Chromium: a citizen signs in and files "Cấp bản sao Trích lục hộ tịch" (8.000 đồng a copy,
// two copies) on a phone, seeing 16.000 đồng due on the form and on the dossier; the commune's desk receives it, which
// makes the fee due (status 6); the citizen sees the VietQR code, pays
// through the sandbox VNPay gateway, comes back to the dossier and sees it paid, with the receipt, and back in processing;
// then files again, taking the declaration from "Kho dữ liệu của tôi" instead of uploading it. A second citizen rates
// the service once the result is returned.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { citizenSignInInBrowser, platformAndBrowser } from './browser.ts';

const e2e = platformAndBrowser();
let pdf: string;
before(async () => {
  pdf = join(mkdtempSync(join(tmpdir(), 'congso-e2e-pay-')), 'to-khai.pdf');
  writeFileSync(
    pdf,
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  );
});

/** The online form of "Cấp bản sao Trích lục hộ tịch", apart from its files. */
async function fillForm(page: Page, copies = 1) {
  await page.getByLabel('Cơ quan tiếp nhận, giải quyết hồ sơ (bắt buộc)', { exact: true }).selectOption({ label: 'Ủy ban nhân dân Phường Cái Khế' });
  await page.getByLabel('Họ và tên người yêu cầu (bắt buộc)', { exact: true }).fill('Phạm Thị Hoa');
  await page.getByLabel('Số định danh cá nhân (bắt buộc)', { exact: true }).fill('092203004567');
  await page.getByLabel('Loại trích lục (bắt buộc)', { exact: true }).selectOption('Khai sinh');
  await page.getByLabel('Họ và tên người được cấp trích lục (bắt buộc)', { exact: true }).fill('Phạm Thị Hoa');
  await page.getByLabel('Số bản sao (bắt buộc)', { exact: true }).fill(String(copies));
}

test('a citizen pays a dossier fee in the sandbox gateway and sees it paid, then reuses a stored document', async () => {
  const citizenContext = await e2e.browser.newContext({ viewport: { width: 360, height: 740 } });
  const officerContext = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    // ---- the citizen files the procedure ----
    const citizen = await citizenContext.newPage();
    await citizenSignInInBrowser(citizen, e2e.platform.url, '092203004567', 'Phạm Thị Hoa');
    await citizen.goto(e2e.platform.url + '/thu-tuc/2.000635');
    await citizen.getByText('8.000 đồng/bản', { exact: true }).waitFor();
    await citizen.getByRole('link', { name: 'Nộp hồ sơ trực tuyến', exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: 'Nộp hồ sơ trực tuyến' }).waitFor();
    await fillForm(citizen, 2);
    const due = citizen.locator('.fees-due');
    await due.getByText('Phải nộp 16.000 đồng khi hồ sơ được tiếp nhận.', { exact: true }).waitFor();
    assert.match(await due.innerText(), /Phí cấp bản sao Trích lục hộ tịch: 02 bản × 8\.000 đồng: 16\.000 đồng/);
    const component = 'Tờ khai cấp bản sao Trích lục hộ tịch theo mẫu';
    await citizen.getByLabel(`${component} (bắt buộc)`, { exact: true }).setInputFiles(pdf);
    await citizen
      .getByRole('list', { name: `Tệp đã tải lên: ${component}`, exact: true })
      .getByText('to-khai.pdf', { exact: true })
      .waitFor();
    await citizen.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: 'Nộp hồ sơ thành công' }).waitFor();
    const code = (await citizen.locator('.dossier-code').innerText()).trim();
    // Before the desk receives it, the dossier page already says what will be due (never "không phải nộp phí").
    await citizen.getByRole('link', { name: `Xem hồ sơ ${code}`, exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await citizen.getByText('Phải nộp 16.000 đồng khi hồ sơ được tiếp nhận.', { exact: true }).waitFor();

    // ---- the commune's desk receives it: the fee falls due ----
    const officer = await officerContext.newPage();
    await officer.goto(e2e.platform.url + '/dang-nhap');
    await officer.getByLabel('Tên đăng nhập', { exact: true }).fill('caikhe.motcua');
    await officer.getByLabel('Mật khẩu', { exact: true }).fill('Congso@2026');
    await officer.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await officer.getByRole('button', { name: 'Đăng xuất', exact: true }).waitFor();
    await officer.goto(e2e.platform.url + '/mot-cua');
    await officer.getByRole('link', { name: code, exact: true }).click();
    await officer.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await officer.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await officer.getByText('Đã tiếp nhận hồ sơ.', { exact: true }).waitFor();
    await officer.locator('.badges').getByText('Yêu cầu thực hiện nghĩa vụ tài chính', { exact: true }).waitFor();

    // ---- the citizen sees what is owed and how to pay ----
    await citizen.reload();
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await citizen.locator('.badges').getByText('Yêu cầu thực hiện nghĩa vụ tài chính', { exact: true }).waitFor();
    const fees = citizen.locator('section', { has: citizen.getByRole('heading', { name: 'Phí, lệ phí', exact: true }) });
    await fees.getByText('Chờ thanh toán', { exact: true }).waitFor();
    assert.match(await fees.innerText(), /Phí cấp bản sao Trích lục hộ tịch \(02 bản × 8\.000 đồng\)\s+16\.000 đồng/);
    const qr = fees.getByRole('img', { name: new RegExp(`^Mã VietQR chuyển 16\\.000 đồng .* nội dung ${code.replaceAll('.', '\\.')}$`) });
    await qr.waitFor();
    assert.ok(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100), 'the QR image loaded');
    const overflow = await citizen.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the payment section is ${overflow}px wider than the phone`);

    // ---- paying in the sandbox gateway ----
    await fees.getByRole('button', { name: 'Thanh toán qua VNPay', exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: 'Thanh toán đơn hàng' }).waitFor();
    const order = await citizen.locator('body').innerText();
    assert.match(order, /16\.000 VND/);
    assert.ok(order.includes(code), 'the order names the dossier');
    await citizen.getByRole('button', { name: 'Thanh toán', exact: true }).click();

    // ---- back on the dossier: paid, receipt, processing again ----
    await citizen.waitForURL((url) => url.pathname.startsWith('/ho-so-cua-toi/') && url.searchParams.get('thanh-toan') === 'da-thanh-toan');
    await citizen.getByText('Thanh toán thành công. Hồ sơ tiếp tục được giải quyết.', { exact: true }).waitFor();
    await fees.getByText('Đã thanh toán', { exact: true }).waitFor();
    await citizen.locator('.badges').getByText('Được tiếp nhận', { exact: true }).waitFor();
    const receipt = fees.getByRole('link', { name: /^Biên lai thu phí, lệ phí số \d{4}-\d{6}$/ });
    const response = await citizenContext.request.get(new URL((await receipt.getAttribute('href'))!, e2e.platform.url).href);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    const timeline = await citizen.locator('section', { has: citizen.getByRole('heading', { name: 'Quá trình giải quyết' }) }).innerText();
    assert.match(timeline, /Ghi nhận đã nộp phí, lệ phí/);

    // ---- the declaration is in the citizen's data store, and a second dossier takes it from there ----
    await citizen.goto(e2e.platform.url + '/kho-du-lieu');
    await citizen.getByRole('heading', { level: 1, name: 'Kho dữ liệu của tôi' }).waitFor();
    const row = citizen.getByRole('row').filter({ hasText: component });
    assert.match(await row.innerText(), new RegExp(code.replaceAll('.', '\\.')));
    await citizen.goto(e2e.platform.url + '/thu-tuc/2.000635');
    await citizen.getByRole('link', { name: 'Nộp hồ sơ trực tuyến', exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: 'Nộp hồ sơ trực tuyến' }).waitFor();
    await fillForm(citizen);
    await citizen
      .getByLabel(`Hoặc chọn từ Kho dữ liệu của tôi: ${component}`, { exact: true })
      .selectOption({ label: `${component} — to-khai.pdf (hồ sơ ${code})` });
    await citizen
      .getByRole('list', { name: `Giấy tờ lấy từ kho: ${component}`, exact: true })
      .getByText('to-khai.pdf', { exact: true })
      .waitFor();
    await citizen.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: 'Nộp hồ sơ thành công' }).waitFor();
    const second = (await citizen.locator('.dossier-code').innerText()).trim();
    await citizen.getByRole('link', { name: `Xem hồ sơ ${second}`, exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${second}` }).waitFor();
    await citizen.getByRole('link', { name: 'to-khai.pdf', exact: true }).waitFor();
  } finally {
    await citizenContext.close();
    await officerContext.close();
  }
});

test('after the result is returned, the citizen rates the service once', async () => {
  const citizenContext = await e2e.browser.newContext({ viewport: { width: 360, height: 740 } });
  const staffContext = await e2e.browser.newContext();
  try {
    const citizen = await citizenContext.newPage();
    await citizenSignInInBrowser(citizen, e2e.platform.url, '092203007788', 'Đặng Văn Lâm');
    // The dossier is filed and handled through the API; the rating is what this test drives in the page.
    const api = citizenContext.request;
    const procedure = await (await api.get(`${e2e.platform.url}/api/v1/procedures/1.001193`)).json();
    const agency = (await (await api.get(`${e2e.platform.url}/api/v1/agencies`)).json()).items.find((a: { code: string }) => a.code === 'H13.102');
    const file = async () =>
      (
        await (
          await api.post(`${e2e.platform.url}/api/v1/uploads`, {
            multipart: {
              file: {
                name: 'giay-to.pdf',
                mimeType: 'application/pdf',
                buffer: Buffer.from(
                  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
                ),
              },
            },
          })
        ).json()
      ).id;
    const created = await api.post(`${e2e.platform.url}/api/v1/dossiers`, {
      data: {
        procedureId: procedure.id,
        agencyId: agency.id,
        channel: 'online',
        applicant: { name: 'Đặng Văn Lâm', idNumber: '092203007788' },
        formData: {
          hoTenTre: 'Đặng Gia Hân',
          ngaySinh: '2026-11-10',
          gioiTinh: 'Nữ',
          noiSinh: 'Cần Thơ',
          hoTenMe: 'Lý Thị Thu',
          soDinhDanhNguoiYeuCau: '092203007788',
        },
        files: [
          { componentIndex: 0, uploadId: await file() },
          { componentIndex: 1, uploadId: await file() },
        ],
      },
    });
    assert.equal(created.status(), 201, await created.text());
    const { id } = await created.json();
    for (const [username, body] of [
      ['caikhe.motcua', { action: 'accept' }],
      ['caikhe.chuyenvien', { action: 'forward' }],
      ['caikhe.lanhdao', { action: 'forward' }],
      ['caikhe.motcua', { action: 'return_result', method: 'online' }],
    ] as const) {
      await staffContext.clearCookies();
      assert.equal((await staffContext.request.post(`${e2e.platform.url}/api/v1/auth/login`, { data: { username, password: 'Congso@2026' } })).status(), 200);
      const done = await staffContext.request.post(`${e2e.platform.url}/api/v1/dossiers/${id}/actions`, { data: body });
      assert.equal(done.status(), 200, await done.text());
    }

    await citizen.goto(`${e2e.platform.url}/ho-so-cua-toi/${id}`);
    const rating = citizen.locator('section', { has: citizen.getByRole('heading', { name: 'Đánh giá mức độ hài lòng', exact: true }) });
    await rating.getByRole('button', { name: 'Gửi đánh giá', exact: true }).click();
    await rating.getByText('Vui lòng chọn một mức độ hài lòng.', { exact: true }).waitFor();
    await rating.getByRole('radio', { name: 'Hài lòng', exact: true }).check();
    await rating.getByRole('checkbox', { name: 'Trả kết quả đúng hoặc trước hẹn', exact: true }).check();
    await rating.getByRole('button', { name: 'Gửi đánh giá', exact: true }).click();
    await rating.getByText(/^Bạn đã đánh giá “Hài lòng” lúc .* \(Trả kết quả đúng hoặc trước hẹn\)\. Cảm ơn bạn đã góp ý\.$/).waitFor();
    await citizen.reload();
    await rating.getByText(/^Bạn đã đánh giá “Hài lòng”/).waitFor();
    assert.equal(await rating.getByRole('button', { name: 'Gửi đánh giá', exact: true }).count(), 0, 'once per dossier');
  } finally {
    await citizenContext.close();
    await staffContext.close();
  }
});

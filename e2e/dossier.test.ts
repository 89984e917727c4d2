// A dossier's way through the one-stop office, in Chromium: a citizen signs in (local identity provider), files
// "Đăng ký khai sinh" online with PDF attachments (on a 360 px phone), the commune's counter officer receives it,
// the civil-status officer forwards it to the chairman's step, and the citizen sees the new status.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { citizenSignInInBrowser, platformAndBrowser, staffSignInInBrowser } from './browser.ts';
import { formFor, FREE_PROCEDURE } from '../src/payments/testkit.ts';

const e2e = platformAndBrowser();
let pdf: string;
before(async () => {
  pdf = join(mkdtempSync(join(tmpdir(), 'congso-e2e-pdf-')), 'giay-to.pdf');
  writeFileSync(
    pdf,
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  );
});

const noSidewaysScroll = async (page: Page, what: string) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: page is ${overflow}px wider than the screen`);
};

async function staffSignIn(page: Page, username: string) {
  await staffSignInInBrowser(page, e2e.platform.url, username);
  // Officers land on their own work, the inbox.
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ cần xử lý' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/mot-cua', `${username} lands on the inbox after signing in`);
}

test('file a birth registration online; the counter receives it, the specialist forwards it, the citizen sees it in progress', async () => {
  const citizenContext = await e2e.browser.newContext({ viewport: { width: 360, height: 740 } });
  const officerContext = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    // ---- the citizen, on a phone ----
    const citizen = await citizenContext.newPage();
    await citizen.goto(e2e.platform.url + '/thu-tuc/1.001193');
    await citizen.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    await citizen.getByRole('link', { name: 'Nộp hồ sơ trực tuyến', exact: true }).click();
    // Not signed in: through the identity provider's page, then back to the form.
    await citizen.getByRole('heading', { level: 1, name: 'Đăng nhập công dân' }).waitFor();
    await citizenSignInInBrowser(citizen, e2e.platform.url, '092201001234', 'Trần Thị Mai');
    await citizen.getByRole('heading', { level: 1, name: 'Nộp hồ sơ trực tuyến' }).waitFor();
    assert.match(new URL(citizen.url()).pathname, /^\/nop-ho-so\//);
    assert.equal(await citizen.getByLabel('Họ và tên', { exact: true }).inputValue(), 'Trần Thị Mai', 'applicant prefilled from the citizen');
    assert.equal(await citizen.getByLabel('Số định danh cá nhân', { exact: true }).inputValue(), '092201001234');

    // Submitting an empty form: Vietnamese messages next to the fields, nothing sent.
    await citizen.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
    await citizen.getByText('Vui lòng nhập họ, chữ đệm và tên của trẻ.', { exact: true }).waitFor();
    await citizen.getByText('Vui lòng chọn cơ quan giải quyết hồ sơ.', { exact: true }).waitFor();
    assert.equal(await citizen.getByText('Vui lòng đính kèm giấy tờ bắt buộc này.', { exact: true }).count(), 2);

    await citizen.getByLabel('Cơ quan tiếp nhận, giải quyết hồ sơ (bắt buộc)', { exact: true }).selectOption({ label: 'Ủy ban nhân dân Phường Cái Khế' });
    await citizen.getByLabel('Họ, chữ đệm và tên của trẻ (bắt buộc)', { exact: true }).fill('Nguyễn Ngọc Bảo An');
    await citizen.getByLabel('Ngày, tháng, năm sinh (bắt buộc)', { exact: true }).fill('2026-11-15');
    await citizen.getByLabel('Giới tính (bắt buộc)', { exact: true }).selectOption('Nữ');
    await citizen.getByLabel('Nơi sinh (bắt buộc)', { exact: true }).fill('Bệnh viện Phụ sản thành phố Cần Thơ');
    await citizen.getByLabel('Họ và tên mẹ (bắt buộc)', { exact: true }).fill('Trần Thị Mai');
    await citizen.getByLabel('Họ và tên cha', { exact: true }).fill('Nguyễn Văn Hùng');
    await citizen.getByLabel('Số định danh cá nhân (bắt buộc)', { exact: true }).fill('092201001234');
    await citizen.getByLabel('Quan hệ với người được khai sinh', { exact: true }).selectOption('Mẹ');

    // One PDF per required component, uploaded as soon as it is chosen.
    for (const component of [
      'Tờ khai đăng ký khai sinh theo mẫu',
      'Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận về việc sinh; trường hợp trẻ bị bỏ rơi: biên bản xác nhận việc trẻ bị bỏ rơi',
    ]) {
      await citizen.getByLabel(`${component} (bắt buộc)`, { exact: true }).setInputFiles(pdf);
      await citizen
        .getByRole('list', { name: `Tệp đã tải lên: ${component}`, exact: true })
        .getByText('giay-to.pdf', { exact: true })
        .waitFor();
    }

    // Save a draft, reopen the page: the form and the files come back.
    await citizen.getByRole('button', { name: 'Lưu nháp', exact: true }).click();
    await citizen.getByText(/^Đã lưu nháp lúc/).waitFor();
    await citizen.reload();
    await citizen.getByText(/^Đã mở bản nháp lưu lúc/).waitFor();
    assert.equal(await citizen.getByLabel('Họ, chữ đệm và tên của trẻ (bắt buộc)', { exact: true }).inputValue(), 'Nguyễn Ngọc Bảo An');
    assert.equal(await citizen.getByLabel('Giới tính (bắt buộc)', { exact: true }).inputValue(), 'Nữ');
    assert.equal(await citizen.getByText('giay-to.pdf', { exact: true }).count(), 2);
    await noSidewaysScroll(citizen, 'the online form');
    // The draft keeps the form and files; the agency is chosen again.
    await citizen.getByLabel('Cơ quan tiếp nhận, giải quyết hồ sơ (bắt buộc)', { exact: true }).selectOption({ label: 'Ủy ban nhân dân Phường Cái Khế' });

    await citizen.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: 'Nộp hồ sơ thành công' }).waitFor();
    const code = (await citizen.locator('.dossier-code').innerText()).trim();
    assert.match(code, /^H13\.\d+-\d{6}-\d{4,}$/);
    await citizen.getByRole('link', { name: `Xem hồ sơ ${code}`, exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    assert.match(await citizen.locator('main').innerText(), /Mới đăng ký/);

    // ---- the commune's counter officer receives it ----
    const officer = await officerContext.newPage();
    await staffSignIn(officer, 'caikhe.motcua');
    await officer.getByRole('link', { name: code, exact: true }).click();
    await officer.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    assert.match(await officer.locator('main').innerText(), /Nguyễn Ngọc Bảo An/, 'form data shown');
    assert.equal(await officer.getByRole('link', { name: 'giay-to.pdf', exact: true }).count(), 2, 'files listed for download');
    await officer.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await officer.getByText('Đã tiếp nhận hồ sơ.', { exact: true }).waitFor();
    await officer.locator('.badges').getByText('Được tiếp nhận', { exact: true }).waitFor();
    const receipt = officer.getByRole('link', { name: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)', exact: true });
    const pdfResponse = await officerContext.request.get(new URL((await receipt.getAttribute('href'))!, e2e.platform.url).href);
    assert.equal(pdfResponse.headers()['content-type'], 'application/pdf');
    await officer.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
    await officer.getByRole('heading', { level: 1, name: 'Đăng nhập hệ thống' }).waitFor();

    // ---- the civil-status officer forwards it to the chairman's step ----
    await staffSignIn(officer, 'caikhe.chuyenvien');
    const row = officer.getByRole('row').filter({ has: officer.getByRole('link', { name: code, exact: true }) });
    assert.match(await row.innerText(), /Kiểm tra, ghi Sổ hộ tịch, cấp số định danh/);
    await officer.getByRole('link', { name: code, exact: true }).click();
    await officer.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await officer.getByRole('button', { name: 'Chuyển bước tiếp theo', exact: true }).click();
    await officer.getByLabel('Ý kiến xử lý', { exact: true }).fill('Đã ghi Sổ hộ tịch, trình Chủ tịch ký.');
    await officer.getByRole('button', { name: 'Xác nhận chuyển', exact: true }).click();
    await officer.getByText('Đã chuyển hồ sơ.', { exact: true }).waitFor();
    await officer.locator('.badges').getByText('Đang xử lý', { exact: true }).waitFor();
    assert.match(await officer.locator('.badges').innerText(), /Chủ tịch UBND cấp xã ký Giấy khai sinh/);

    // ---- the officer finds it again by the applicant's name typed without diacritics, and takes the register ----
    await officer.getByRole('link', { name: 'Tra cứu, sổ theo dõi', exact: true }).click();
    await officer.getByLabel('Mã hồ sơ, số định danh cá nhân hoặc họ tên người nộp').fill('tran thi mai');
    await officer.getByRole('button', { name: 'Tìm hồ sơ', exact: true }).click();
    await officer.getByRole('link', { name: code, exact: true }).waitFor();
    const download = officer.waitForEvent('download');
    await officer.getByRole('link', { name: 'Tải sổ theo dõi', exact: true }).click();
    assert.match((await download).suggestedFilename(), /\.xlsx$/);

    // ---- on a 360 px phone the chairman opens the assignment and consultation controls, asks the department's officer ----
    const phone = await (await e2e.browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    try {
      await staffSignIn(phone, 'caikhe.lanhdao');
      await phone.getByRole('link', { name: code, exact: true }).click();
      await phone.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
      await phone.getByRole('button', { name: 'Phân công', exact: true }).click();
      await phone.getByRole('option', { name: /Chủ tịch UBND Phường Cái Khế/ }).waitFor({ state: 'attached' });
      await noSidewaysScroll(phone, 'the assignment form');
      await phone.getByRole('button', { name: 'Xin ý kiến', exact: true }).click();
      await phone.getByLabel('Cơ quan, đơn vị', { exact: true }).selectOption({ label: 'Sở Tư pháp' });
      const officerSelect = phone.getByLabel('Cán bộ (để trống: gửi cả đơn vị)', { exact: true });
      await phone.getByRole('option', { name: /Lý Thị Mỹ Duyên/ }).waitFor({ state: 'attached' });
      await officerSelect.selectOption({ label: 'Lý Thị Mỹ Duyên — Phòng Hành chính tư pháp' });
      await phone.getByRole('button', { name: 'Thêm vào danh sách', exact: true }).click();
      const due = new Date(Date.now() + 3 * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 16);
      await phone.getByLabel('Hạn trả lời (bắt buộc)', { exact: true }).fill(due);
      await phone.getByLabel('Nội dung xin ý kiến (bắt buộc)', { exact: true }).fill('Đề nghị Sở Tư pháp cho ý kiến về giấy chứng sinh.');
      await noSidewaysScroll(phone, 'the consultation form');
      await phone.getByRole('button', { name: 'Gửi xin ý kiến', exact: true }).click();
      await phone.getByText('Đã gửi xin ý kiến.', { exact: true }).waitFor();
      await phone.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
      // The consulted officer finds it in their inbox and answers.
      await staffSignIn(phone, 'stp.chuyenvien');
      await phone.getByRole('link', { name: code, exact: true }).click();
      await phone.getByLabel('Ý kiến của bạn (bắt buộc)', { exact: true }).fill('Giấy chứng sinh hợp lệ.');
      await phone.getByRole('button', { name: 'Gửi ý kiến', exact: true }).click();
      await phone.getByText('Đã gửi ý kiến.', { exact: true }).waitFor();
      assert.match(await phone.locator('section', { has: phone.getByRole('heading', { name: 'Xin ý kiến' }) }).innerText(), /Giấy chứng sinh hợp lệ\./);
      await noSidewaysScroll(phone, 'the answered consultation');
    } finally {
      await phone.context().close();
    }

    // ---- back to the citizen: the same session shows the new status ----
    await citizen.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Hồ sơ của tôi', exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
    const mine = citizen.getByRole('row').filter({ has: citizen.getByRole('link', { name: code, exact: true }) });
    assert.match(await mine.innerText(), /Đang xử lý/);
    await noSidewaysScroll(citizen, 'my dossiers');
    await citizen.getByRole('link', { name: code, exact: true }).click();
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const timeline = await citizen.locator('section', { has: citizen.getByRole('heading', { name: 'Quá trình giải quyết' }) }).innerText();
    for (const step of ['Nộp hồ sơ', 'Tiếp nhận hồ sơ', 'Chuyển xử lý']) assert.match(timeline, new RegExp(step));
    await citizen.getByRole('link', { name: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)', exact: true }).waitFor();
    await citizen.getByRole('button', { name: 'Rút hồ sơ', exact: true }).waitFor();
    await noSidewaysScroll(citizen, 'the dossier page');
  } finally {
    await citizenContext.close();
    await officerContext.close();
  }
});

test('a supplement request names a document outside the components; the citizen uploads it into its own slot; the officer sees it by name', async () => {
  const citizenContext = await e2e.browser.newContext({ viewport: { width: 360, height: 740 } });
  const officerContext = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const lease = 'Bản sao hợp đồng thuê nhà';
  try {
    // The citizen signs in and files the dossier through the API with the session the browser holds.
    const citizen = await citizenContext.newPage();
    await citizenSignInInBrowser(citizen, e2e.platform.url, '092201005678', 'Võ Thị Lan');
    const api = citizenContext.request;
    const agencies = (await (await api.get(`${e2e.platform.url}/api/v1/agencies`)).json()).items as { id: string; code: string }[];
    const procedure = await (await api.get(`${e2e.platform.url}/api/v1/procedures/${FREE_PROCEDURE}`)).json();
    const files = [];
    for (const [i, c] of (procedure.content.components as { required: boolean }[]).entries()) {
      if (!c.required) continue;
      const upload = await api.post(`${e2e.platform.url}/api/v1/uploads`, {
        multipart: { file: { name: 'giay-to.pdf', mimeType: 'application/pdf', buffer: readFileSync(pdf) } },
      });
      files.push({ componentIndex: i, uploadId: (await upload.json()).id });
    }
    const submitted = await api.post(`${e2e.platform.url}/api/v1/dossiers`, {
      data: {
        procedureId: procedure.id,
        agencyId: agencies.find((a) => a.code === 'H13.102')!.id,
        channel: 'online',
        applicant: { phone: '0912345678' },
        formData: formFor(FREE_PROCEDURE, '092201005678', 'Võ Thị Lan'),
        files,
      },
    });
    assert.equal(submitted.status(), 201, await submitted.text());
    const { id, code } = await submitted.json();

    // ---- the counter officer asks for a correction and a document outside the components ----
    const officer = await officerContext.newPage();
    await staffSignIn(officer, 'caikhe.motcua');
    await officer.goto(`${e2e.platform.url}/mot-cua/ho-so/${id}`);
    await officer.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await officer.getByRole('button', { name: 'Yêu cầu bổ sung', exact: true }).click();
    await officer
      .getByLabel('Nội dung cần bổ sung, hoàn thiện (mỗi dòng một nội dung) (bắt buộc)', { exact: true })
      .fill('Bổ sung giấy tờ chứng minh nơi cư trú');
    await officer.getByRole('button', { name: 'Thêm giấy tờ', exact: true }).click();
    await officer.getByRole('button', { name: 'Thêm giấy tờ', exact: true }).click();
    await officer.getByLabel('Giấy tờ 1', { exact: true }).fill(lease);
    await officer.getByRole('button', { name: 'Bỏ giấy tờ 2', exact: true }).click();
    assert.equal(await officer.getByLabel('Giấy tờ 2', { exact: true }).count(), 0, 'the blank row is removed');
    await officer.getByRole('button', { name: 'Gửi yêu cầu bổ sung', exact: true }).click();
    await officer.getByText('Đã gửi yêu cầu bổ sung, hoàn thiện hồ sơ.', { exact: true }).waitFor();

    // ---- the citizen has a slot for it, required ----
    await citizen.goto(`${e2e.platform.url}/ho-so-cua-toi/${id}`);
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const slot = `Giấy tờ bổ sung theo yêu cầu: ${lease}`;
    await citizen.getByRole('button', { name: 'Nộp bổ sung', exact: true }).waitFor();
    await citizen.getByLabel('Ghi chú gửi cơ quan giải quyết', { exact: true }).fill('Xin gửi bổ sung');
    await citizen.getByRole('button', { name: 'Nộp bổ sung', exact: true }).click();
    await citizen.getByText('Vui lòng tải lên giấy tờ được yêu cầu bổ sung này.', { exact: true }).waitFor();
    await citizen.getByLabel(`${slot} (bắt buộc)`, { exact: true }).setInputFiles(pdf);
    await citizen
      .getByRole('list', { name: `Tệp đã tải lên: ${lease}`, exact: true })
      .getByText('giay-to.pdf', { exact: true })
      .waitFor();
    assert.equal(
      await citizen.getByText('Vui lòng tải lên giấy tờ được yêu cầu bổ sung này.', { exact: true }).count(),
      0,
      'the message goes once the file is given',
    );
    await noSidewaysScroll(citizen, 'the supplement form');
    await citizen.getByRole('button', { name: 'Nộp bổ sung', exact: true }).click();
    await citizen.getByText('Đã nộp bổ sung hồ sơ. Cơ quan giải quyết sẽ tiếp tục xử lý.', { exact: true }).waitFor();

    // ---- the officer sees the file under the requested name ----
    await officer.reload();
    const row = officer.getByRole('row').filter({ hasText: slot });
    await row.getByRole('link', { name: 'giay-to.pdf', exact: true }).waitFor();
    assert.equal(await row.getByRole('link', { name: 'giay-to.pdf', exact: true }).count(), 1);
    assert.equal(await officer.getByRole('button', { name: 'Yêu cầu bổ sung', exact: true }).count(), 0, 'only one request per dossier');
  } finally {
    await citizenContext.close();
    await officerContext.close();
  }
});

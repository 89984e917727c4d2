// Hồ sơ công việc on the staff screens in Chromium: a specialist of the Sở Tư pháp opens a work file from the
// documents page, puts a draft into it from the document's page, finds it listed in the file and closes the file —
// after which the file offers no change. At 360 px neither page scrolls sideways. With E2E_SCREENSHOTS=dir,
// screenshots at 360×800, 1366×768 and 1920×1080.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertNoSidewaysScroll, platformAndBrowser, staffSignInInBrowser } from './browser.ts';

const e2e = platformAndBrowser();
const shots = process.env.E2E_SCREENSHOTS;
const SIZES = { phone: { width: 360, height: 800 }, laptop: { width: 1366, height: 768 }, desktop: { width: 1920, height: 1080 } };
const TITLE = 'Hồ sơ rà soát thủ tục chứng thực năm 2026';
const SUBJECT = 'Thông báo kết quả rà soát thủ tục chứng thực quý IV năm 2026';

test('a work file opened, given a document from its page, and closed from the staff screens', async () => {
  const { url } = e2e.platform;
  const context = await e2e.browser.newContext({ viewport: SIZES.laptop, locale: 'vi-VN' });
  const page = await context.newPage();
  try {
    await staffSignInInBrowser(page, url, 'stp.chuyenvien');
    await page.getByRole('navigation', { name: 'Chức năng xử lý hồ sơ' }).getByRole('link', { name: 'Văn bản', exact: true }).click();

    // ---- a draft to file ----
    await page.getByRole('link', { name: 'Soạn dự thảo văn bản đi', exact: true }).click();
    await page.getByLabel('Loại văn bản (bắt buộc)', { exact: true }).selectOption({ label: 'Thông báo (TB)' });
    await page.getByLabel('Trích yếu nội dung (bắt buộc)', { exact: true }).fill(SUBJECT);
    await page.getByRole('button', { name: 'Lưu dự thảo', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: SUBJECT }).waitFor();
    const documentUrl = page.url();

    // ---- the work file, opened from the documents page's toolbar ----
    await page.goto(`${url}/mot-cua/van-ban`);
    await page.getByRole('link', { name: 'Hồ sơ công việc', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ công việc' }).waitFor();
    await page.getByText('Lập hồ sơ công việc', { exact: true }).click();
    await page.getByLabel('Ký hiệu hồ sơ', { exact: true }).fill('STP.01.2026');
    await page.getByLabel('Tiêu đề', { exact: true }).fill(TITLE);
    await page.getByLabel('Thời hạn bảo quản', { exact: true }).selectOption({ label: 'Vĩnh viễn' });
    await page.getByRole('button', { name: 'Lập hồ sơ', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    assert.match(await page.locator('.meta').innerText(), /Vĩnh viễn/);
    const fileUrl = page.url();

    // ---- the document goes into it from its own page ----
    await page.goto(documentUrl);
    await page.getByLabel('Đưa vào hồ sơ công việc', { exact: true }).selectOption({ label: `STP.01.2026 — ${TITLE}` });
    await page.getByRole('button', { name: 'Đưa vào hồ sơ', exact: true }).click();
    await page.getByRole('link', { name: TITLE, exact: true }).click();
    const docs = page.getByRole('table', { name: 'Văn bản trong hồ sơ' });
    await docs.getByRole('link', { name: SUBJECT, exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Bỏ khỏi hồ sơ', exact: true }).count(), 1);

    // ---- closing asks first; afterwards nothing can be changed ----
    await page.getByRole('button', { name: 'Đóng hồ sơ', exact: true }).click();
    await page.getByRole('button', { name: 'Xác nhận đóng hồ sơ', exact: true }).click();
    await page.getByText('Đã đóng hồ sơ công việc.', { exact: true }).waitFor();
    assert.match(await page.locator('.badges').innerText(), /^Đã đóng \d{2}\/\d{2}\/\d{4}$/);
    await docs.getByRole('link', { name: SUBJECT, exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Bỏ khỏi hồ sơ' }).count(), 0, 'no removing from a closed file');
    assert.equal(await page.getByRole('button', { name: 'Đóng hồ sơ' }).count(), 0, 'no closing twice');
    await page.goto(documentUrl);
    await page.getByRole('heading', { level: 1, name: SUBJECT }).waitFor();
    assert.equal(await page.getByLabel('Đưa vào hồ sơ công việc', { exact: true }).count(), 0, 'a closed file is not offered');

    await page.goto(`${url}/mot-cua/ho-so-cong-viec`);
    const row = page.getByRole('table', { name: 'Hồ sơ công việc' }).getByRole('row').filter({ hasText: TITLE });
    assert.match(await row.innerText(), /^STP\.01\.2026\s+.+\s+Vĩnh viễn\s+.+\s+1\s+Đã đóng \d{2}\/\d{2}\/\d{4}$/);

    // ---- phone width: no sideways scrolling; screenshots ----
    for (const [size, viewport] of Object.entries(SIZES)) {
      await page.setViewportSize(viewport);
      for (const [what, at] of [
        ['list', `${url}/mot-cua/ho-so-cong-viec`],
        ['file', fileUrl],
      ]) {
        await page.goto(at);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.getByRole('table').first().waitFor();
        if (size === 'phone') await assertNoSidewaysScroll(page, `work file ${what} at 360 px`);
        if (shots) await page.screenshot({ path: join(shots, `work-files-${what}-${size}.png`), fullPage: true });
      }
    }
  } finally {
    await context.close();
  }
});

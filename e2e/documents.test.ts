// Văn bản đến on the staff screens in Chromium: the Sở Tư pháp's văn thư registers a paper document with its scan and
// sees the số đến; the director gives the direction (lead unit, 5 working days); the unit's head names the handler;
// the handler closes it and it leaves their to-do box — every step by clicking the pages. At 360 px neither the inbox
// nor the document page scrolls sideways. With E2E_SCREENSHOTS=dir, screenshots at 360×800, 1366×768 and 1920×1080.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { platformAndBrowser, staffSignInInBrowser } from './browser.ts';

const e2e = platformAndBrowser();
const shots = process.env.E2E_SCREENSHOTS;
const SUBJECT = 'Đề nghị phối hợp rà soát hồ sơ chứng thực bản sao năm 2026';
const SIZES = { phone: { width: 360, height: 800 }, laptop: { width: 1366, height: 768 }, desktop: { width: 1920, height: 1080 } };

async function scanPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText('Ban quet van ban giay 45/UBND-VP', { x: 80, y: 760, size: 12, font });
  return Buffer.from(await doc.save());
}

/** Opens an allowed action, fills what it asks, confirms it and waits for the page to say it is done. */
async function act(page: Page, label: string, done: string, fill?: () => Promise<unknown>) {
  await page.getByRole('button', { name: label, exact: true }).click();
  await fill?.();
  await page.getByRole('button', { name: `Xác nhận: ${label}`, exact: true }).click();
  await page.getByText(done, { exact: true }).waitFor();
}

const status = (page: Page) => page.getByTestId('document-status');
const documentsTab = (page: Page) => page.getByRole('navigation', { name: 'Chức năng xử lý hồ sơ' }).getByRole('link', { name: 'Văn bản', exact: true });
const todo = (page: Page) => page.getByRole('table', { name: 'Cần xử lý' });

/** The page is no wider than the screen (no sideways scrolling). */
async function fitsScreen(page: Page, what: string) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `${what}: ${scrollWidth}px wide on a ${clientWidth}px screen`);
}

test('a paper document registered, directed, assigned and closed from the staff screens', async () => {
  const { db, url } = e2e.platform;
  const contexts = await Promise.all([1, 2, 3, 4].map(() => e2e.browser.newContext({ viewport: SIZES.laptop, locale: 'vi-VN' })));
  const [clerk, director, head, handler] = await Promise.all(contexts.map((c) => c.newPage()));
  try {
    // ---- the văn thư registers the paper document; documents are the văn thư's home ----
    await staffSignInInBrowser(clerk, url, 'stp.vanthu');
    await clerk.getByRole('heading', { level: 1, name: 'Văn bản đi, đến' }).waitFor();
    assert.equal(await clerk.getByRole('link', { name: 'Hồ sơ cần xử lý', exact: true }).count(), 0, 'a văn thư has no dossier pages');
    await clerk.getByRole('link', { name: 'Vào sổ văn bản đến', exact: true }).click();
    await clerk.getByLabel('Cơ quan, tổ chức gửi (bắt buộc)', { exact: true }).fill('Ủy ban nhân dân phường Ninh Kiều');
    await clerk.getByLabel('Số, ký hiệu văn bản (bắt buộc)', { exact: true }).fill('45/UBND-VP');
    await clerk.getByLabel('Ngày văn bản (bắt buộc)', { exact: true }).fill('2026-11-30');
    await clerk.getByLabel('Loại văn bản (bắt buộc)', { exact: true }).selectOption({ label: 'Công văn' });
    await clerk.getByLabel('Trích yếu nội dung (bắt buộc)', { exact: true }).fill(SUBJECT);
    await clerk.getByLabel('Độ khẩn', { exact: true }).selectOption({ label: 'Khẩn' });
    await clerk
      .getByLabel('Bản quét văn bản (PDF)', { exact: true })
      .setInputFiles({ name: 'ban-quet.pdf', mimeType: 'application/pdf', buffer: await scanPdf() });
    await clerk.getByRole('button', { name: 'Vào sổ và cấp số đến', exact: true }).click();
    const shown = await clerk.locator('.arrival-number').textContent();
    const [row] = await db.query('SELECT id, number, status FROM documents WHERE subject = $1', [SUBJECT]);
    assert.equal(shown, String(row.number).padStart(2, '0'), 'the số đến the register gave');
    assert.equal(row.status, 'registered');
    await clerk.getByRole('link', { name: 'Mở văn bản để trình lãnh đạo', exact: true }).click();
    await clerk.getByRole('heading', { level: 1, name: SUBJECT }).waitFor();
    assert.equal(await status(clerk).textContent(), 'Đã vào sổ, chờ lãnh đạo cho ý kiến');
    await clerk.getByRole('link', { name: 'ban-quet.pdf', exact: true }).waitFor();

    // ---- the văn thư finds it again by words typed without diacritics, and prints the incoming register ----
    await documentsTab(clerk).click();
    await clerk.getByLabel('Tìm văn bản', { exact: true }).fill('ra soat chung thuc ban sao');
    await clerk.getByRole('table', { name: 'Kết quả tìm văn bản' }).getByRole('link', { name: SUBJECT, exact: true }).waitFor();
    await clerk.getByText('In sổ văn bản', { exact: true }).click();
    const pdfHref = await clerk.getByRole('link', { name: 'Tải PDF', exact: true }).getAttribute('href');
    const register = await clerk.request.get(new URL(pdfHref!, url).href);
    assert.equal(register.status(), 200);
    assert.equal(register.headers()['content-type'], 'application/pdf');

    // ---- the director finds it in the to-do box and gives the direction ----
    await staffSignInInBrowser(director, url, 'stp.lanhdao');
    await documentsTab(director).click();
    const row1 = todo(director).getByRole('row').filter({ hasText: SUBJECT });
    assert.match(await row1.innerText(), /Số đến/);
    assert.match(await row1.innerText(), /Khẩn/);
    assert.match(await row1.innerText(), /Ủy ban nhân dân phường Ninh Kiều/);
    await row1.getByRole('link', { name: SUBJECT, exact: true }).click();
    await director.getByRole('heading', { level: 1, name: SUBJECT }).waitFor();
    await act(director, 'Cho ý kiến chỉ đạo, phân công', 'Đã cho ý kiến chỉ đạo, phân công.', async () => {
      await director.getByLabel('Đơn vị chủ trì (bắt buộc)', { exact: true }).selectOption({ label: 'Phòng Hành chính tư pháp' });
      await director.getByLabel('Thời hạn xử lý, ngày làm việc (bắt buộc)', { exact: true }).fill('5');
      await director.getByLabel('Ý kiến chỉ đạo', { exact: true }).fill('Phòng Hành chính tư pháp chủ trì, trả lời trước hạn.');
      // The phiếu giải quyết's form fits a phone too.
      for (const [size, viewport] of Object.entries(SIZES)) {
        await director.setViewportSize(viewport);
        if (size === 'phone') await fitsScreen(director, 'the direction form at 360 px');
        if (shots) await director.screenshot({ path: join(shots, `documents-direct-${size}.png`), fullPage: true });
      }
    });
    assert.equal(await status(director).textContent(), 'Đã phân công đơn vị, chờ giao người xử lý');
    const slip = director.getByRole('region', { name: 'Phiếu giải quyết văn bản đến' });
    assert.match(await slip.innerText(), /Phòng Hành chính tư pháp/);
    assert.match(await slip.innerText(), /\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/, 'the deadline, dd/mm/yyyy');
    await director.getByRole('link', { name: '‹ Văn bản đến', exact: true }).click();
    await director.getByRole('link', { name: 'Cần xử lý', exact: true }).click();
    await director.getByRole('table', { name: 'Cần xử lý' }).or(director.getByText('Không có văn bản nào đang chờ bạn xử lý.')).first().waitFor();
    assert.equal(await director.getByRole('link', { name: SUBJECT, exact: true }).count(), 0, 'no longer waiting for the director');

    // ---- the unit's head names the handler ----
    await staffSignInInBrowser(head, url, 'stp.truongphong');
    await documentsTab(head).click();
    await todo(head).getByRole('link', { name: SUBJECT, exact: true }).click();
    await act(head, 'Giao người xử lý', 'Đã giao người xử lý.', () =>
      head.getByLabel('Người xử lý (bắt buộc)', { exact: true }).selectOption({ label: 'Lý Thị Mỹ Duyên' }),
    );
    assert.equal(await status(head).textContent(), 'Đã giao người xử lý');

    // ---- the handler closes it; it leaves the to-do box ----
    await staffSignInInBrowser(handler, url, 'stp.chuyenvien');
    await documentsTab(handler).click();
    await todo(handler).getByRole('link', { name: SUBJECT, exact: true }).click();
    await handler.getByRole('heading', { level: 1, name: SUBJECT }).waitFor();
    await act(handler, 'Hoàn thành xử lý', 'Đã hoàn thành xử lý văn bản.', () =>
      handler.getByLabel('Kết quả xử lý (bắt buộc)', { exact: true }).fill('Đã rà soát và trả lời bằng điện thoại.'),
    );
    assert.equal(await status(handler).textContent(), 'Hoàn thành');
    const history = await handler.getByRole('region', { name: 'Quá trình xử lý' }).innerText();
    for (const step of ['Vào sổ văn bản đến', 'Ý kiến chỉ đạo, phân công', 'Giao người xử lý', 'Hoàn thành xử lý']) assert.ok(history.includes(step), step);
    await handler.getByRole('link', { name: '‹ Văn bản đến', exact: true }).click();
    await handler.getByRole('table', { name: 'Văn bản đến' }).getByRole('link', { name: SUBJECT, exact: true }).waitFor();
    await handler.getByRole('link', { name: 'Cần xử lý', exact: true }).click();
    await handler.getByText('Không có văn bản nào đang chờ bạn xử lý.', { exact: true }).waitFor();

    // ---- phone width: no sideways scrolling; screenshots at three sizes ----
    const pages: [string, Page, string][] = [
      ['inbox', handler, '/mot-cua/van-ban?hop=den'],
      ['document', handler, `/mot-cua/van-ban/${row.id}`],
      ['draft', handler, '/mot-cua/van-ban/du-thao'],
      ['intake', clerk, '/mot-cua/van-ban/den-moi'],
      ['search', clerk, '/mot-cua/van-ban?q=chung%20thuc'],
    ];
    for (const [size, viewport] of Object.entries(SIZES)) {
      for (const [what, page, path] of pages) {
        await page.setViewportSize(viewport);
        await page.goto(url + path);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.locator('.loading').waitFor({ state: 'detached' });
        if (size === 'phone') await fitsScreen(page, `${what} at 360 px`);
        if (shots) await page.screenshot({ path: join(shots, `documents-${what}-${size}.png`), fullPage: true });
      }
    }
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});

test('an outgoing draft written, reviewed, signed with KT. and issued from the staff screens; the recipient shows 01', async () => {
  const { url } = e2e.platform;
  const subject = 'Thông báo lịch tiếp dân tháng 12 năm 2026';
  const contexts = await Promise.all([1, 2, 3, 4].map(() => e2e.browser.newContext({ viewport: SIZES.laptop, locale: 'vi-VN' })));
  const [drafter, head, director, clerk] = await Promise.all(contexts.map((c) => c.newPage()));
  const open = async (page: Page, username: string) => {
    await staffSignInInBrowser(page, url, username);
    if (!page.url().includes('/mot-cua/van-ban')) await documentsTab(page).click();
    await todo(page).getByRole('link', { name: subject, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: subject }).waitFor();
  };
  try {
    await staffSignInInBrowser(drafter, url, 'stp.chuyenvien');
    await documentsTab(drafter).click();
    await drafter.getByRole('link', { name: 'Soạn dự thảo văn bản đi', exact: true }).click();
    await drafter.getByLabel('Loại văn bản (bắt buộc)', { exact: true }).selectOption({ label: 'Thông báo (TB)' });
    await drafter.getByLabel('Trích yếu nội dung (bắt buộc)', { exact: true }).fill(subject);
    await drafter.getByLabel('Cơ quan nhận', { exact: true }).selectOption({ label: 'Sở Nông nghiệp và Môi trường' });
    await drafter.getByRole('button', { name: 'Thêm nơi nhận', exact: true }).first().click();
    await drafter.getByLabel('Tệp dự thảo (PDF)', { exact: true }).setInputFiles({ name: 'du-thao.pdf', mimeType: 'application/pdf', buffer: await scanPdf() });
    await drafter.getByRole('button', { name: 'Lưu dự thảo', exact: true }).click();
    await drafter.getByRole('heading', { level: 1, name: subject }).waitFor();
    assert.equal(await status(drafter).textContent(), 'Dự thảo');
    await act(drafter, 'Trình soát xét', 'Đã trình dự thảo.');

    await open(head, 'stp.truongphong');
    await act(head, 'Trình lãnh đạo ký', 'Đã trình lãnh đạo ký.');

    await open(director, 'stp.lanhdao');
    await act(director, 'Duyệt và ký số', 'Đã ký số văn bản.', async () => {
      await director.getByLabel('Thẩm quyền ký', { exact: true }).selectOption('KT');
      await director.getByLabel('Ký thay cho', { exact: true }).fill('Giám đốc');
      await director.getByLabel('Chức vụ người ký (bắt buộc)', { exact: true }).fill('Phó Giám đốc');
    });
    assert.match(await director.locator('.meta').innerText(), /KT\. GIÁM ĐỐC \/ PHÓ GIÁM ĐỐC/);

    await open(clerk, 'stp.vanthu');
    await clerk.getByRole('button', { name: 'Cấp số, đóng dấu và phát hành', exact: true }).click();
    await clerk.getByRole('button', { name: 'Xác nhận: Cấp số, đóng dấu và phát hành', exact: true }).click();
    await clerk.getByText(/^Đã phát hành văn bản số \d{2,}\/TB-STP\.$/).waitFor();
    assert.equal(await status(clerk).textContent(), 'Đã phát hành');
    const recipients = await clerk.getByRole('table', { name: 'Nơi nhận' }).innerText();
    assert.match(recipients, /Sở Nông nghiệp và Môi trường/);
    assert.match(recipients, /01 — /, 'the copy arrived: 01');
    await clerk.getByRole('link', { name: 'van-ban.pdf', exact: true }).waitFor();
    if (shots) await clerk.screenshot({ path: join(shots, 'documents-issued-laptop.png'), fullPage: true });
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});

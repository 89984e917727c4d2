// Phản ánh, kiến nghị on the officers' screens in Chromium at 1366×768: the province's operator keys in a phone call,
// classifies it and assigns it to the suggested commune; the commune's specialist accepts and answers, its leader
// approves; the operator publishes; the public page shows the answer. The commune's pages never show the reporter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { agencyIds } from '../src/testing/harness.ts';
import { platformAndBrowser, staffSignInInBrowser } from './browser.ts';

const e2e = platformAndBrowser();

const REPORTER = { name: 'Trần Thị Bảy', phone: '0987654321' };
const TITLE = 'Rác thải đổ trộm bên bờ kè Cái Khế';
const ANSWER = 'Phường đã thu gom rác ngày 03/12 và lắp biển cấm đổ rác tại bờ kè.';

test('a phone report keyed in, classified, assigned, accepted, answered, approved and published from the staff screens', async () => {
  const { db, url } = e2e.platform;
  const caiKhe = (await agencyIds(db))['H13.102'];
  const [{ unit_code: communeCode }] = await db.query(`SELECT unit_code FROM agencies WHERE code = 'H13.102'`);
  const viewport = { width: 1366, height: 768 };
  const contexts = await Promise.all([1, 2, 3, 4].map(() => e2e.browser.newContext({ viewport })));
  const [operator, specialist, leader, visitor] = await Promise.all(contexts.map((c) => c.newPage()));
  const officeTab = (page: Page) =>
    page.getByRole('navigation', { name: 'Chức năng xử lý hồ sơ' }).getByRole('link', { name: 'Phản ánh, kiến nghị', exact: true });
  /** What the commune's staff see: never the reporter's name or phone. */
  const noReporter = async (page: Page, what: string) => {
    const text = await page.locator('body').innerText();
    assert.ok(!text.includes(REPORTER.name) && !text.includes(REPORTER.phone), `${what} shows the reporter`);
  };
  /** Opens an allowed action, fills what it asks, confirms it and waits for the page to say it is done. */
  const act = async (page: Page, label: string, done: string, fill?: () => Promise<unknown>) => {
    await page.getByRole('button', { name: label, exact: true }).click();
    await fill?.();
    await page.getByRole('button', { name: `Xác nhận: ${label}`, exact: true }).click();
    await page.getByText(done, { exact: true }).waitFor();
  };
  try {
    // ---- the operator keys in the phone call ----
    await staffSignInInBrowser(operator, url, 'motcua.tt');
    await officeTab(operator).click();
    await operator.getByRole('heading', { level: 1, name: 'Phản ánh, kiến nghị' }).waitFor();
    await operator.getByRole('link', { name: 'Nhập phản ánh', exact: true }).click();
    await operator.getByLabel('Kênh tiếp nhận (bắt buộc)', { exact: true }).selectOption({ label: 'Điện thoại' });
    await operator.getByLabel('Họ và tên', { exact: true }).fill(REPORTER.name);
    await operator.getByLabel('Số điện thoại', { exact: true }).fill(REPORTER.phone);
    await operator.getByLabel('Lĩnh vực (bắt buộc)', { exact: true }).selectOption({ label: 'Môi trường' });
    await operator.getByLabel('Tiêu đề (bắt buộc)', { exact: true }).fill(TITLE);
    await operator.getByLabel('Nội dung (bắt buộc)', { exact: true }).fill('Mỗi tối có người đổ rác xây dựng xuống bờ kè, bốc mùi và tràn ra lối đi.');
    await operator.getByLabel('Địa chỉ', { exact: true }).fill('Bờ kè Cái Khế, gần cầu Cái Khế');
    await operator.getByLabel('Xã, phường', { exact: true }).selectOption(communeCode);
    await operator.getByRole('button', { name: 'Tiếp nhận phản ánh', exact: true }).click();
    const heading = operator.getByRole('heading', { level: 1, name: /^Phản ánh PA-/ });
    await heading.waitFor();
    const code = ((await heading.textContent()) ?? '').replace('Phản ánh ', '');
    const [row] = await db.query('SELECT id, channel, reporter_name, reporter_phone FROM feedback_cases WHERE code = $1', [code]);
    assert.deepEqual([row.channel, row.reporter_name, row.reporter_phone], ['phone', REPORTER.name, REPORTER.phone]);
    const reporter = operator.getByRole('region', { name: 'Người phản ánh', exact: true });
    await reporter.getByText(REPORTER.phone, { exact: true }).waitFor();

    // ---- classified as urgent, assigned to the commune the server suggests ----
    await act(operator, 'Phân loại', 'Đã phân loại phản ánh.', () => operator.getByLabel('Mức độ', { exact: true }).selectOption({ label: 'Khẩn' }));
    await act(operator, 'Chuyển cơ quan xử lý', 'Đã chuyển phản ánh đến cơ quan xử lý.', async () => {
      const agency = operator.getByLabel('Cơ quan xử lý (bắt buộc)', { exact: true });
      assert.equal(await agency.inputValue(), caiKhe, "the commune's people's committee is suggested and chosen");
    });
    await operator.getByText('Chờ cơ quan nhận xử lý', { exact: true }).first().waitFor();

    // ---- the commune's specialist finds it in the inbox, accepts and answers ----
    await staffSignInInBrowser(specialist, url, 'caikhe.chuyenvien');
    await officeTab(specialist).click();
    const inbox = specialist.getByRole('table', { name: 'Phản ánh, kiến nghị' });
    await inbox.getByRole('link', { name: code, exact: true }).waitFor();
    assert.ok((await inbox.innerText()).includes('Khẩn'), 'the level shows in the inbox');
    await noReporter(specialist, "the agency's inbox");
    await inbox.getByRole('link', { name: code, exact: true }).click();
    await specialist.getByRole('heading', { level: 1, name: `Phản ánh ${code}` }).waitFor();
    await noReporter(specialist, "the agency's case page");
    assert.equal(await specialist.getByRole('region', { name: 'Người phản ánh' }).count(), 0);
    await act(specialist, 'Nhận xử lý', 'Đã nhận xử lý phản ánh.');
    await act(specialist, 'Trình dự thảo trả lời', 'Đã trình dự thảo trả lời.', () =>
      specialist.getByLabel('Nội dung trả lời (bắt buộc)', { exact: true }).fill(ANSWER),
    );
    await noReporter(specialist, 'the case page after answering');

    // ---- the leader approves; an empty required reason is refused on the page first ----
    await staffSignInInBrowser(leader, url, 'caikhe.lanhdao');
    await leader.goto(`${url}/mot-cua/phan-anh/${row.id}`);
    await leader.getByRole('region', { name: 'Trả lời', exact: true }).getByText(ANSWER, { exact: true }).waitFor();
    await leader.getByRole('button', { name: 'Trả lại dự thảo', exact: true }).click();
    await leader.getByRole('button', { name: 'Xác nhận: Trả lại dự thảo', exact: true }).click();
    await leader.getByText('Vui lòng nhập nội dung.', { exact: true }).waitFor();
    await leader.getByRole('button', { name: 'Hủy', exact: true }).click();
    await act(leader, 'Duyệt trả lời', 'Đã duyệt trả lời.');
    await noReporter(leader, "the leader's case page");

    // ---- the operator publishes ----
    await operator.reload();
    await act(operator, 'Công bố trả lời', 'Đã công bố trả lời.');
    await operator.getByRole('link', { name: 'Trang công khai', exact: true }).waitFor();

    // ---- anyone reads the answer on the public page, without the reporter ----
    await visitor.goto(`${url}/phan-anh/${code}`);
    await visitor.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await visitor.getByText(ANSWER, { exact: true }).waitFor();
    await noReporter(visitor, 'the public page');
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});

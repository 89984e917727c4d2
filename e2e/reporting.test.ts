// Báo cáo định kỳ in Chromium: on a 360 px phone a commune's officer fills the month's report (the computed rows come
// pre-filled) and submits it, the commune's chairman signs it; at 1366 px the province's leader sees it in the roll-up.
// Screenshots of both pages at 360×800, 1366×768 and 1920×1080 go to SCREENSHOT_DIR when it is set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { openDuePeriods } from '../src/reporting/service.ts';
import { assertNoSidewaysScroll, platformAndBrowser, staffSignInInBrowser } from './browser.ts';

const e2e = platformAndBrowser(async ({ platform }) => {
  await openDuePeriods(platform.db);
});

const SIZES = [
  [360, 800],
  [1366, 768],
  [1920, 1080],
] as const;

async function screenshots(page: Page, name: string) {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
  }
}

test('a commune officer fills and submits the monthly report on a phone; signed by the chairman, it shows in the province roll-up', async () => {
  const { url } = e2e.platform;
  const phone = await e2e.browser.newContext({ viewport: { width: 360, height: 800 } });
  const desk = await e2e.browser.newContext({ viewport: { width: 1366, height: 768 } });
  try {
    const officer = await phone.newPage();
    await staffSignInInBrowser(officer, url, 'ninhkieu.chuyenvien');
    await officer.goto(`${url}/mot-cua/bao-cao`);
    await officer.getByRole('heading', { level: 1, name: 'Báo cáo định kỳ' }).waitFor();
    await officer.getByRole('link', { name: 'Báo cáo tình hình, kết quả giải quyết thủ tục hành chính hằng tháng' }).click();
    await officer.getByRole('heading', { level: 1, name: 'Báo cáo tình hình, kết quả giải quyết thủ tục hành chính hằng tháng' }).waitFor();
    const reportUrl = officer.url();
    // Computed rows are shown as the platform computed them; a reported row starts empty ("chưa có số liệu"), not 0.
    await officer.getByText('hệ thống tính', { exact: false }).first().waitFor();
    const inspections = officer.getByLabel('Số cuộc kiểm tra việc giải quyết thủ tục hành chính — Thực hiện kỳ này', { exact: true });
    assert.equal(await inspections.inputValue(), '');
    assert.equal(await inspections.getAttribute('placeholder'), 'chưa có số liệu');
    await assertNoSidewaysScroll(officer, 'the report form on a phone');

    await inspections.fill('1');
    await officer.getByLabel('Số phản ánh về quy định, thủ tục hành chính đã tiếp nhận — Thực hiện kỳ này', { exact: true }).fill('5');
    await officer.getByLabel('Số phản ánh về quy định, thủ tục hành chính đã xử lý — Thực hiện kỳ này', { exact: true }).fill('4');
    await officer.getByRole('button', { name: 'Lưu số liệu', exact: true }).click();
    await officer.getByText('Đã lưu số liệu.', { exact: true }).waitFor();
    await officer.getByRole('button', { name: 'Trình lãnh đạo ký', exact: true }).click();
    await officer.getByText('Đã thực hiện: Trình lãnh đạo ký.', { exact: true }).waitFor();
    await officer.getByText('Chờ lãnh đạo đơn vị ký duyệt', { exact: true }).first().waitFor();
    await assertNoSidewaysScroll(officer, 'the submitted report on a phone');
    await screenshots(officer, 'report');

    const chairman = await phone.newPage();
    await chairman.context().clearCookies();
    await staffSignInInBrowser(chairman, url, 'ninhkieu.lanhdao');
    await chairman.goto(reportUrl);
    await chairman.getByRole('button', { name: 'Ký số và gửi', exact: true }).click();
    await chairman.getByText('Đã thực hiện: Ký số và gửi.', { exact: true }).waitFor();
    await chairman.getByRole('link', { name: 'bản ký số (PDF)' }).waitFor();

    const province = await desk.newPage();
    await staffSignInInBrowser(province, url, 'lanhdao.ubnd');
    await province.goto(`${url}/mot-cua/bao-cao`);
    await province
      .getByRole('link', { name: /^Tổng hợp Tháng/ })
      .first()
      .click();
    await province.getByRole('heading', { level: 1, name: /^Tổng hợp Tháng/ }).waitFor();
    const byUnit = province.getByRole('region', { name: 'Theo đơn vị' });
    const row = byUnit.getByRole('row').filter({ hasText: 'Ủy ban nhân dân Phường Ninh Kiều' });
    await row.getByText('Đã ký, chờ nơi nhận tiếp nhận', { exact: true }).waitFor();
    const totals = province.getByRole('region', { name: 'Số liệu tổng hợp' });
    const inspectionsTotal = totals.getByRole('row').filter({ hasText: 'Số cuộc kiểm tra việc giải quyết thủ tục hành chính' });
    assert.match(await inspectionsTotal.innerText(), /\b1\b/);
    const share = totals.getByRole('row').filter({ hasText: 'Tỷ lệ phản ánh về thủ tục hành chính đã xử lý' });
    assert.match(await share.innerText(), /80/);
    await assertNoSidewaysScroll(province, 'the roll-up');
    await screenshots(province, 'rollup');
    // Drill-down into the commune.
    await row.getByRole('link', { name: 'Ủy ban nhân dân Phường Ninh Kiều' }).click();
    await province.getByText('Ủy ban nhân dân Phường Ninh Kiều', { exact: true }).first().waitFor();
  } finally {
    await phone.close();
    await desk.close();
  }
});

// The documents panel of the operations centre in Chromium: for March 2026 the table per organisation and lead unit
// shows what the API counts (on time, late, open, overdue), a number opens the documents behind it (a secret one
// without its trích yếu), and the panel fits a phone, a laptop and a wall screen without sideways scrolling. With
// E2E_SCREENSHOTS=dir the pages are saved as PNG.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { insertIncoming, insertOutgoing } from '../src/documents/testkit.ts';
import { agencyIds } from '../src/testing/harness.ts';
import { platformAndBrowser } from './browser.ts';

const shots = process.env.E2E_SCREENSHOTS;
const PERIOD = 'ky=thang&from=2026-03-01&to=2026-03-31';
const at = (day: string, time = '09:00') => `2026-${day}T${time}:00+07:00`;

const e2e = platformAndBrowser(async ({ platform }) => {
  const db = platform.db;
  const ids = await agencyIds(db);
  const [{ id: leader }] = await db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'stp.lanhdao'`);
  const stp = { agencyId: ids['H13.11'], leadUnitId: ids['H13.11.1'] };
  let n = 0;
  const incoming = (d: Partial<Parameters<typeof insertIncoming>[1]> & { registeredAt: string; subject: string }) =>
    insertIncoming(db, { ...stp, number: ++n, ...d });
  await incoming({
    subject: 'Về việc rà soát thủ tục hành chính lĩnh vực hộ tịch',
    registeredAt: at('03-02'),
    dueAt: at('03-12', '17:00'),
    closedAt: at('03-11'),
  });
  await incoming({
    subject: 'Về việc báo cáo công tác phổ biến pháp luật',
    registeredAt: at('03-03'),
    channel: 'platform',
    dueAt: at('03-10', '17:00'),
    closedAt: at('03-13'),
  });
  await incoming({ subject: 'Về việc góp ý dự thảo quy chế phối hợp', registeredAt: at('03-04'), channel: 'exchange', dueAt: at('03-20', '17:00') });
  await incoming({ subject: 'Về bảo vệ bí mật nhà nước', registeredAt: at('03-05'), dueAt: at('03-25', '17:00'), secrecy: 'mat', readers: [leader] });
  await incoming({
    agencyId: ids['H13.16'],
    leadUnitId: ids['H13.16.1'],
    subject: 'Về kiểm tra an toàn thực phẩm dịp lễ',
    registeredAt: at('03-09'),
    channel: 'platform',
    dueAt: at('03-20', '17:00'),
    closedAt: at('03-19'),
  });
  const out = { agencyId: ids['H13.11'], unitId: ids['H13.11.1'], signerId: leader, notation: 'QĐ-STP', subject: 'Quyết định' };
  await insertOutgoing(db, { ...out, number: 1, issuedAt: at('03-10'), recipients: [ids['H13.14']] });
  await insertOutgoing(db, { ...out, number: 2, issuedAt: at('03-11') });
});

async function signInAs(page: Page, username: string) {
  await page.goto(`${e2e.platform.url}/dang-nhap`);
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill('Congso@2026');
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('button', { name: 'Đăng xuất', exact: true }).waitFor();
}

const noSidewaysScroll = async (page: Page, what: string) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: page is ${overflow}px wider than the screen`);
};

test('the IOC viewer reads the documents per unit for March and opens the overdue ones', async () => {
  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
    [360, 800],
  ]) {
    const context = await e2e.browser.newContext({ viewport: { width, height } });
    try {
      const page = await context.newPage();
      await signInAs(page, 'ioc');
      await page.goto(`${e2e.platform.url}/dieu-hanh?${PERIOD}#van-ban`);
      const table = page.getByRole('table', { name: 'Giải quyết văn bản đến theo cơ quan, đơn vị chủ trì' });
      await table.waitFor();
      // Sở Tư pháp and its Phòng Hành chính tư pháp: 1 on time, 1 late, 2 open, both overdue by the end of March.
      for (const name of ['Sở Tư pháp', 'Phòng Hành chính tư pháp']) {
        await page.getByRole('link', { name: `${name} — Văn bản đến giải quyết đúng hạn: 1`, exact: true }).waitFor();
        await page.getByRole('link', { name: `${name} — Văn bản đến giải quyết quá hạn: 1`, exact: true }).waitFor();
        await page.getByRole('link', { name: `${name} — Văn bản đến đang giải quyết đã quá hạn: 2`, exact: true }).waitFor();
      }
      await page.getByRole('link', { name: 'Sở Y tế — Văn bản đến giải quyết đúng hạn: 1', exact: true }).waitFor();
      // The share of electronic documents: 3 of 5 incoming, 1 of 2 outgoing → 4 of 7.
      await page.locator('.ioc-card', { hasText: 'Văn bản điện tử' }).getByText('57,1%').waitFor();
      await page.locator('#van-ban').scrollIntoViewIfNeeded();
      await noSidewaysScroll(page, `dashboard ${width}×${height}`);
      if (shots) await page.locator('section[aria-labelledby="van-ban"]').screenshot({ path: join(shots, `documents-panel-${width}x${height}.png`) });

      await page.getByRole('link', { name: 'Phòng Hành chính tư pháp — Văn bản đến đang giải quyết đã quá hạn: 2', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Văn bản đến đang giải quyết đã quá hạn' }).waitFor();
      await page.getByText('2 văn bản', { exact: true }).waitFor();
      const list = page.getByRole('table', { name: 'Văn bản đến đang giải quyết đã quá hạn' });
      await list.getByText('Về việc góp ý dự thảo quy chế phối hợp').waitFor();
      await list.getByText('văn bản mật, không hiển thị trích yếu').waitFor();
      assert.equal(await page.getByText('bí mật nhà nước').count(), 0);
      await noSidewaysScroll(page, `list ${width}×${height}`);
      if (shots) await page.screenshot({ path: join(shots, `documents-list-${width}x${height}.png`), fullPage: true });
    } finally {
      await context.close();
    }
  }
});

// The operations centre in Chromium. Past dossiers come in through the historical import (some finished late, one
// still open past its deadline); the IOC viewer's dashboard shows the figures the API computes and "Quá hạn" lists the
// late dossiers; the commune's leader goes from "Quá hạn" on to a dossier's timeline; the wall, left open, follows a
// reception made through the API without reloading; the feedback panel lists a phoned-in report. With E2E_SCREENSHOTS=dir the pages are also saved as PNG (desktop, phone, wall).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { signIn } from '../src/testing/harness.ts';
import { platformAndBrowser } from './browser.ts';

const shots = process.env.E2E_SCREENSHOTS;
const PASSWORD = 'Congso@2026';

const DAY_MS = 86_400_000;
/** A calendar day in Vietnam, `daysAgo` days before now. */
const vietnamDay = (daysAgo: number) => new Date(Date.now() + 7 * 3600_000 - daysAgo * DAY_MS).toISOString().slice(0, 10);
/** 08:15 (Vietnam) of that day, plus `hours`. */
const at = (daysAgo: number, hours = 0) => new Date(Date.parse(`${vietnamDay(daysAgo)}T08:15:00+07:00`) + hours * 3600_000).toISOString();

/** A count as the pages write it (vi-VN: 1.234). */
const vn = (n: number) => new Intl.NumberFormat('vi-VN').format(n);

const FROM = vietnamDay(12);
const TO = vietnamDay(0);
const PERIOD = `ky=tuy-chon&from=${FROM}&to=${TO}`;

/** A birth registration at Phường Cái Khế received `daysAgo` days ago, due a day later, finished `tookDays` after reception. */
function pastDossier(code: string, daysAgo: number, tookDays: number | null) {
  const finished = tookDays === null ? null : at(daysAgo, tookDays * 24);
  return {
    code,
    procedureCode: '1.001193',
    agencyCode: 'H13.102',
    channel: 'counter',
    status: finished ? 10 : 4,
    applicant: { name: 'Phạm Văn Lộc', idNumber: '092085004321' },
    submittedAt: at(daysAgo, -0.1),
    receivedAt: at(daysAgo),
    dueAt: at(daysAgo, 24),
    finishedAt: finished,
    returnedAt: finished,
    events: [
      { at: at(daysAgo, -0.1), action: 'submit', actorName: 'Phạm Văn Lộc', toStatus: 1 },
      { at: at(daysAgo), action: 'accept', actorName: 'Trần Thị Bé', fromStatus: 1, toStatus: 2 },
      ...(finished
        ? [
            { at: finished, action: 'approve', actorName: 'Lê Văn Chủ', fromStatus: 4, toStatus: 9, note: 'Đã ký' },
            { at: finished, action: 'return_result', actorName: 'Trần Thị Bé', fromStatus: 9, toStatus: 10 },
          ]
        : []),
    ],
  };
}
const LATE = ['CU-IOC-0001', 'CU-IOC-0002', 'CU-IOC-0003'];

const e2e = platformAndBrowser(async ({ platform }) => {
  const admin = await signIn(platform.app, 'admin');
  const lines = [
    ...LATE.map((code, i) => pastDossier(code, 8 + i, 3)),
    pastDossier('CU-IOC-0004', 7, 0.5),
    pastDossier('CU-IOC-0005', 6, 0.2),
    pastDossier('CU-IOC-0006', 5, null), // still open, two working days past its deadline
  ];
  const res = await admin({
    method: 'POST',
    url: '/api/v1/import/dossiers',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().rejected, []);
  assert.equal(res.json().imported, lines.length);
  // A report phoned in to the province's feedback desk today.
  const operator = await signIn(platform.app, 'motcua.tt');
  const phoned = await operator({
    method: 'POST',
    url: '/api/v1/feedback/intake',
    payload: { title: 'Đèn đường hỏng đường Mậu Thân', text: 'Cả dãy đèn không sáng.', categoryCode: 'traffic', address: 'Đường Mậu Thân', channel: 'phone' },
  });
  assert.equal(phoned.statusCode, 201, phoned.body);
  feedbackCode = phoned.json().code;
});
let feedbackCode: string;

async function signInAs(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(e2e.platform.url + '/dang-nhap');
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('button', { name: 'Đăng xuất', exact: true }).waitFor();
  return page;
}

const screenshot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
};
const noSidewaysScroll = async (page: Page, what: string) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: page is ${overflow}px wider than the screen`);
};
/** The figures the API gives the IOC viewer for the test period. */
async function apiSummary() {
  const ioc = await signIn(e2e.platform.app, 'ioc');
  const res = await ioc({ url: `/api/v1/stats/summary?from=${FROM}&to=${TO}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { received: { total: number }; finished: { late: number }; open: { overdue: number } };
}

test('the IOC viewer\'s dashboard shows the figures, its tables export, "Quá hạn" lists the late dossiers', async () => {
  const summary = await apiSummary();
  assert.ok(summary.received.total >= 6 && summary.finished.late >= LATE.length, JSON.stringify(summary));
  const context = await e2e.browser.newContext({ viewport: { width: 1366, height: 768 } });
  try {
    const page = await signInAs(context, 'ioc');
    // An IOC viewer lands on the dashboard after signing in.
    await page.getByRole('heading', { level: 1, name: 'Bảng điều hành' }).waitFor();
    await page.goto(`${e2e.platform.url}/dieu-hanh?${PERIOD}`);
    const received = page.getByRole('link', { name: `Hồ sơ tiếp nhận: ${vn(summary.received.total)}`, exact: true });
    await received.waitFor();
    await page.getByRole('table', { name: 'Xếp hạng theo cơ quan' }).getByText('Ủy ban nhân dân Phường Cái Khế', { exact: true }).waitFor();
    await page.locator('.ioc-chart-trend canvas').waitFor();
    await page.locator('.ioc-chart-map canvas').waitFor();
    await page.getByText('Chưa có dữ liệu').first().waitFor(); // shares not collected yet are never shown as numbers
    await screenshot(page, 'dashboard-desktop');

    // The rankings table exports as XLSX and CSV.
    const xlsx = await context.request.get(
      new URL((await page.getByRole('link', { name: 'Tải bảng xếp hạng theo cơ quan (XLSX)' }).getAttribute('href'))!, e2e.platform.url).href,
    );
    assert.equal(xlsx.status(), 200);
    assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
    const csv = await context.request.get(
      new URL((await page.getByRole('link', { name: 'Tải bảng xếp hạng theo cơ quan (CSV)' }).getAttribute('href'))!, e2e.platform.url).href,
    );
    assert.match(await csv.text(), /Phường Cái Khế/);
    // The 766 table is made into a workbook in the browser: Excel's reader opens it, unmeasured indicators say so.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Tải bộ chỉ số 766 (XLSX)' }).click();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync((await (await download).path())!) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1, 10), [
      'Nhóm',
      'Chỉ số',
      'Cách tính',
      'Đầu vào',
      'Tử số',
      'Mẫu số',
      'Điểm',
      'Điểm tối đa',
      'Ghi chú',
    ]);
    const cells = sheet.getSheetValues().flat().map(String);
    assert.ok(cells.includes('Chưa có dữ liệu') && cells.some((c) => c.startsWith('Tổng điểm')), cells.join(' | '));
    // The total is out of the national portal's 100, unmeasured indicators counting 0.
    const total = sheet.getSheetValues().find((row) => Array.isArray(row) && row[2] === 'Tổng điểm') as unknown[];
    assert.equal(total[8], 100);

    // Drill down: the late ones among the finished dossiers.
    await page.getByRole('link', { name: `Đã giải quyết — Quá hạn: ${vn(summary.finished.late)} hồ sơ`, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ giải quyết quá hạn' }).waitFor();
    await page.getByText(`${vn(summary.finished.late)} hồ sơ`, { exact: true }).waitFor();
    for (const code of LATE) await page.getByRole('cell', { name: code, exact: true }).waitFor();
    assert.equal(await page.getByRole('cell', { name: 'CU-IOC-0004', exact: true }).count(), 0, 'an on-time dossier is not listed as late');
    await screenshot(page, 'drilldown-desktop');
    // On to one late dossier's timeline: the IOC follows every dossier of the province, read-only.
    await page.getByRole('link', { name: LATE[0], exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${LATE[0]}` }).waitFor();
    await page.getByRole('region', { name: 'Quá trình giải quyết (phiếu kiểm soát)' }).getByText('Phê duyệt kết quả', { exact: true }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ giải quyết quá hạn' }).waitFor();
    // And from the card of dossiers still open past their deadline.
    await page.getByRole('link', { name: '‹ Bảng điều hành', exact: true }).click();
    await page.getByRole('link', { name: `Hồ sơ đang giải quyết quá hạn: ${vn(summary.open.overdue)}`, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ đang giải quyết quá hạn' }).waitFor();
    await page.getByRole('cell', { name: 'CU-IOC-0006', exact: true }).waitFor();

    // The feedback panel: the phoned-in report among those received, listed without its reporter, opening the case page.
    await page.getByRole('link', { name: '‹ Bảng điều hành', exact: true }).click();
    await page.getByRole('link', { name: 'Phản ánh, kiến nghị tiếp nhận: 1', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Phản ánh, kiến nghị tiếp nhận' }).waitFor();
    const feedbackLink = page.getByRole('link', { name: feedbackCode, exact: true });
    assert.match((await feedbackLink.getAttribute('href'))!, /^\/mot-cua\/phan-anh\/[0-9a-f-]{36}$/);
    await page.getByRole('cell', { name: 'Điện thoại', exact: true }).waitFor();

    // The same dashboard on a phone: nothing wider than the screen.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${e2e.platform.url}/dieu-hanh?${PERIOD}`);
    await page.getByRole('link', { name: `Hồ sơ tiếp nhận: ${vn(summary.received.total)}`, exact: true }).waitFor();
    await page.locator('.ioc-chart-map canvas').waitFor();
    await noSidewaysScroll(page, 'dashboard on a phone');
    await screenshot(page, 'dashboard-phone');
  } finally {
    await context.close();
  }
});

test('the commune\'s leader goes from "Quá hạn" to a late dossier\'s timeline', async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 1366, height: 768 } });
  try {
    const page = await signInAs(context, 'caikhe.lanhdao');
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Điều hành', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Bảng điều hành' }).waitFor();
    await page.goto(`${e2e.platform.url}/dieu-hanh?${PERIOD}`);
    // A leader's scope is their own organisation.
    await page.getByText('Ủy ban nhân dân Phường Cái Khế', { exact: true }).first().waitFor();
    assert.equal(await page.getByLabel('Cơ quan', { exact: true }).count(), 0, 'no agency choice for a leader');
    // This time from the rankings table's cell.
    await page.getByRole('link', { name: `Ủy ban nhân dân Phường Cái Khế — Quá hạn: ${LATE.length}`, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ giải quyết quá hạn' }).waitFor();
    await page.getByText(`${LATE.length} hồ sơ`, { exact: true }).waitFor();
    await page.getByRole('link', { name: LATE[1], exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${LATE[1]}` }).waitFor();
    const timeline = page.getByRole('region', { name: 'Quá trình giải quyết (phiếu kiểm soát)' });
    await timeline.getByText('Phê duyệt kết quả', { exact: true }).waitFor();
    assert.match(await timeline.innerText(), /Tiếp nhận hồ sơ[\s\S]*Trả kết quả/);
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ giải quyết quá hạn' }).waitFor();
  } finally {
    await context.close();
  }
});

test('the wall follows a new reception through server push, without reloading', async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 1920, height: 1080 } });
  try {
    const page = await signInAs(context, 'ioc');
    await page.goto(`${e2e.platform.url}/dieu-hanh/man-hinh?${PERIOD}`);
    const receivedValue = page.locator('.ioc-wall-kpi').filter({ hasText: 'Tiếp nhận' }).locator('.ioc-wall-kpi-value');
    await receivedValue.waitFor();
    await page.locator('.ioc-wall-live.is-live').waitFor();
    assert.equal(await page.getByRole('navigation').count(), 0, 'no site navigation on the wall');
    const before = Number((await receivedValue.innerText()).replace(/\D/g, ''));
    assert.equal(before, (await apiSummary()).received.total);
    await screenshot(page, 'wall');
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    await page.evaluate(() => {
      (window as unknown as { iocMarker: string }).iocMarker = 'still here';
    });

    // The counter of Phường Cái Khế takes a birth registration and accepts it.
    const counter = await signIn(e2e.platform.app, 'caikhe.motcua');
    const agencies = (await counter({ url: '/api/v1/agencies' })).json().items as { id: string; code: string }[];
    const procedure = (await counter({ url: '/api/v1/procedures/1.001193' })).json() as { id: string };
    const submitted = await counter({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId: procedure.id,
        agencyId: agencies.find((a) => a.code === 'H13.102')!.id,
        channel: 'counter',
        files: [],
        applicant: { name: 'Đỗ Thị Hồng', idNumber: '092190007777', phone: '0912000777' },
        formData: {
          hoTenTre: 'Lê Gia Bảo',
          ngaySinh: vietnamDay(3),
          gioiTinh: 'Nam',
          noiSinh: 'Bệnh viện Đa khoa Trung ương Cần Thơ',
          hoTenMe: 'Đỗ Thị Hồng',
          soDinhDanhNguoiYeuCau: '092190007777',
        },
      },
    });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const dossier = submitted.json() as { id: string; status: number; revision: number };
    if (dossier.status === 1) {
      const accepted = await counter({ method: 'POST', url: `/api/v1/dossiers/${dossier.id}/actions`, payload: { action: 'accept' } });
      assert.equal(accepted.statusCode, 200, accepted.body);
    }

    await page.waitForFunction(
      ([el, want]) => Number((el as HTMLElement).innerText.replace(/\D/g, '')) === want,
      [await receivedValue.elementHandle(), before + 1] as const,
      { timeout: 15_000 },
    );
    assert.equal(await page.evaluate(() => (window as unknown as { iocMarker?: string }).iocMarker), 'still here', 'the page was not reloaded');
    assert.equal(navigations, 0, 'no navigation happened');
    await screenshot(page, 'wall-after');
  } finally {
    await context.close();
  }
});

interface Box {
  name: string;
  x: number;
  y: number;
  right: number;
  bottom: number;
}
/** The wall's scroll overflow, its header, figures and panels, and each chart canvas with the panel around it. */
async function wallBoxes(page: Page) {
  const box = async (el: Locator, name: string): Promise<Box> => {
    const r = (await el.boundingBox())!;
    return { name, x: r.x, y: r.y, right: r.x + r.width, bottom: r.y + r.height };
  };
  const named = async (els: Locator, label: string) =>
    Promise.all((await els.all()).map(async (el) => box(el, (await el.locator(label).first().innerText()).trim())));
  const panels = page.locator('.ioc-wall-grid > .ioc-panel');
  const charts: { panel: Box; chart: Box }[] = [];
  for (const panel of await panels.all()) {
    const panelBox = await box(panel, await panel.locator('h2').innerText());
    for (const canvas of await panel.locator('canvas').all()) charts.push({ panel: panelBox, chart: await box(canvas, 'chart') });
  }
  return {
    scroll: await page.locator('.ioc-wall').evaluate((w) => ({ x: w.scrollWidth - w.clientWidth, y: w.scrollHeight - w.clientHeight })),
    panels: [
      await box(page.locator('.ioc-wall-head'), 'header'),
      ...(await named(page.locator('.ioc-wall-kpi'), '.ioc-wall-kpi-name')),
      ...(await named(panels, 'h2')),
    ],
    charts,
  };
}

test('the wall fits 1366×768 and 1920×1080: every panel on screen, no two overlapping, each chart inside its panel', async () => {
  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ]) {
    const context = await e2e.browser.newContext({ viewport: { width, height } });
    try {
      const page = await signInAs(context, 'ioc');
      await page.goto(`${e2e.platform.url}/dieu-hanh/man-hinh?${PERIOD}`);
      await page.locator('.ioc-wall-kpi').first().waitFor();
      await page.locator('.ioc-wall-map canvas').waitFor();
      await page.locator('.ioc-wall-ranking table').waitFor();
      // The feedback tile: the report phoned in today.
      await page.locator('.ioc-wall-kpi').filter({ hasText: 'Phản ánh, kiến nghị' }).getByText('1', { exact: true }).waitFor();
      await page.waitForTimeout(500); // charts settle to their boxes
      await screenshot(page, `wall-${width}x${height}`);
      const boxes = await wallBoxes(page);
      const size = `${width}×${height}`;
      assert.deepEqual(boxes.scroll, { x: 0, y: 0 }, `${size}: the wall scrolls`);
      assert.equal(boxes.panels.length, 1 + 6 + 4, `${size}: header, five figures and the feedback tile, four panels`);
      for (const p of boxes.panels) {
        assert.ok(p.x >= 0 && p.y >= 0 && p.right <= width && p.bottom <= height, `${size}: ${p.name} off screen ${JSON.stringify(p)}`);
      }
      for (const [i, a] of boxes.panels.entries()) {
        for (const b of boxes.panels.slice(i + 1)) {
          const overlap = a.x < b.right - 0.5 && b.x < a.right - 0.5 && a.y < b.bottom - 0.5 && b.y < a.bottom - 0.5;
          assert.ok(!overlap, `${size}: ${a.name} overlaps ${b.name}`);
        }
      }
      assert.equal(boxes.charts.length, 2, `${size}: the trend and the map are drawn`);
      for (const { panel, chart } of boxes.charts) {
        assert.ok(
          chart.y >= panel.y && chart.bottom <= panel.bottom + 0.5 && chart.x >= panel.x && chart.right <= panel.right + 0.5,
          `${size}: the chart of ${panel.name} spills out of its panel`,
        );
        assert.ok(chart.bottom - chart.y >= 150, `${size}: the chart of ${panel.name} is squeezed to ${chart.bottom - chart.y}px`);
      }
    } finally {
      await context.close();
    }
  }
});

test("the public transparency page shows the province's figures and ranking without login, with open data", async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 360, height: 740 } });
  try {
    const page = await context.newPage();
    await page.goto(e2e.platform.url + '/');
    await page.getByRole('link', { name: 'Công khai kết quả giải quyết thủ tục hành chính', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Công khai kết quả giải quyết thủ tục hành chính' }).waitFor();
    const received = page
      .locator('.ioc-card')
      .filter({ has: page.getByText('Hồ sơ tiếp nhận', { exact: true }) })
      .locator('.ioc-card-value');
    assert.ok(Number((await received.innerText()).replace(/\D/g, '')) >= 6, 'the imported dossiers are counted');
    await page
      .getByRole('table', { name: /^Xếp hạng cơ quan năm/ })
      .getByText('Ủy ban nhân dân Phường Cái Khế', { exact: true })
      .waitFor();
    await page.getByRole('region', { name: 'Cách tính các chỉ số' }).getByText('Tỷ lệ giải quyết đúng hạn', { exact: true }).waitFor();
    await noSidewaysScroll(page, 'the public page on a phone');
    await screenshot(page, 'public-phone');
    const json = await context.request.get(new URL((await page.getByRole('link', { name: 'JSON', exact: true }).getAttribute('href'))!, e2e.platform.url).href);
    assert.equal(json.status(), 200);
    assert.ok(Array.isArray((await json.json()).ranking));
    const csv = await context.request.get(new URL((await page.getByRole('link', { name: 'CSV', exact: true }).getAttribute('href'))!, e2e.platform.url).href);
    assert.match(csv.headers()['content-type'], /text\/csv/);
    assert.match(await csv.text(), /Phường Cái Khế/);
  } finally {
    await context.close();
  }
});

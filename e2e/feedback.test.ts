// Phản ánh, kiến nghị in Chromium on a 360 px phone: a signed-in citizen reports with the browser's position and a
// photo, the province and the commune handle it to publication over the API (as src/feedback/feedback.test.ts does)
// while the citizen answers their question on the page, then finds it on the public map and list, opens its page and rates the answer from "Phản ánh của tôi".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agencyIds, signIn } from '../src/testing/harness.ts';
import type { Locator } from 'playwright-core';
import { assertNoSidewaysScroll, citizenSignInInBrowser, platformAndBrowser } from './browser.ts';

const e2e = platformAndBrowser();

// A 1×1 JPEG, as a phone's camera would hand it over (the server checks the content, not the name).
const PHOTO = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const TITLE = 'Đèn chiếu sáng hỏng trên đường Mậu Thân';

/**
 * The page position of the points drawn in `colour` ("rgb(r, g, b)") on the map's canvas: the middle of the pixels of
 * exactly that colour (a point's centre is drawn without anti-aliasing), or null when the map has none.
 */
async function pointOnMap(canvas: Locator, colour: string) {
  await canvas.scrollIntoViewIfNeeded();
  const found = await canvas.evaluate((c: HTMLCanvasElement, rgb: number[]) => {
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let [sx, sy, n] = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2] && data[i + 3] === 255) {
        sx += (i / 4) % c.width;
        sy += Math.floor(i / 4 / c.width);
        n++;
      }
    }
    const scale = c.width / c.clientWidth;
    return n === 0 ? null : { x: sx / n / scale, y: sy / n / scale };
  }, colour.match(/\d+/g)!.map(Number));
  const box = await canvas.boundingBox();
  return found && box ? { x: box.x + found.x, y: box.y + found.y } : null;
}
const ANSWER = 'Phường đã thay bóng đèn ngày 02/12, tuyến đường đã được chiếu sáng lại.';

test('a citizen reports from a phone with position and photo; once answered it is on the public list and rated', async () => {
  const { app, db, url } = e2e.platform;
  const context = await e2e.browser.newContext({
    viewport: { width: 360, height: 740 },
    geolocation: { latitude: 10.0452, longitude: 105.7846, accuracy: 20 },
    permissions: ['geolocation'],
  });
  try {
    const page = await context.newPage();
    await page.goto(url + '/');
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Phản ánh, kiến nghị', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Phản ánh, kiến nghị' }).waitFor();
    await page.getByRole('link', { name: 'Gửi phản ánh, kiến nghị', exact: true }).click();
    // Not signed in: through the identity provider, then back to the form.
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập công dân' }).waitFor();
    await citizenSignInInBrowser(page, url, '092085000123');
    await page.getByRole('heading', { level: 1, name: 'Gửi phản ánh, kiến nghị' }).waitFor();

    const [{ unit_code: communeCode }] = await db.query(`SELECT unit_code FROM agencies WHERE code = 'H13.102'`);
    await page.getByLabel('Lĩnh vực (bắt buộc)', { exact: true }).selectOption({ label: 'Trật tự đô thị' });
    await page.getByLabel('Tiêu đề (bắt buộc)', { exact: true }).fill(TITLE);
    await page.getByLabel('Nội dung (bắt buộc)', { exact: true }).fill('Ba cột đèn trước chợ không sáng từ tuần trước, buổi tối rất tối và nguy hiểm.');
    // A tap on the map places the pin there; the phone's position moves it back; the commune follows from the boundaries.
    const picker = page.getByRole('img', { name: /^Bản đồ chọn vị trí phản ánh/ });
    await picker.waitFor();
    await picker.scrollIntoViewIfNeeded();
    const mapBox = (await picker.boundingBox())!;
    await page.mouse.click(mapBox.x + mapBox.width / 2, mapBox.y + mapBox.height / 2);
    await page.getByText('(ghim trên bản đồ)', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Lấy lại vị trí hiện tại', exact: true }).click();
    await page.getByText('Vị trí: 10.04520, 105.78460 (sai số khoảng 20 m) · thuộc Phường Cái Khế', { exact: false }).waitFor();
    await page.getByRole('img', { name: /Ghim đang ở 10\.04520, 105\.78460\./ }).waitFor();
    assert.equal(await page.getByLabel('Xã, phường', { exact: true }).inputValue(), communeCode, 'the commune the pin falls in is chosen');
    await page.getByLabel('Địa chỉ', { exact: true }).fill('Đường Mậu Thân, trước chợ');
    await page.getByLabel('Xã, phường', { exact: true }).selectOption(communeCode);
    await page.getByLabel('Ảnh, video', { exact: true }).setInputFiles({ name: 'den-hong.jpg', mimeType: 'image/jpeg', buffer: PHOTO });
    await assertNoSidewaysScroll(page, 'the report form');
    await page.getByRole('button', { name: 'Gửi phản ánh', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Đã gửi phản ánh, kiến nghị' }).waitFor();
    const code = (await page.getByTestId('feedback-code').textContent()) ?? '';
    assert.match(code, /^PA-\d{6}-\d{4,}$/);
    const [row] = await db.query('SELECT id, lat, long, commune_code FROM feedback_cases WHERE code = $1', [code]);
    assert.deepEqual([row.lat, row.long, row.commune_code], [10.0452, 105.7846, communeCode], 'the position from the browser is kept');
    const [{ photos }] = await db.query(`SELECT count(*)::int AS photos FROM feedback_media WHERE case_id = $1 AND kind = 'report'`, [row.id]);
    assert.equal(photos, 1);

    // The province classifies and assigns; the commune accepts and asks the reporter for more (on the phone, below),
    // then answers and approves; the province publishes.
    const caiKhe = (await agencyIds(db))['H13.102'];
    const handle = async (steps: [string, Record<string, unknown>][]) => {
      for (const [username, body] of steps) {
        const res = await (await signIn(app, username))({ method: 'POST', url: `/api/v1/feedback/${row.id}/actions`, payload: body });
        assert.equal(res.statusCode, 200, `${username} ${body.action}: ${res.body}`);
      }
    };
    await handle([
      ['motcua.tt', { action: 'classify', level: 'thuong' }],
      ['motcua.tt', { action: 'assign', agencyId: caiKhe }],
      ['caikhe.motcua', { action: 'accept' }],
      ['caikhe.chuyenvien', { action: 'request_info', question: 'Đề nghị cho biết số nhà gần cột đèn hỏng nhất.' }],
    ]);
    await page.getByRole('link', { name: 'Xem phản ánh', exact: true }).click();
    const question = page.getByRole('region', { name: 'Bổ sung thông tin', exact: true });
    await question.getByText('Đề nghị cho biết số nhà gần cột đèn hỏng nhất.', { exact: true }).waitFor();
    await question.getByLabel('Thông tin bổ sung (bắt buộc)', { exact: true }).fill('Trước nhà số 125 Mậu Thân.');
    await page.getByRole('button', { name: 'Gửi thông tin bổ sung', exact: true }).click();
    await page.getByText('Đã gửi thông tin bổ sung.', { exact: true }).waitFor();
    await assertNoSidewaysScroll(page, "the citizen's case page");
    // The answer carries the photo after the repair and the commune's record (a PDF) as evidence.
    const specialist = await signIn(app, 'caikhe.chuyenvien');
    const evidence: string[] = [];
    for (const [role, name, content] of [
      ['after', 'den-da-sang.jpg', PHOTO],
      ['document', 'bien-ban.pdf', PDF],
    ] as const) {
      const boundary = '----e2eevidence';
      const res = await specialist({
        method: 'POST',
        url: `/api/v1/feedback/${row.id}/media?role=${role}`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n`),
          content,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
      assert.equal(res.statusCode, 201, res.body);
      evidence.push(res.json().items[0].id);
    }
    await handle([
      ['caikhe.chuyenvien', { action: 'answer', text: ANSWER, evidence }],
      ['caikhe.lanhdao', { action: 'approve' }],
      ['motcua.tt', { action: 'publish' }],
    ]);

    // The public map and list, searched without diacritics: the case's point, in the colour the legend gives answered
    // cases, opens its code and title with a link to its page; the list has it too.
    await page.goto(url + '/phan-anh');
    await page.getByLabel('Tìm kiếm', { exact: true }).fill('den chieu sang mau than');
    await page.getByText('1 phản ánh đã trả lời', { exact: true }).waitFor();
    const link = page.getByRole('list', { name: 'Phản ánh đã trả lời' }).getByRole('link', { name: TITLE, exact: true });
    await link.waitFor();
    await page.getByRole('img', { name: /^Bản đồ 1 phản ánh có vị trí/ }).waitFor();
    await assertNoSidewaysScroll(page, 'the public map and list');
    const answered = page
      .getByRole('list', { name: 'Chú giải bản đồ' })
      .getByRole('listitem')
      .filter({ hasText: /^\s*Đã trả lời$/ })
      .locator('span');
    const colour = await answered.evaluate((el) => getComputedStyle(el).backgroundColor);
    const canvas = page.locator('.feedback-map canvas').first();
    let point = await pointOnMap(canvas, colour);
    for (let i = 0; !point && i < 20; i++) {
      await page.waitForTimeout(100); // the canvas is drawn on the next frame after the points arrive
      point = await pointOnMap(canvas, colour);
    }
    assert.ok(point, `a point in ${colour} on the map`);
    await page.mouse.click(point.x, point.y);
    const popup = page.locator('.feedback-map-popup');
    await popup.getByText(code, { exact: true }).waitFor();
    await popup.getByRole('link', { name: TITLE, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/phan-anh/${code}`);
    await page.getByText(ANSWER, { exact: true }).waitFor();
    await page.getByText('Công bố trả lời', { exact: true }).waitFor();
    await page.getByRole('img', { name: `Bản đồ vị trí phản ánh ${code}: Đường Mậu Thân, trước chợ` }).waitFor();
    const photo = page.getByRole('list', { name: 'Ảnh phản ánh' }).getByRole('img');
    await photo.waitFor();
    assert.ok(await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the published photo loads');
    const after = page.getByRole('list', { name: 'Minh chứng – sau khi xử lý' }).getByRole('img');
    await after.waitFor();
    assert.ok(await after.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the evidence photo loads');
    await page
      .getByRole('list', { name: 'Minh chứng – văn bản' })
      .getByRole('link', { name: /bien-ban\.pdf/ })
      .waitFor();
    assert.ok(!(await page.content()).includes('Nguyễn Văn Minh'), 'the public page does not name the reporter');
    await assertNoSidewaysScroll(page, 'the public case page');

    // The reporter rates the answer from their own reports: the form is there because the server offers "rate".
    await page.goto(url + '/phan-anh/cua-toi');
    await page.getByRole('link', { name: code, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Phản ánh ${code}` }).waitFor();
    await page.getByRole('radio', { name: 'Hài lòng', exact: true }).check();
    await page.getByRole('button', { name: 'Gửi đánh giá', exact: true }).click();
    await page.getByText('Cảm ơn bạn đã đánh giá.', { exact: true }).waitFor();
    await page.getByText('Bạn đã đánh giá: Hài lòng', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Gửi đánh giá', exact: true }).count(), 0, 'rated once');
  } finally {
    await context.close();
  }
});

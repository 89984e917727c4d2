// An electronic result in Chromium: the chairman approves a birth registration and signs its result; the citizen
// downloads the signed PDF from their dossier page and checks it on the public verify page, where a copy with one
// byte changed is refused. poppler's pdfsig checks the downloaded file independently.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { citizenSignIn } from '../src/testing/harness.ts';
import { approvedDossier, flipOneByte, pdfsig, workDir } from '../src/results/test-support.ts';
import { platformAndBrowser } from './browser.ts';

const e2e = platformAndBrowser();

/** The harness's citizen sign-in, with the session cookie it obtains kept for the e2e.browser. */
async function citizenSession(idNumber: string, fullName: string) {
  let cookie = '';
  // The platform itself, except that each injected request's citizen cookie is noted on the way.
  const recording: FastifyInstance = Object.assign(Object.create(e2e.platform.app), {
    inject: (opts: any) => {
      const sent = /congso_citizen=([^;]+)/.exec(String(opts.headers?.cookie ?? ''));
      if (sent) cookie = sent[1];
      return e2e.platform.app.inject(opts);
    },
  });
  const requester = await citizenSignIn(recording, idNumber, fullName);
  await requester({ url: '/api/v1/citizen/me' });
  assert.ok(cookie, 'the harness signed the citizen in');
  return { requester, cookie };
}

test('the chairman approves and signs; the citizen downloads the result and the public page verifies it', async () => {
  const citizen = await citizenSession('092190001234', 'Nguyễn Thị Ánh Tuyết');
  const id = await approvedDossier(e2e.platform.app, e2e.platform.db, citizen.requester, false);
  const leaderContext = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const citizenContext = await e2e.browser.newContext({ viewport: { width: 390, height: 800 }, acceptDownloads: true });
  const publicContext = await e2e.browser.newContext({ viewport: { width: 390, height: 800 } });
  try {
    // ---- the chairman of Phường Cái Khế ----
    const leader = await leaderContext.newPage();
    await leader.goto(e2e.platform.url + '/dang-nhap');
    await leader.getByLabel('Tên đăng nhập', { exact: true }).fill('caikhe.lanhdao');
    await leader.getByLabel('Mật khẩu', { exact: true }).fill('Congso@2026');
    await leader.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await leader.getByRole('button', { name: 'Đăng xuất', exact: true }).waitFor();
    await leader.goto(`${e2e.platform.url}/mot-cua/ho-so/${id}`);
    await leader.getByRole('button', { name: 'Phê duyệt kết quả', exact: true }).click();
    await leader.getByRole('button', { name: 'Xác nhận chuyển', exact: true }).click();
    const sign = leader.getByRole('button', { name: 'Ký số và phát hành kết quả', exact: true });
    await sign.click();
    await leader.getByText(/Đã ký số và phát hành GIẤY KHAI SINH số 01\/GKS-UBND\./).waitFor();
    const panel = leader.locator('section', { has: leader.getByRole('heading', { name: 'Kết quả giải quyết điện tử' }) });
    assert.match(await panel.innerText(), /Chủ tịch Chủ tịch UBND Phường Cái Khế/);
    const code = (await panel.getByRole('link', { name: /^[0-9A-F]{16}$/ }).innerText()).trim();

    // ---- the citizen, on a phone ----
    await citizenContext.addCookies([{ name: 'congso_citizen', value: citizen.cookie, url: e2e.platform.url }]);
    const mine = await citizenContext.newPage();
    await mine.goto(`${e2e.platform.url}/ho-so-cua-toi/${id}`);
    await mine.getByRole('heading', { name: 'Kết quả giải quyết', exact: true }).waitFor();
    const [download] = await Promise.all([mine.waitForEvent('download'), mine.getByRole('link', { name: 'Tải kết quả điện tử (PDF đã ký số)' }).click()]);
    const file = join(workDir(), download.suggestedFilename());
    await download.saveAs(file);
    const pdf = await readFile(file);
    const report = pdfsig(pdf);
    assert.equal(report.match(/Signature is Valid\./g)?.length, 2, report);
    assert.match(report, /Total document signed/);

    // ---- anyone: the public verify page, opened from the printed code ----
    const page = await publicContext.newPage();
    await page.goto(`${e2e.platform.url}/xac-minh/${code}`);
    await page.getByRole('heading', { name: `Văn bản có mã xác minh ${code}` }).waitFor();
    assert.match(await page.locator('main').innerText(), /01\/GKS-UBND/);
    await page.getByLabel('Tệp văn bản (PDF)').setInputFiles(file);
    await page.getByText('Văn bản hợp lệ.', { exact: true }).waitFor();
    const main = await page.locator('main').innerText();
    assert.match(main, /Chữ ký số thứ 1: Chủ tịch UBND Phường Cái Khế \(TEST\)/);
    assert.match(main, /Chữ ký số thứ 2: Ủy ban nhân dân Phường Cái Khế \(TEST\)/);
    assert.match(main, /congso TEST CA — không dùng cho giao dịch thật/);
    assert.match(main, /chứng thư số thử nghiệm/);

    const tampered = join(workDir(), 'da-sua.pdf');
    writeFileSync(tampered, flipOneByte(pdf));
    await page.getByLabel('Tệp văn bản (PDF)').setInputFiles(tampered);
    await page.getByText('Văn bản đã bị thay đổi.', { exact: true }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the verify page is ${overflow}px wider than the phone`);
  } finally {
    await leaderContext.close();
    await citizenContext.close();
    await publicContext.close();
  }
});

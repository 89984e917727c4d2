// The report form as XLSX: exported with the figures as they stand, filled offline, imported back; a malformed file
// (wrong sheet, text in a number cell, an unknown indicator) is refused whole with the cells named, and nothing changes.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import ExcelJS from 'exceljs';
import { eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { openDuePeriods } from './service.ts';

const upload = (bytes: Buffer) => {
  const boundary = '----bieumau';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bieu-mau.xlsx"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
};

eachDatabase('report forms as XLSX', { demo: true }, (ctx) => {
  let officer: Requester;
  let id: string;

  before(async () => {
    await openDuePeriods(ctx.db, '2026-08-15');
    officer = await signIn(ctx.app, 'phongdien.chuyenvien');
    [{ id }] = (await officer({ method: 'GET', url: '/api/v1/reports' })).json().items;
  });

  const exported = async () => {
    const res = await officer({ method: 'GET', url: `/api/v1/reports/${id}/xlsx` });
    assert.equal(res.statusCode, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    return wb;
  };
  const bytes = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer());
  const send = async (wb: ExcelJS.Workbook) => {
    const { payload, headers } = upload(await bytes(wb));
    return officer({ method: 'POST', url: `/api/v1/reports/${id}/xlsx`, payload, headers });
  };
  const report = async () => (await officer({ method: 'GET', url: `/api/v1/reports/${id}` })).json();
  const current = (r: { lines: { code: string; values: { current: number | null } }[] }, code: string) => r.lines.find((l) => l.code === code)!.values.current;

  test('export, fill, import: the typed figures land in the report, empty cells stay empty, ratios follow their parts', async () => {
    const wb = await exported();
    const ws = wb.getWorksheet('Biểu số liệu')!;
    assert.deepEqual((ws.getRow(4).values as unknown[]).slice(1), [
      'TT',
      'Mã chỉ tiêu',
      'Chỉ tiêu',
      'Đơn vị',
      'Thực hiện kỳ này',
      'Thực hiện kỳ trước',
      'Cùng kỳ năm trước',
      'Kế hoạch',
    ]);
    assert.equal(ws.getCell('B10').value, 'TTHC.INSPECTIONS');
    ws.getCell('E10').value = 3;
    ws.getCell('H10').value = 4;
    ws.getCell('E11').value = 8; // phản ánh tiếp nhận
    ws.getCell('E12').value = 6; // đã xử lý
    const res = await send(wb);
    assert.equal(res.statusCode, 204, res.body);
    const r = await report();
    assert.equal(current(r, 'TTHC.INSPECTIONS'), 3);
    assert.equal(r.lines.find((l: { code: string }) => l.code === 'TTHC.INSPECTIONS').values.plan, 4);
    assert.equal(current(r, 'TTHC.COMPLAINTS_SHARE'), 75);
    assert.deepEqual(r.checks.errors, []);
    // The export carries what was imported.
    assert.equal((await exported()).getWorksheet('Biểu số liệu')!.getCell('E12').value, 6);
  });

  test('a malformed file is refused whole, its cells named, and nothing is written', async () => {
    const before = await report();
    const wrongSheet = await exported();
    wrongSheet.getWorksheet('Biểu số liệu')!.name = 'Sheet1';
    let res = await send(wrongSheet);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'XLSX_WRONG_SHEET');

    const bad = await exported();
    const ws = bad.getWorksheet('Biểu số liệu')!;
    ws.getCell('E10').value = 9; // a good cell in a bad file is not written either
    ws.getCell('E11').value = 'mười';
    ws.getCell('B13').value = 'KHONG.CO';
    res = await send(bad);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'XLSX_INVALID');
    assert.deepEqual(
      res.json().details.problems.map((p: { cell: string }) => p.cell),
      ['E11', 'B13'],
    );
    assert.match(res.json().message, /ô E11/);

    res = await officer({
      method: 'POST',
      url: `/api/v1/reports/${id}/xlsx`,
      ...upload(Buffer.from('not a workbook')),
    });
    assert.equal(res.json().code, 'XLSX_UNREADABLE');
    const after = await report();
    assert.equal(after.revision, before.revision);
    assert.equal(current(after, 'TTHC.INSPECTIONS'), 3);
  });

  test('another commune cannot import into this report (unknown to it)', async () => {
    const other = await signIn(ctx.app, 'cairang.chuyenvien');
    const res = await other({ method: 'POST', url: `/api/v1/reports/${id}/xlsx`, ...upload(await bytes(await exported())) });
    assert.equal(res.statusCode, 404);
  });
});

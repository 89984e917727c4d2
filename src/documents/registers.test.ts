// The registers of Phụ lục IV (Decree 30/2020) for a period: the PDF read back with pdftotext shows the Vietnamese
// headings and a document's trích yếu with its diacritics, the XLSX read back with exceljs has the columns and rows,
// only the period's documents are listed, the secret series is a book of its own whose trích yếu only the people named
// on it see, and another agency's register is not found.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import ExcelJS from 'exceljs';
import { agencyIds, eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { insertIncoming, insertOutgoing } from './testkit.ts';

const DECISION = 'Về việc phê duyệt Kế hoạch cải cách hành chính năm 2026 của Sở Tư pháp thành phố Cần Thơ';
const SECRET = 'Về công tác bảo vệ bí mật nhà nước quý I';
// Phụ lục IV's columns, in order, as the research notes list them (shared/research/next-wave.md §4.1).
const OUTGOING = [
  'Số, ký hiệu văn bản',
  'Ngày tháng văn bản',
  'Tên loại và trích yếu nội dung văn bản',
  'Người ký',
  'Nơi nhận văn bản',
  'Đơn vị, người nhận bản lưu',
  'Số lượng bản',
  'Ngày chuyển',
  'Ký nhận',
  'Ghi chú',
];
const INCOMING = [
  'Ngày đến',
  'Số đến',
  'Tác giả',
  'Số, ký hiệu văn bản',
  'Ngày tháng văn bản',
  'Tên loại và trích yếu nội dung văn bản',
  'Đơn vị hoặc người nhận',
  'Ngày chuyển',
  'Ký nhận',
  'Ghi chú',
];
const FOLLOW_UP = [
  'Số đến',
  'Tên loại, số, ký hiệu, ngày tháng văn bản và cơ quan ban hành',
  'Đơn vị hoặc người nhận',
  'Thời hạn giải quyết',
  'Tiến độ giải quyết',
  'Số, ký hiệu văn bản trả lời',
  'Ghi chú',
];
const LETTER = 'Về việc góp ý dự thảo Nghị quyết của Hội đồng nhân dân thành phố';

/** pdftotext -layout of a PDF, with each run of spaces made one (a wrapped cell's words stay in order in its column). */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'so-van-ban-'));
  try {
    writeFileSync(join(dir, 'so.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', join(dir, 'so.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where `text` reads in one column of the -layout output: the start of the narrowest character range whose slices of
 * the lines, joined, contain it (a wrapped cell's words stay in order in its column; neighbours would break it); -1 when none.
 */
function columnOf(text: string, wanted: string): number {
  const lines = text.split('\n');
  const width = Math.max(...lines.map((l) => l.length));
  let best = { at: -1, width: Number.POSITIVE_INFINITY };
  for (let a = 0; a < width; a++) {
    for (let b = a + 1; b <= Math.min(width, a + 60) && b - a < best.width; b++) {
      const col = lines
        .map((l) => l.slice(a, b).trim())
        .filter(Boolean)
        .join(' ');
      if (col.includes(wanted)) {
        best = { at: a, width: b - a };
        break;
      }
    }
  }
  return best.at;
}

/** Each heading reads in a column of its own, left to right in the given order. */
function assertHeadings(text: string, headings: readonly string[]) {
  const header = text.slice(0, text.search(/\n\s*\d{2}[/ ]/));
  const at = headings.map((h) => columnOf(header, h));
  assert.ok(!at.includes(-1), `${headings.filter((_, i) => at[i] === -1).join(' | ')}\n${header}`);
  assert.deepEqual(
    [...at].sort((x, y) => x - y),
    at,
  );
}

async function readXlsx(body: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as never);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (c) => cells.push(c.value === null || c.value === undefined ? '' : String(c.value)));
    rows.push(cells);
  });
  return rows;
}

eachDatabase('registers of documents (Phụ lục IV)', { demo: true }, (ctx) => {
  const who = {} as Record<string, Requester>;
  let ids: Record<string, string>;
  let users: Record<string, string>;

  before(async () => {
    for (const u of ['stp.vanthu', 'stp.lanhdao', 'stp.quantri', 'stp.chuyenvien', 'snnmt.vanthu', 'lanhdao.ubnd']) who[u] = await signIn(ctx.app, u);
    ids = await agencyIds(ctx.db);
    users = Object.fromEntries((await ctx.db.query('SELECT id, username FROM users')).map((r) => [r.username, r.id]));
    const stp = { agencyId: ids['H13.11'], unitId: ids['H13.11.1'], signerId: users['stp.lanhdao'] };
    await insertOutgoing(ctx.db, {
      ...stp,
      number: 1,
      notation: 'QĐ-STP',
      subject: DECISION,
      issuedAt: '2026-03-10T09:00:00+07:00',
      recipients: [ids['H13.14']],
      outside: ['Bộ Tư pháp'],
    });
    await insertOutgoing(ctx.db, { ...stp, number: 2, notation: 'QĐ-STP', subject: 'Quyết định tháng Tư', issuedAt: '2026-04-02T09:00:00+07:00' });
    await insertOutgoing(ctx.db, {
      ...stp,
      number: 1,
      notation: 'KH-STP',
      typeCode: 'ke_hoach',
      book: 'outgoing_secret',
      secrecy: 'mat',
      readers: [users['stp.lanhdao']],
      subject: SECRET,
      issuedAt: '2026-03-12T09:00:00+07:00',
    });
    await insertIncoming(ctx.db, {
      agencyId: ids['H13.11'],
      number: 7,
      subject: LETTER,
      registeredAt: '2026-03-05T08:30:00+07:00',
      fromName: 'Văn phòng Hội đồng nhân dân thành phố',
      sourceNotation: '45/VP-HĐND',
      sourceDate: '2026-03-03',
      leadUnitId: ids['H13.11.1'],
      dueAt: '2026-03-12T17:00:00+07:00',
      closedAt: '2026-03-11T10:00:00+07:00',
    });
    await insertIncoming(ctx.db, { agencyId: ids['H13.11'], number: 8, subject: 'Công văn tháng Tư', registeredAt: '2026-04-01T08:30:00+07:00' });
  });

  const get = async (u: string, url: string, status = 200) => {
    const r = await who[u]({ url });
    assert.equal(r.statusCode, status, r.body);
    return r;
  };
  const march = 'from=2026-03-01&to=2026-03-31';

  test('the outgoing register as an A4 landscape PDF: Vietnamese headings, số ký hiệu, trích yếu with diacritics, recipients, only March', async () => {
    const r = await get('stp.vanthu', `/api/v1/documents/registers/outgoing?${march}&format=pdf`);
    assert.equal(r.headers['content-type'], 'application/pdf');
    const pdf = r.rawPayload;
    assert.match(execFileSync('pdfinfo', ['-'], { input: pdf, encoding: 'utf8' }), /Page size:\s+841\.89 x 595\.28 pts/);
    const fonts = execFileSync('pdffonts', ['-'], { input: pdf, encoding: 'utf8' });
    assert.match(fonts, /LiberationSerif.*TrueType.*Identity-H\s+yes/);
    const text = pdfText(pdf);
    assert.match(text, /SỞ TƯ PHÁP/);
    assert.match(text, /SỔ ĐĂNG KÝ VĂN BẢN ĐI/);
    assert.match(text, /Từ ngày 01\/03\/2026 đến ngày 31\/03\/2026/);
    assertHeadings(text, OUTGOING);
    assert.notEqual(columnOf(text, `Quyết định: ${DECISION}`), -1, text);
    const flat = text.replace(/\s+/g, ' ');
    assert.match(flat, /01\/QĐ-STP/);
    assert.match(flat, /10\/03\/2026/);
    assert.notEqual(columnOf(text, 'Đặng Thị Kim Oanh'), -1, text);
    assert.notEqual(columnOf(text, 'Bộ Tư pháp; Sở Nông nghiệp và Môi trường'), -1, text);
    assert.doesNotMatch(flat, /tháng Tư|02\/QĐ-STP/);
    // The secret series is not in this book.
    assert.doesNotMatch(flat, /KH-STP|bí mật/);
  });

  test('the outgoing register as XLSX: title, period, the ten columns in order, one row per document', async () => {
    const r = await get('stp.lanhdao', `/api/v1/documents/registers/outgoing?${march}&format=xlsx`);
    const rows = await readXlsx(r.rawPayload);
    assert.equal(rows[0][0], 'SỔ ĐĂNG KÝ VĂN BẢN ĐI');
    assert.equal(rows[1][0], 'Sở Tư pháp — Từ ngày 01/03/2026 đến ngày 31/03/2026');
    assert.deepEqual(rows[2], OUTGOING);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[3], [
      '01/QĐ-STP',
      '10/03/2026',
      `Quyết định: ${DECISION}`,
      'Đặng Thị Kim Oanh',
      'Bộ Tư pháp; Sở Nông nghiệp và Môi trường',
      'Văn thư; Phòng Hành chính tư pháp',
      '2',
      '10/03/2026',
      '',
      '',
    ]);
  });

  test('the incoming register and the follow-up register: the period’s documents, who handles them, the deadline and the outcome', async () => {
    const incoming = await readXlsx((await get('stp.vanthu', `/api/v1/documents/registers/incoming?${march}&format=xlsx`)).rawPayload);
    assert.equal(incoming[0][0], 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN');
    assert.deepEqual(incoming[2], INCOMING);
    assert.deepEqual(incoming.slice(3), [
      [
        '05/03/2026',
        '07',
        'Văn phòng Hội đồng nhân dân thành phố',
        '45/VP-HĐND',
        '03/03/2026',
        `Công văn: ${LETTER}`,
        'Phòng Hành chính tư pháp (chủ trì)',
        '05/03/2026',
        '',
        'Văn bản giấy',
      ],
    ]);
    const text = pdfText((await get('stp.vanthu', `/api/v1/documents/registers/incoming?${march}&format=pdf`)).rawPayload);
    assertHeadings(text, INCOMING);
    assert.notEqual(columnOf(text, `Công văn: ${LETTER}`), -1, text);
    assert.notEqual(columnOf(text, 'Văn phòng Hội đồng nhân dân thành phố'), -1, text);
    assert.doesNotMatch(text, /Công văn tháng Tư/);

    const followUp = await readXlsx((await get('stp.vanthu', `/api/v1/documents/registers/follow_up?${march}&format=xlsx`)).rawPayload);
    assert.equal(followUp[0][0], 'SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN');
    assert.deepEqual(followUp[2], FOLLOW_UP);
    assertHeadings(pdfText((await get('stp.vanthu', `/api/v1/documents/registers/follow_up?${march}&format=pdf`)).rawPayload), FOLLOW_UP);
    assert.deepEqual(followUp.slice(3), [
      [
        '07',
        'Công văn số 45/VP-HĐND ngày 03/03/2026 của Văn phòng Hội đồng nhân dân thành phố',
        'Phòng Hành chính tư pháp (chủ trì)',
        '12/03/2026',
        'Hoàn thành ngày 11/03/2026 (đúng hạn)',
        '',
        'Văn bản giấy',
      ],
    ]);
  });

  test('secret documents: their own book; the trích yếu only for the people named on it', async () => {
    const named = await readXlsx((await get('stp.lanhdao', `/api/v1/documents/registers/outgoing_secret?${march}&format=xlsx`)).rawPayload);
    assert.equal(named[0][0], 'SỔ ĐĂNG KÝ VĂN BẢN ĐI (MẬT)');
    assert.deepEqual(
      named.slice(3).map((r) => [r[0], r[2], r[9]]),
      [['01/KH-STP', `Kế hoạch: ${SECRET}`, 'Mật']],
    );
    const clerk = await readXlsx((await get('stp.vanthu', `/api/v1/documents/registers/outgoing_secret?${march}&format=xlsx`)).rawPayload);
    assert.equal(clerk.length, 4);
    assert.equal(clerk[3][0], '01/KH-STP');
    assert.ok(!clerk[3][2].includes('bí mật') && clerk[3][2].startsWith('Kế hoạch: (Văn bản mật'), clerk[3][2]);
    const pdf = pdfText((await get('stp.quantri', `/api/v1/documents/registers/outgoing_secret?${march}&format=pdf`)).rawPayload);
    assert.doesNotMatch(pdf, /bí mật nhà nước/);
  });

  test('scope: another agency’s register is not found, like an unknown one; the province’s leader prints a department’s; a specialist may not print', async () => {
    const other = await get('snnmt.vanthu', `/api/v1/documents/registers/outgoing?${march}&agencyId=${ids['H13.11']}`, 404);
    const unknown = await get('snnmt.vanthu', `/api/v1/documents/registers/outgoing?${march}&agencyId=00000000-0000-4000-8000-000000000000`, 404);
    assert.deepEqual(other.json(), unknown.json());
    // A unit's documents are in its organisation's register.
    await get('stp.vanthu', `/api/v1/documents/registers/outgoing?${march}&agencyId=${ids['H13.11.1']}`, 404);
    const province = await readXlsx(
      (await get('lanhdao.ubnd', `/api/v1/documents/registers/outgoing?${march}&agencyId=${ids['H13.11']}&format=xlsx`)).rawPayload,
    );
    assert.equal(province[3][0], '01/QĐ-STP');
    // Sở Nông nghiệp's own register (its văn thư sits in a unit of it) has none of these.
    assert.equal((await readXlsx((await get('snnmt.vanthu', `/api/v1/documents/registers/outgoing?${march}&format=xlsx`)).rawPayload)).length, 3);
    assert.equal((await get('stp.chuyenvien', `/api/v1/documents/registers/outgoing?${march}`, 403)).json().code, 'FORBIDDEN');
    assert.equal((await get('stp.vanthu', '/api/v1/documents/registers/outgoing?from=2026-03-31&to=2026-03-01', 400)).json().code, 'INVALID_PERIOD');
    await get('stp.vanthu', `/api/v1/documents/registers/drafts?${march}`, 400);
  });
});

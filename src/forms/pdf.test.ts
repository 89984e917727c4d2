// Renders every printed one-stop form and checks it with independent tools (poppler-utils, zbar-tools).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORM_TITLES, renderForm } from './pdf.ts';
import { vnDate, vnDateTime } from './format.ts';
import type { FormComponent, FormData, FormKind } from './types.ts';

const KINDS: FormKind[] = ['receipt', 'supplement', 'refusal', 'apology', 'stop', 'control'];
const TOOLS: Record<string, string> = {
  pdftotext: 'poppler-utils',
  pdftoppm: 'poppler-utils',
  pdffonts: 'poppler-utils',
  pdfinfo: 'poppler-utils',
  zbarimg: 'zbar-tools',
};

/** Runs an external checker; a missing tool fails the test with the package to install. */
function run(tool: string, args: string[]): string {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} is not installed: run \`apt-get install -y ${TOOLS[tool]}\``);
  }
  assert.equal(r.status, 0, `${tool} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const PAPERS = [
  'Tờ khai đăng ký khai sinh theo mẫu',
  'Giấy chứng sinh',
  'Căn cước của người đi đăng ký khai sinh',
  'Giấy chứng nhận kết hôn của cha, mẹ trẻ',
  'Văn bản ủy quyền có chứng thực',
  'Giấy tờ chứng minh nơi cư trú',
  'Biên bản xác nhận việc trẻ bị bỏ rơi',
  'Văn bản xác nhận của cơ sở y tế về việc sinh',
  'Giấy tờ chứng minh quan hệ cha, con',
  'Bản dịch có chứng thực giấy tờ do nước ngoài cấp',
];
const THIRTY: FormComponent[] = Array.from({ length: 30 }, (_, i) => ({
  name: `${PAPERS[i % PAPERS.length]}${i >= PAPERS.length ? ` (bộ ${Math.floor(i / PAPERS.length) + 1})` : ''}`,
  originals: i % 3 === 2 ? 0 : 1,
  copies: i % 3 === 2 ? 1 : 0,
  digitised: i % 4 === 1,
}));

const LOOKUP = 'https://dichvucong.cantho.gov.vn/tra-cuu-ho-so?ma=000.00.13.H13-261122-0007';
const LONG_REASON =
  'Tờ khai ghi sai ngày sinh của trẻ so với Giấy chứng sinh; đề nghị Ông/Bà kê khai lại tờ khai đăng ký khai sinh theo đúng nội dung ghi trên Giấy chứng sinh do Bệnh viện Phụ sản thành phố Cần Thơ cấp, ký và ghi rõ họ tên người đi đăng ký';

function sample(kind: FormKind, over: Partial<FormData> = {}): FormData {
  return {
    kind,
    authority: 'Ủy ban nhân dân thành phố Cần Thơ',
    unit: 'Ủy ban nhân dân Phường Ninh Kiều',
    place: 'Cần Thơ',
    // 18:30 UTC on the 21st is already 01:30 on the 22nd in Vietnam.
    issuedAt: new Date('2026-11-21T18:30:00Z'),
    dossierCode: '000.00.13.H13-261122-0007',
    procedureName: 'Đăng ký khai sinh',
    applicant: {
      name: 'Nguyễn Thị Ánh Tuyết',
      idNumber: '092186004321',
      address: 'Số 12, đường Hòa Bình, Phường Ninh Kiều, thành phố Cần Thơ',
      phone: '0939 123 456',
      email: 'anhtuyet@example.vn',
    },
    receivedAt: new Date('2026-11-22T01:30:00Z'),
    dueAt: new Date('2026-11-24T09:00:00Z'),
    components: [
      { name: 'Tờ khai đăng ký khai sinh theo mẫu', originals: 1, copies: 0 },
      { name: 'Giấy chứng sinh', originals: 1, copies: 0, digitised: true },
      { name: 'Căn cước của người đi đăng ký khai sinh', originals: 0, copies: 1, digitised: true },
      { name: 'Văn bản ủy quyền được chứng thực', originals: 0, copies: 1, electronic: true },
    ],
    processingTime: '01 ngày làm việc',
    resultPlace: 'Bộ phận Tiếp nhận và Trả kết quả — Ủy ban nhân dân Phường Ninh Kiều',
    bookNumber: '000.00.13.H13-261122-0007',
    contact: { name: 'Trần Văn Bình', phone: '0292 381 0042' },
    reasons: ['Bổ sung bản chính Giấy chứng sinh do cơ sở y tế cấp', LONG_REASON],
    newDueAt: new Date('2026-11-26T08:00:00Z'),
    entries: [
      {
        at: new Date('2026-11-22T01:30:00Z'),
        from: 'Trần Văn Bình — Bộ phận Một cửa',
        to: 'Lê Thị Hồng — Công chức Tư pháp - Hộ tịch',
        action: 'Chuyển xử lý',
        result: 'early',
      },
      {
        at: new Date('2026-11-23T02:15:00Z'),
        from: 'Lê Thị Hồng — Công chức Tư pháp - Hộ tịch',
        to: 'Phạm Quốc Dũng — Chủ tịch UBND phường',
        action: 'Trình ký',
        result: 'on_time',
      },
      {
        at: new Date('2026-11-25T03:00:00Z'),
        from: 'Phạm Quốc Dũng — Chủ tịch UBND phường',
        to: 'Trần Văn Bình — Bộ phận Một cửa',
        action: 'Trả kết quả',
        result: 'late',
        note: 'Chờ xác minh nơi cư trú',
      },
    ],
    officerName: 'Trần Văn Bình',
    lookupUrl: LOOKUP,
    ...over,
  };
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'congso-forms-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function render(name: string, data: FormData): Promise<{ file: string; bytes: Uint8Array }> {
  const bytes = await renderForm(data);
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, bytes);
  return { file, bytes };
}

const text = (file: string): string => run('pdftotext', ['-layout', file, '-']).normalize('NFC');
const pageCount = (file: string): number => Number(/^Pages:\s+(\d+)/m.exec(run('pdfinfo', [file]))?.[1]);

test('Vietnamese date wording uses Vietnam time and Decree 30 leading zeros', () => {
  assert.equal(vnDate(new Date('2026-11-21T18:30:00Z')), 'ngày 22 tháng 11 năm 2026');
  assert.equal(vnDate(new Date('2020-03-05T03:00:00Z')), 'ngày 05 tháng 3 năm 2020');
  assert.equal(vnDate(new Date('2021-02-01T03:00:00Z')), 'ngày 01 tháng 02 năm 2021');
  assert.equal(vnDateTime(new Date('2026-11-22T01:30:00Z')), '08 giờ 30 phút, ngày 22 tháng 11 năm 2026');
});

for (const kind of KINDS) {
  test(`${kind}: A4 PDF with the form's Vietnamese text, embedded fonts and a lookup QR code`, async () => {
    const { file, bytes } = await render(kind, sample(kind));
    assert.equal(Buffer.from(bytes.subarray(0, 5)).toString(), '%PDF-');
    assert.match(run('pdfinfo', [file]), /Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)/);

    const t = text(file);
    for (const s of [
      FORM_TITLES[kind],
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'PHƯỜNG NINH KIỀU',
      'Cần Thơ, ngày 22 tháng 11 năm 2026',
      'Mã hồ sơ: 000.00.13.H13-261122-0007',
      'Nguyễn Thị Ánh Tuyết',
      'Đăng ký khai sinh',
      '08 giờ 30 phút, ngày 22 tháng 11 năm 2026',
      'NGƯỜI TIẾP NHẬN',
      '(Ký và ghi rõ họ tên)',
      'Trần Văn Bình',
      'Tra cứu hồ sơ',
    ]) {
      assert.ok(t.includes(s), `${kind}: missing "${s}" in:\n${t}`);
    }

    const expected: Record<FormKind, string[]> = {
      receipt: [
        'Giấy chứng sinh (đã số hóa)',
        'Bản chính',
        'Bản sao',
        'Văn bản ủy quyền được chứng thực (bản điện tử)',
        'STT',
        '16 giờ 00 phút, ngày 24 tháng 11 năm 2026',
        'NGƯỜI NỘP HỒ SƠ',
        'Thời gian giải quyết hồ sơ theo quy định: 01 ngày làm việc',
        'Nơi trả kết quả: Bộ phận Tiếp nhận và Trả kết quả',
        'Vào Sổ theo dõi hồ sơ, số: 000.00.13.H13-261122-0007',
      ],
      supplement: [
        'Giấy chứng sinh (đã số hóa)',
        'bổ sung, hoàn thiện hồ sơ',
        '1. Bổ sung bản chính Giấy chứng sinh do cơ sở y tế cấp',
        'Trần Văn Bình, số điện thoại 0292 381 0042',
      ],
      refusal: ['Giấy chứng sinh (đã số hóa)', 'từ chối tiếp nhận', '1. Bổ sung bản chính Giấy chứng sinh do cơ sở y tế cấp'],
      apology: ['Kính gửi: Ông/Bà Nguyễn Thị Ánh Tuyết', 'Số định danh cá nhân/tổ chức: 092186004321', '15 giờ 00 phút, ngày 26 tháng 11 năm 2026', 'xin lỗi'],
      stop: [
        'Kính gửi: Ông/Bà Nguyễn Thị Ánh Tuyết',
        'Số định danh cá nhân/tổ chức: 092186004321',
        'dừng giải quyết hồ sơ',
        '1. Bổ sung bản chính Giấy chứng sinh do cơ sở y tế cấp',
      ],
      control: ['Trước hạn', 'Đúng hạn', 'Quá hạn', 'Bên nhận', 'Ghi chú', 'Phạm Quốc Dũng', 'Trình ký'],
    };
    const flat = t.replace(/\s+/g, ' ');
    for (const s of expected[kind]) assert.ok(flat.includes(s), `${kind}: missing "${s}" in:\n${t}`);
    if (kind === 'control') {
      // Each result label appears once in the column heading and once in its row.
      for (const s of ['Trước hạn', 'Đúng hạn', 'Quá hạn']) assert.equal(t.split(s).length - 1, 2, s);
    }

    const fonts = run('pdffonts', [file])
      .split('\n')
      .slice(2)
      .filter((l) => l.trim());
    assert.equal(fonts.length, 3, `expected regular, bold and italic fonts:\n${fonts.join('\n')}`);
    for (const line of fonts) {
      // columns: name type… encoding emb sub uni object ID
      const [emb, sub] = line.trim().split(/\s+/).slice(-5, -3);
      assert.match(line, /^LiberationSerif/);
      assert.equal(emb, 'yes', `font not embedded: ${line}`);
      assert.equal(sub, 'no', `font subset: ${line}`);
    }

    const png = join(dir, `${kind}-qr`);
    run('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', file, png]);
    assert.equal(run('zbarimg', ['--raw', '-q', `${png}.png`]).trim(), LOOKUP);
  });
}

test("Mẫu 04 carries its number in the national header and the signature of the handling agency's head", async () => {
  const { file } = await render(
    'apology-signed',
    sample('apology', {
      authority: 'Ủy ban nhân dân thành phố Cần Thơ',
      unit: 'Sở Xây dựng',
      number: 'Số: 07/PXL',
      signer: { title: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT HỒ SƠ', note: '(Ký, ghi rõ họ tên và đóng dấu)', name: 'Lê Hoàng Minh' },
    }),
  );
  const t = text(file).replace(/\s+/g, ' ');
  for (const s of ['SỞ XÂY DỰNG', 'Số: 07/PXL', 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT HỒ SƠ', 'Lê Hoàng Minh'])
    assert.ok(t.includes(s), `missing "${s}" in:\n${t}`);
  assert.ok(!t.includes('NGƯỜI TIẾP NHẬN'), 'the receiving officer does not sign the apology');
});

test('long component lists continue on a new page and repeat the table heading', async () => {
  const { file } = await render('paged', sample('receipt', { components: THIRTY }));
  assert.ok(pageCount(file) >= 2, 'a 30-item list should need a second page');
  const t = text(file);
  const pages = t.split('\f').filter((p) => p.trim());
  assert.ok(pages[0].includes('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ'));
  assert.ok(pages[1].includes('Tên giấy tờ'), 'table heading repeated on page 2');
  assert.ok(t.includes(`Trang 1/${pages.length}`));
  for (const c of THIRTY) assert.ok(t.includes(c.name), `missing component "${c.name}"`);
  assert.ok(pages[pages.length - 1].includes('NGƯỜI TIẾP NHẬN'), 'signature block on the last page');
  const png = join(dir, 'paged-qr');
  run('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', file, png]);
  assert.equal(run('zbarimg', ['--raw', '-q', `${png}.png`]).trim(), LOOKUP);
});

test('text is drawn in NFC and wraps inside the right margin', async () => {
  const nfd = (s: string) => s.normalize('NFD');
  const { file } = await render(
    'nfd',
    sample('refusal', {
      applicant: { name: nfd('Nguyễn Thị Ánh Tuyết'), address: nfd('Số 12, đường Hòa Bình, Phường Ninh Kiều') },
      procedureName: nfd('Đăng ký khai sinh'),
      reasons: [nfd(LONG_REASON), nfd(LONG_REASON)],
    }),
  );
  // Raw extraction (not normalised here) already carries precomposed letters.
  const raw = run('pdftotext', ['-layout', file, '-']);
  assert.ok(raw.includes('Nguyễn Thị Ánh Tuyết'.normalize('NFC')));
  assert.ok(raw.includes('Đăng ký khai sinh'.normalize('NFC')));

  const rightEdge = 595.28 - 15 * (72 / 25.4); // A4 width less the 15 mm right margin
  const words = [...run('pdftotext', ['-bbox', file, '-']).matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(words.length > 100);
  assert.ok(Math.max(...words) <= rightEdge + 0.5, `text runs past the right margin: ${Math.max(...words)} > ${rightEdge}`);
});

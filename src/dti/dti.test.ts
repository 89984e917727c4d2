// DTI self-assessment: the 2022 catalogue (Decision 922's structure) loaded from its data file scores a sample
// province exactly as the formulas say — expectations computed by hand below —, the 2025 one (405/QĐ-BKHCN) loads too,
// the platform-measured components show the operations centre's figures, the what-if view changes nothing, and only
// the owner agency writes a component's value and evidence.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { generateDossiers } from '../stats/generate.ts';
import { agencyIds, eachDatabase, type Requester, signIn } from '../testing/harness.ts';
import { builtinCatalogue } from './service.ts';
import { checkCatalogue, scoreComponent } from './scoring.ts';

// The sample province's self-assessed values for 2022 and, beside each, the arithmetic of its points.
const SAMPLE: Record<string, number | boolean | { numerator: number; denominator: number }> = {
  '1.1': 3, // steps 4→40, 3→30, 2→20, 1→10: 3 meetings reach the "3" step → 30
  '1.2': { numerator: 18, denominator: 24 }, // ratio: 18/24 = 0.75; 30 × 0.75 = 22.5
  '1.3': true, // yes/no: yes → the full 30
  '2.1': false, // yes/no: no → 0
  '2.2': 2, // steps 5→60, 3→40, 1→20: 2 documents reach only the "1" step → 20
  '3.1': { numerator: 450000, denominator: 600000 }, // 0.75 × 50 = 37.5
  '3.2': { numerator: 980, denominator: 1000 }, // 0.98 × 50 = 49
  '4.1': { numerator: 1200, denominator: 1500 }, // 0.8 × 60 = 48
  '4.2': true, // 40
  '5.1': { numerator: 30, denominator: 40 }, // 0.75 × 60 = 45
  '5.2': 0, // steps 2→40, 1→20: 0 drills is below the lowest step → 0
  '8.1': { numerator: 15, denominator: 100 }, // ratio against a 20% target: 0.15 / 0.2 = 0.75; 100 × 0.75 = 75
  // 8.2 (yes/no, 50) left without a value: missing, shown as such and counted 0
  '9.1': { numerator: 700, denominator: 1000 }, // 0.7 × 100 = 70
  '9.2': { numerator: 30, denominator: 80 }, // 0.375 × 50 = 18.75
};
// Main indicators: 1 = 30 + 22.5 + 30 = 82.5; 2 = 0 + 20 = 20; 3 = 37.5 + 49 = 86.5; 4 = 48 + 40 = 88; 5 = 45 + 0 = 45;
// 6 = not scored (0 of 0); 7 = the four platform-measured ratios, none in 2022 (no dossiers) → 0, 4 missing;
// 8 = 75 + missing = 75; 9 = 70 + 18.75 = 88.75.
// Group I = 82.5 + 20 + 86.5 + 88 + 45 = 322 of 500 (index 0.644); group II = 0 + 75 + 88.75 = 163.75 of 500;
// total = 322 + 163.75 = 485.75 of 1000, with 5 components missing (7.1–7.4 and 8.2).
const EXPECTED_INDICATORS: Record<string, number> = { '1': 82.5, '2': 20, '3': 86.5, '4': 88, '5': 45, '6': 0, '7': 0, '8': 75, '9': 88.75 };

test('a step, a ratio against a target and a yes/no component score as their formulas say, with the arithmetic shown', () => {
  const c2022 = builtinCatalogue(2022);
  checkCatalogue(c2022);
  const comp = (code: string) => c2022.pillars.flatMap((p) => p.indicators.flatMap((i) => i.components)).find((x) => x.code === code)!;
  assert.deepEqual(
    [scoreComponent(comp('1.1'), 4).points, scoreComponent(comp('1.1'), 3).points, scoreComponent(comp('1.1'), 0.5).points],
    [40, 30, 0], // at least 4 → 40; 3 → 30; below 1 → 0
  );
  const ratio = scoreComponent(comp('8.1'), { numerator: 25, denominator: 100 }); // 0.25 / 0.2 = 1.25, capped at 1 → 100
  assert.equal(ratio.points, 100);
  assert.match(ratio.formula, /25\/100 = 25%.*mục tiêu 20%.*100 × min\(1; 1,25\) = 100 điểm/);
  assert.equal(scoreComponent(comp('1.3'), false).points, 0);
  assert.equal(scoreComponent(comp('1.3'), null).points, null);
  // A catalogue whose components do not add up to their indicator is refused, naming it.
  const broken = structuredClone(c2022);
  broken.pillars[0].indicators[0].components[0].maxPoints = 45;
  assert.throws(() => checkCatalogue(broken), /Chỉ số 1: tổng điểm các thành phần \(105\) khác điểm tối đa của chỉ số \(100\)/);
  checkCatalogue(builtinCatalogue(2025));
});

eachDatabase('DTI self-assessment', { demo: true }, (ctx) => {
  let admin: Requester;
  let stp: Requester;
  let sxd: Requester;
  let ids: Record<string, string>;
  before(async () => {
    admin = await signIn(ctx.app, 'admin');
    stp = await signIn(ctx.app, 'stp.chuyenvien');
    sxd = await signIn(ctx.app, 'sxd.chuyenvien');
    ids = await agencyIds(ctx.db);
  });

  test('the 2022 catalogue loads from its data file and scores the sample province as computed by hand', async () => {
    assert.equal((await stp({ method: 'POST', url: '/api/v1/dti/catalogues', payload: { builtin: 2022 } })).statusCode, 403);
    const load = await admin({ method: 'POST', url: '/api/v1/dti/catalogues', payload: { builtin: 2022 } });
    assert.equal(load.statusCode, 201, load.body);
    assert.deepEqual(load.json(), { year: 2022, components: 19 });
    for (const code of Object.keys(SAMPLE))
      assert.equal((await admin({ method: 'PUT', url: `/api/v1/dti/2022/components/${code}/owner`, payload: { agencyId: ids['H13.11'] } })).statusCode, 204);
    for (const [code, value] of Object.entries(SAMPLE)) {
      const res = await stp({ method: 'PUT', url: `/api/v1/dti/2022/components/${code}/value`, payload: { value } });
      assert.equal(res.statusCode, 204, `${code}: ${res.body}`);
    }
    const a = (await stp({ url: '/api/v1/dti/2022' })).json();
    assert.equal(a.decision, '922/QĐ-BTTTT');
    assert.equal(a.points, 485.75);
    assert.equal(a.maxPoints, 1000);
    assert.equal(a.missing, 5);
    const [groupI, groupII] = a.pillars;
    assert.deepEqual([groupI.points, groupI.maxPoints, groupI.index], [322, 500, 0.644]);
    assert.deepEqual([groupII.points, groupII.maxPoints], [163.75, 500]);
    const indicators = Object.fromEntries(a.pillars.flatMap((p: any) => p.indicators.map((i: any) => [i.code, i.points])));
    assert.deepEqual(indicators, EXPECTED_INDICATORS);
    const components = new Map<string, any>(a.pillars.flatMap((p: any) => p.indicators.flatMap((i: any) => i.components.map((c: any) => [c.code, c]))));
    assert.equal(components.get('1.2').formula, 'Tỷ lệ: 18/24 = 75%; 30 × min(1; 0,75) = 22,5 điểm.');
    assert.equal(components.get('2.2').formula, 'Bậc thang: 2 văn bản ≥ 1 → 20 điểm.');
    assert.equal(components.get('8.2').points, null);
    assert.equal(components.get('7.1').auto, true);
    assert.equal(components.get('7.1').editable, false);
    assert.equal(components.get('1.1').owner.name, 'Sở Tư pháp');
  });

  test('what-if scores changed values without saving them', async () => {
    // 5.2: 2 drills → 40 (+40); 8.1: 25/100 against 20% → 100 (+25); total 485.75 + 40 + 25 = 550.75.
    const res = await stp({ method: 'POST', url: '/api/v1/dti/2022/what-if', payload: { values: { '5.2': 2, '8.1': { numerator: 25, denominator: 100 } } } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().points, 550.75);
    assert.equal((await stp({ url: '/api/v1/dti/2022' })).json().points, 485.75);
  });

  test('only the owner agency writes values and evidence; wrong kinds and platform-measured components are refused', async () => {
    assert.equal((await sxd({ method: 'PUT', url: '/api/v1/dti/2022/components/1.1/value', payload: { value: 4 } })).statusCode, 403);
    const wrong = await stp({ method: 'PUT', url: '/api/v1/dti/2022/components/1.3/value', payload: { value: 5 } });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.json().message, /1\.3: giá trị phải là có hoặc không/);
    assert.equal(
      (await stp({ method: 'PUT', url: '/api/v1/dti/2022/components/7.1/value', payload: { value: { numerator: 1, denominator: 2 } } })).statusCode,
      409,
    );
    assert.equal((await stp({ method: 'PUT', url: '/api/v1/dti/2022/components/9.9/value', payload: { value: 1 } })).statusCode, 404);
    assert.equal((await stp({ url: '/api/v1/dti/2022' })).json().points, 485.75);

    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    const pdf = Buffer.from(await doc.save());
    const boundary = '----congsodti';
    const upload = (who: Requester) =>
      who({
        method: 'POST',
        url: '/api/v1/dti/2022/components/1.1/evidence',
        payload: Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bien-ban-hop.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
          pdf,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
    assert.equal((await upload(sxd)).statusCode, 403);
    const up = await upload(stp);
    assert.equal(up.statusCode, 201, up.body);
    const c11 = (await stp({ url: '/api/v1/dti/2022' })).json().pillars[0].indicators[0].components[0];
    assert.deepEqual(
      c11.evidence.map((e: any) => e.name),
      ['bien-ban-hop.pdf'],
    );
    const back = await sxd({ url: `/api/v1/dti/2022/evidence/${up.json().id}` });
    assert.deepEqual(back.rawPayload, pdf);
    // With values recorded, the year's catalogue cannot be replaced under them.
    assert.equal((await admin({ method: 'POST', url: '/api/v1/dti/catalogues', payload: { builtin: 2022 } })).statusCode, 409);
  });

  test('2025 (405/QĐ-BKHCN) loads; its platform-measured components carry the operations centre figures; published results compare', async () => {
    await generateDossiers(ctx.db, { count: 40, from: '2025-03-01', to: '2025-06-30', seed: 16 });
    assert.equal((await admin({ method: 'POST', url: '/api/v1/dti/catalogues', payload: { builtin: 2025 } })).statusCode, 201);
    const a = (await admin({ url: '/api/v1/dti/2025' })).json();
    assert.deepEqual(
      a.pillars.map((p: any) => p.code),
      ['CQS', 'KTS', 'XHS'],
    );
    assert.equal(a.pillars.flatMap((p: any) => p.indicators).length, 8);
    const ioc = (await admin({ url: '/api/v1/stats/summary?from=2025-01-01&to=2025-12-31' })).json();
    const c31 = a.pillars[0].indicators[2].components[0];
    assert.equal(c31.code, '3.1');
    assert.ok(ioc.shares.fullOnline.denominator > 0);
    assert.deepEqual(c31.value, { numerator: ioc.shares.fullOnline.numerator, denominator: ioc.shares.fullOnline.denominator });
    assert.match(c31.source, /Trung tâm điều hành/);

    const published = {
      score: 0.6961,
      maxScore: 1,
      rank: 30,
      provinces: 63,
      pillars: [{ code: 'CQS', name: 'Chính quyền số', score: 0.7582 }],
      source: 'Báo cáo DTI 2024',
    };
    assert.equal((await stp({ method: 'PUT', url: '/api/v1/dti/published/2024', payload: published })).statusCode, 403);
    assert.equal((await admin({ method: 'PUT', url: '/api/v1/dti/published/2024', payload: published })).statusCode, 204);
    const after = (await stp({ url: '/api/v1/dti/2025' })).json();
    assert.deepEqual(
      after.published.map((p: any) => [p.year, p.index, p.rank]),
      [[2024, 0.6961, 30]],
    );
  });
});

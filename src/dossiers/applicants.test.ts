// Applicants are who they say (issue 11 item 2, issue 12 item 1): the e-ID makes the applicant, an authorisation is
// needed to submit for someone else, organisations apply by tax code, files reach a store only from its owner's own
// dossiers, officers look into a store only for a dossier they handle (logged), and a procedure may require VNeID mức 2.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ProcedureContent } from '../catalog/types.ts';
import { agencyIds, citizenSignIn, eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { act, FEE_PROCEDURE, FREE_PROCEDURE, formFor, PDF, staff, upload } from '../payments/testkit.ts';

eachDatabase('applicants', { demo: true }, (ctx) => {
  // Demo e-ID accounts of the local provider: Minh (mức 2, born 12/03/1985), Hà (mức 2), Phúc (mức 1).
  const minh = { idNumber: '092085000123', name: 'Nguyễn Văn Minh' };
  const ha = { idNumber: '092196112233', name: 'Trần Thị Thu Hà' };
  const phuc = { idNumber: '092075008910', name: 'Lê Hoàng Phúc' };
  let ids: Record<string, string>;
  const procedureIds = new Map<string, string>();
  before(async () => {
    ids = await agencyIds(ctx.db);
    for (const code of [FREE_PROCEDURE, FEE_PROCEDURE]) procedureIds.set(code, (await ctx.app.inject({ url: `/api/v1/procedures/${code}` })).json().id);
  });

  /** An online submission of the free (khai sinh) or fee procedure: `content` as the declaration, a fresh upload for each other required component. */
  const submit = async (who: Requester, extra: Record<string, unknown>, procedure = FREE_PROCEDURE, content = PDF) => {
    const procedureId = procedureIds.get(procedure) ?? procedure;
    const components = (await ctx.app.inject({ url: `/api/v1/procedures/${procedureId}` })).json().content.components as { required: boolean }[];
    const files = [];
    for (const [i, c] of components.entries())
      if (c.required) files.push({ componentIndex: i, uploadId: await upload(who, i === 0 ? content : file(`thanh phan ${i}`)) });
    return who({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId,
        agencyId: ids['H13.102'],
        channel: 'online',
        applicant: {},
        formData: formFor(procedure, minh.idNumber, minh.name),
        files,
        ...extra,
      },
    });
  };
  const dossiersCount = async () => (await ctx.db.query('SELECT count(*)::int AS n FROM dossiers'))[0].n as number;
  const storeOf = async (who: Requester) => (await who({ url: '/api/v1/citizen/documents' })).json().items as Record<string, any>[];
  const file = (label: string) => Buffer.concat([PDF, Buffer.from(`% ${label} ${Math.random()}\n`)]);

  test('online, the applicant is the signed-in citizen: name, ID number and birth date come from the e-ID, not the request', async () => {
    const citizen = await citizenSignIn(ctx.app, minh.idNumber, minh.name);
    const res = await submit(citizen, { applicant: { name: 'Tên Tự Khai', address: '12 Hai Bà Trưng, Cái Khế', phone: '0901234567' } });
    assert.equal(res.statusCode, 201, res.body);
    const d = (await citizen({ url: `/api/v1/dossiers/${res.json().id}` })).json();
    assert.deepEqual(d.applicant, {
      kind: 'person',
      name: minh.name,
      idNumber: minh.idNumber,
      birthDate: '1985-03-12',
      address: '12 Hai Bà Trưng, Cái Khế',
      phone: '0901234567',
    });
    assert.equal(d.representation, null);
    // Naming one's own number is the same as naming nobody; no authorisation is asked for.
    const again = await submit(citizen, { applicant: { idNumber: minh.idNumber } });
    assert.equal(again.statusCode, 201, again.body);
  });

  test('a citizen cannot submit as another person without an authorisation; with one it is recorded and staff read "nộp thay cho … theo giấy ủy quyền"', async () => {
    const citizen = await citizenSignIn(ctx.app, minh.idNumber, minh.name);
    const before = await dossiersCount();
    const refused = await submit(citizen, { applicant: { name: ha.name, idNumber: ha.idNumber } });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().code, 'AUTHORISATION_REQUIRED');
    assert.match(refused.json().message, /giấy ủy quyền/);
    assert.equal(await dossiersCount(), before, 'nothing was written');

    const authorisation = await upload(citizen, file('giay uy quyen'), 'giay-uy-quyen.pdf');
    const res = await submit(citizen, { applicant: { name: ha.name, idNumber: ha.idNumber, phone: '0912345678' }, authorisation: { uploadId: authorisation } });
    assert.equal(res.statusCode, 201, res.body);
    const d = (await (await staff(ctx).counter())({ url: `/api/v1/dossiers/${res.json().id}` })).json();
    assert.deepEqual([d.applicant.name, d.applicant.idNumber], [ha.name, ha.idNumber], 'the applicant is the principal');
    assert.deepEqual(d.applicant.representative, { name: minh.name, idNumber: minh.idNumber, birthDate: '1985-03-12', role: 'authorised' });
    assert.equal(d.representation, `${minh.name} (số định danh ${minh.idNumber}) nộp thay cho ${ha.name} (số định danh ${ha.idNumber}) theo giấy ủy quyền.`);
    assert.equal(d.events[0].note, d.representation, 'the submission in the history says so too');
    const paper = d.files.find((f: any) => f.kind === 'authorisation');
    assert.deepEqual([paper.componentName, paper.componentIndex, paper.name], ['Giấy ủy quyền', null, 'giay-uy-quyen.pdf']);
    // The submitter follows it among their own dossiers.
    assert.ok(
      (await citizen({ url: '/api/v1/citizen/dossiers' }))
        .json()
        .items.some((x: any) => x.id === d.id && /nộp thay cho Trần Thị Thu Hà/.test(x.applicant.representation)),
    );
    // An authorisation for oneself is a mistake, said so.
    const own = await submit(citizen, { applicant: { idNumber: minh.idNumber }, authorisation: { uploadId: await upload(citizen) } });
    assert.equal(own.json().code, 'AUTHORISATION_NOT_NEEDED');
  });

  test("files are not planted in another person's store: a dossier for someone else reaches their store only once an officer accepted it, without the authorisation", async () => {
    const minhs = await citizenSignIn(ctx.app, minh.idNumber, minh.name);
    const has = await citizenSignIn(ctx.app, ha.idNumber, ha.name);
    const planted = file('tep cai vao kho');
    const res = await submit(
      minhs,
      { applicant: { name: ha.name, idNumber: ha.idNumber }, authorisation: { uploadId: await upload(minhs, file('uy quyen 2'), 'uy-quyen.pdf') } },
      FREE_PROCEDURE,
      planted,
    );
    assert.equal(res.statusCode, 201, res.body);
    const sha = (await minhs({ url: `/api/v1/dossiers/${res.json().id}` })).json().files.find((f: any) => f.kind === 'component').sha256;
    assert.ok(!(await storeOf(has)).some((x) => x.sha256 === sha), "not in the named person's store at submission");
    assert.ok(!(await storeOf(minhs)).some((x) => x.sha256 === sha), "nor in the submitter's: the documents are the principal's");
    const [{ n }] = await ctx.db.query('SELECT count(*)::int AS n FROM citizen_documents WHERE sha256 = $1', [sha]);
    assert.equal(n, 0);

    await act(await staff(ctx).counter(), res.json().id, { action: 'accept' });
    const stored = (await storeOf(has)).filter((x) => x.dossierId === res.json().id);
    assert.equal(stored.length, 2, 'after acceptance: the two components');
    assert.deepEqual(
      stored.filter((x) => x.sha256 === sha).map((x) => x.title),
      ['Tờ khai đăng ký khai sinh theo mẫu'],
    );
    assert.ok(!stored.some((x) => x.name === 'uy-quyen.pdf'), 'the authorisation stays with the dossier');
  });

  test("a business with a tax code submits and sees its dossiers; typing its tax code shows nobody else's", async () => {
    const minhs = await citizenSignIn(ctx.app, minh.idNumber, minh.name);
    const company = { kind: 'organisation', name: 'Công ty TNHH Phù Sa Xanh', taxCode: '1801234567001', address: '5 Trần Phú, Cái Khế' };
    for (const taxCode of ['12345', '1801234567-01', '18012345678', 'ABCDEFGHIJ']) {
      const bad = await submit(minhs, { applicant: { ...company, taxCode } }, FEE_PROCEDURE);
      assert.deepEqual([bad.statusCode, bad.json().code], [400, 'INVALID_TAX_CODE'], taxCode);
    }
    const personOnly = await submit(minhs, { applicant: company }, FREE_PROCEDURE);
    assert.deepEqual([personOnly.statusCode, personOnly.json().code], [400, 'APPLICANT_TYPE_NOT_ALLOWED']);

    const mine = await submit(minhs, { applicant: company }, FEE_PROCEDURE);
    assert.equal(mine.statusCode, 201, mine.body);
    const d = (await minhs({ url: `/api/v1/dossiers/${mine.json().id}` })).json();
    assert.deepEqual(
      [d.applicant.kind, d.applicant.name, d.applicant.taxCode, d.applicant.idNumber],
      ['organisation', company.name, '1801234567-001', undefined],
    );
    assert.deepEqual(d.applicant.representative, { name: minh.name, idNumber: minh.idNumber, birthDate: '1985-03-12', role: 'legal_representative' });
    assert.match(d.representation, /nộp cho Công ty TNHH Phù Sa Xanh \(mã số thuế 1801234567-001\) với tư cách người đại diện theo pháp luật/);

    // Someone else types the same tax code and submits "for" the business, as an authorised person.
    const has = await citizenSignIn(ctx.app, ha.idNumber, ha.name);
    const hers = await submit(
      has,
      { applicant: { ...company, name: 'Công ty Phù Sa Xanh (giả)', taxCode: '1801234567-001' }, authorisation: { uploadId: await upload(has) } },
      FEE_PROCEDURE,
    );
    assert.equal(hers.statusCode, 201, hers.body);

    const list = async (who: Requester) => (await who({ url: '/api/v1/citizen/dossiers?taxCode=1801234567-001' })).json().items.map((x: any) => x.id);
    assert.deepEqual(await list(minhs), [mine.json().id], "the representative sees the business's dossiers they submitted");
    assert.deepEqual(await list(has), [hers.json().id], "a tax code alone opens nobody else's dossiers");
    assert.equal((await has({ url: `/api/v1/dossiers/${mine.json().id}` })).statusCode, 404);
    const item = (await minhs({ url: '/api/v1/citizen/dossiers' })).json().items.find((x: any) => x.id === mine.json().id);
    assert.deepEqual([item.applicant.kind, item.applicant.name, item.applicant.taxCode], ['organisation', company.name, '1801234567-001']);

    // The business's store: its documents go in at acceptance, and each representative reads back only their own.
    const counter = await staff(ctx).counter();
    await act(counter, mine.json().id, { action: 'accept' });
    await act(counter, hers.json().id, { action: 'accept' });
    const minhBusiness = (await storeOf(minhs)).filter((x) => x.taxCode === '1801234567-001');
    assert.deepEqual(
      minhBusiness.map((x) => x.dossierId),
      [mine.json().id],
    );
    assert.ok(!(await storeOf(has)).some((x) => x.dossierId === mine.json().id));
  });

  test('an officer looks at a store only for a dossier the agency is handling; each look is logged and shown to the person; others are refused', async () => {
    const has = await citizenSignIn(ctx.app, ha.idNumber, ha.name);
    const open = await submit(has, {});
    assert.equal(open.statusCode, 201, open.body);
    const counter = await staff(ctx).counter();
    const look = (who: Requester, id: string) => who({ url: `/api/v1/dossiers/${id}/applicant-documents` });
    const looks = async () => (await ctx.db.query('SELECT count(*)::int AS n FROM datastore_looks'))[0].n as number;
    const before = await looks();

    // Refused: another commune's desk (the dossier is out of its scope: 404 like an unknown id), a role without the
    // permission (403), an unknown dossier, the old look-up by ID number alone.
    assert.equal((await look(await signIn(ctx.app, 'ninhkieu.motcua'), open.json().id)).statusCode, 404);
    assert.equal((await look(await signIn(ctx.app, 'ninhkieu.motcua'), '00000000-0000-4000-8000-000000000000')).statusCode, 404);
    assert.equal((await look(await staff(ctx).specialist(), open.json().id)).statusCode, 403);
    assert.equal((await counter({ url: `/api/v1/datastore/people/${ha.idNumber}/documents` })).statusCode, 404);
    assert.equal(await looks(), before, 'a refused look is not a look');

    const res = await look(counter, open.json().id);
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().items.length >= 1 && res.json().items.every((x: any) => x.taxCode === null));
    const [logged] = await ctx.db.query(
      `SELECT l.user_name, l.dossier_id, l.id_number, l.tax_code, l.documents, l.at, u.username FROM datastore_looks l JOIN users u ON u.id = l.user_id ORDER BY l.id DESC LIMIT 1`,
    );
    assert.deepEqual(
      [logged.username, logged.dossier_id, logged.id_number, logged.tax_code, logged.documents],
      ['caikhe.motcua', open.json().id, ha.idNumber, null, res.json().items.length],
    );
    assert.ok(Date.now() - new Date(logged.at).getTime() < 60_000);
    const seen = (await has({ url: '/api/v1/citizen/documents/looks' })).json().items[0];
    assert.deepEqual([seen.officerName, seen.dossierId], ['Cán bộ một cửa Phường Cái Khế', open.json().id]);

    // Once the dossier leaves the agency's hands (finished), the same officer is refused.
    await act(counter, open.json().id, { action: 'refuse', reasons: ['Hồ sơ không thuộc thẩm quyền'] });
    const after = await look(counter, open.json().id);
    assert.deepEqual([after.statusCode, after.json().code], [403, 'NOT_HANDLING']);
  });

  test('a procedure can require VNeID mức 2 for online submission: a mức 1 sign-in is refused with 403, mức 2 passes', async () => {
    const admin = await signIn(ctx.app, 'admin');
    const base = (await ctx.app.inject({ url: `/api/v1/procedures/${FREE_PROCEDURE}` })).json().content as ProcedureContent;
    const created = await admin({
      method: 'POST',
      url: '/api/v1/admin/procedures',
      payload: { agencyId: ids.H13, content: { ...base, nationalCode: '2.999502', name: 'Thủ tục cần định danh mức 2', minIdentityLevel: 2 } },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    assert.equal((await admin({ method: 'POST', url: `/api/v1/admin/procedures/${id}/publish` })).statusCode, 200);
    assert.equal((await ctx.app.inject({ url: `/api/v1/procedures/${id}` })).json().content.minIdentityLevel, 2, 'the procedure page can say so');

    const level1 = await citizenSignIn(ctx.app, phuc.idNumber, phuc.name);
    const refused = await submit(level1, {}, id);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().code, 'IDENTITY_LEVEL_REQUIRED');
    assert.match(refused.json().message, /định danh điện tử mức 2/);
    const level2 = await citizenSignIn(ctx.app, minh.idNumber, minh.name);
    assert.equal((await submit(level2, {}, id)).statusCode, 201);
    // Without the requirement (the default), mức 1 submits.
    assert.equal((await submit(level1, {})).statusCode, 201);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citizenSignIn, eachDatabase, signIn } from '../testing/harness.ts';
import { FREE_PROCEDURE, PDF, submitOnline, upload } from '../payments/testkit.ts';
import { storeCitizenDocument } from './service.ts';

eachDatabase('personal data store', { demo: true }, (ctx) => {
  const mai = { idNumber: '092201005555', name: 'Trần Thị Mai' };

  test('submitted documents are kept in the store; one is reused in a second dossier without a new upload, and the reuse is logged', async () => {
    const citizen = await citizenSignIn(ctx.app, mai.idNumber, mai.name);
    const declaration = Buffer.concat([PDF, Buffer.from('% to khai goc\n')]);
    const birthCertificate = Buffer.concat([PDF, Buffer.from('% giay chung sinh\n')]);
    const first = await submitOnline(ctx, citizen, FREE_PROCEDURE, mai, {
      files: [
        { componentIndex: 0, uploadId: await upload(citizen, declaration, 'to-khai.pdf') },
        { componentIndex: 1, uploadId: await upload(citizen, birthCertificate, 'giay-chung-sinh.pdf') },
      ],
    });
    const store = (await citizen({ url: '/api/v1/citizen/documents' })).json().items;
    assert.equal(store.length, 2);
    const stored = store.find((d: any) => d.name === 'giay-chung-sinh.pdf');
    assert.equal(stored.dossierCode, first.code);
    assert.equal(stored.kind, 'submitted');
    assert.match(stored.title, /Giấy chứng sinh/);

    // The second dossier: a new declaration, the birth certificate picked from the store.
    const uploadsBefore = (
      await ctx.db.query('SELECT count(*)::int AS n FROM uploads WHERE owner = $1', [
        `citizen:${(await citizen({ url: '/api/v1/citizen/me' })).json().citizen.id}`,
      ])
    )[0].n;
    const second = await submitOnline(ctx, citizen, FREE_PROCEDURE, mai, {
      files: [{ componentIndex: 0, uploadId: await upload(citizen, Buffer.concat([PDF, Buffer.from('% to khai lan hai\n')]), 'to-khai-2.pdf') }],
      storedDocuments: [{ componentIndex: 1, documentId: stored.id }],
    });
    const d = (await citizen({ url: `/api/v1/dossiers/${second.id}` })).json();
    const attached = d.files.find((f: any) => f.componentIndex === 1);
    assert.equal(attached.name, 'giay-chung-sinh.pdf');
    assert.equal(attached.sha256, stored.sha256, 'the same document, byte for byte');
    assert.equal(d.events[0].data.reusedFromStore, 1);
    const after = (
      await ctx.db.query('SELECT count(*)::int AS n FROM uploads WHERE owner = $1', [
        `citizen:${(await citizen({ url: '/api/v1/citizen/me' })).json().citizen.id}`,
      ])
    )[0].n;
    assert.equal(after - uploadsBefore, 2, 'the citizen uploaded only the new declaration (the store made the other copy)');
    const reuses = (await citizen({ url: `/api/v1/dossiers/${second.id}/reused-documents` })).json().items;
    assert.deepEqual(
      reuses.map((r: any) => [r.componentIndex, r.fromDossierCode, r.actorKind, r.actorName]),
      [[1, first.code, 'citizen', mai.name]],
    );
    const storeAfter = (await citizen({ url: '/api/v1/citizen/documents' })).json().items;
    assert.equal(storeAfter.length, 3, 'the reused document is not stored twice');
    assert.equal(storeAfter.find((x: any) => x.id === stored.id).reuses, 1);

    // The download is the document itself.
    const file = await citizen({ url: `/api/v1/citizen/documents/${stored.id}/content` });
    assert.deepEqual(file.rawPayload, birthCertificate);

    // Nobody else can read or reuse it.
    const stranger = await citizenSignIn(ctx.app, '092201006666', 'Người Khác');
    assert.equal((await stranger({ url: `/api/v1/citizen/documents/${stored.id}/content` })).statusCode, 404);
    assert.equal((await stranger({ url: '/api/v1/citizen/documents' })).json().items.length, 0);
    const p = (await ctx.app.inject({ url: `/api/v1/procedures/${FREE_PROCEDURE}` })).json();
    const taken = await stranger({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId: p.id,
        agencyId: d.homeAgencyId,
        channel: 'online',
        applicant: { name: 'Người Khác', idNumber: '092201006666' },
        formData: { hoTenTre: 'A B', ngaySinh: '2026-11-01', gioiTinh: 'Nam', noiSinh: 'Cần Thơ', hoTenMe: 'C D', soDinhDanhNguoiYeuCau: '092201006666' },
        files: [{ componentIndex: 0, uploadId: await upload(stranger) }],
        storedDocuments: [{ componentIndex: 1, documentId: stored.id }],
      },
    });
    assert.equal(taken.statusCode, 404);
  });

  test("an officer reuses a document from the same person's earlier dossier at the counter; the reuse names the officer", async () => {
    // The officer looks at Mai's store through her dossier waiting at this desk (the only ground for a look).
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const waiting = (await ctx.db.query(`SELECT id FROM dossiers WHERE applicant->>'idNumber' = $1 AND status = 1 LIMIT 1`, [mai.idNumber]))[0].id;
    const listed = await counter({ url: `/api/v1/dossiers/${waiting}/applicant-documents` });
    assert.equal(listed.statusCode, 200);
    const doc = listed.json().items.find((x: any) => x.name === 'giay-chung-sinh.pdf');
    const specialist = await signIn(ctx.app, 'caikhe.chuyenvien');
    assert.equal((await specialist({ url: `/api/v1/dossiers/${waiting}/applicant-documents` })).statusCode, 403);
    const p = (await ctx.app.inject({ url: `/api/v1/procedures/${FREE_PROCEDURE}` })).json();
    const agencyId = (await ctx.db.query(`SELECT id FROM agencies WHERE code = 'H13.102'`))[0].id;
    const formData = {
      hoTenTre: 'Trần Gia Huy',
      ngaySinh: '2026-11-02',
      gioiTinh: 'Nam',
      noiSinh: 'Cần Thơ',
      hoTenMe: mai.name,
      soDinhDanhNguoiYeuCau: mai.idNumber,
    };
    const submit = (idNumber: string) =>
      counter({
        method: 'POST',
        url: '/api/v1/dossiers',
        payload: {
          procedureId: p.id,
          agencyId,
          channel: 'counter',
          applicant: { name: mai.name, idNumber },
          formData,
          storedDocuments: [{ componentIndex: 1, documentId: doc.id }],
        },
      });
    assert.equal((await submit('092201007777')).statusCode, 404, "only the same person's documents");
    const res = await submit(mai.idNumber);
    assert.equal(res.statusCode, 201, res.body);
    const reuses = (await counter({ url: `/api/v1/dossiers/${res.json().id}/reused-documents` })).json().items;
    assert.deepEqual(
      reuses.map((r: any) => [r.actorKind, r.actorName]),
      [['staff', 'Cán bộ một cửa Phường Cái Khế']],
    );
  });

  test('results put into the store by another module are listed and downloadable', async () => {
    const citizen = await citizenSignIn(ctx.app, mai.idNumber, mai.name);
    const me = (await citizen({ url: '/api/v1/citizen/me' })).json().citizen;
    const result = Buffer.concat([PDF, Buffer.from('% giay khai sinh ban chinh\n')]);
    await ctx.db.transaction((tx) =>
      storeCitizenDocument(tx, me.id, {
        idNumber: mai.idNumber,
        kind: 'result',
        title: 'Giấy khai sinh',
        name: 'giay-khai-sinh.pdf',
        mime: 'application/pdf',
        content: result,
      }),
    );
    const items = (await citizen({ url: '/api/v1/citizen/documents' })).json().items;
    const r = items.find((x: any) => x.kind === 'result');
    assert.equal(r.kindName, 'Kết quả giải quyết');
    assert.deepEqual((await citizen({ url: `/api/v1/citizen/documents/${r.id}/content` })).rawPayload, result);
  });
});

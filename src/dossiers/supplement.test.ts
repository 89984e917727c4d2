// A supplement request that asks for a document outside the procedure's components: the citizen gets a slot for it,
// the officer sees the file by the requested name, Mẫu 02 lists it; a file for a document not asked for is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { agencyIds, citizenSignIn, eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { act, formFor, FREE_PROCEDURE, PDF, submitOnline, upload } from '../payments/testkit.ts';

const LEASE = 'Bản sao hợp đồng thuê nhà';
const RESIDENCE = 'Giấy xác nhận thông tin về cư trú';

eachDatabase('supplement with extra documents', { demo: true }, (ctx) => {
  const post = (who: Requester, id: string, body: Record<string, unknown>) => who({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: body });
  const dossierAs = async (who: Requester, id: string) => (await who({ url: `/api/v1/dossiers/${id}` })).json();
  const fileRows = async (id: string) =>
    (await ctx.db.query('SELECT kind, extra_index, extra_name FROM dossier_files WHERE dossier_id = $1 ORDER BY added_at', [id])).map((r) => [
      r.kind,
      r.extra_index,
      r.extra_name,
    ]);

  test('an officer asks for a document outside the components; the citizen uploads it into its slot; the officer sees it by name; Mẫu 02 lists it', async () => {
    const who = { idNumber: '092186100001', name: 'Lê Văn Thuận' };
    const citizen = await citizenSignIn(ctx.app, who.idNumber, who.name);
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const d = await submitOnline(ctx, citizen, FREE_PROCEDURE, who, { applicant: { ...who, email: 'thuan@example.vn' } });
    const before = await fileRows(d.id);

    // Names are trimmed; a blank one, or too many, is refused by the route.
    assert.equal((await post(counter, d.id, { action: 'request_supplement', reasons: ['Bổ sung giấy tờ'], extraDocuments: ['  '] })).statusCode, 400);
    assert.equal(
      (
        await post(counter, d.id, {
          action: 'request_supplement',
          reasons: ['Bổ sung giấy tờ'],
          extraDocuments: Array.from({ length: 21 }, (_, i) => `Giấy tờ ${i}`),
        })
      ).statusCode,
      400,
    );
    await act(counter, d.id, { action: 'request_supplement', reasons: ['Bổ sung bản chính Giấy chứng sinh'], extraDocuments: [`  ${LEASE} `, RESIDENCE] });
    const asked = (await dossierAs(citizen, d.id)).events.at(-1);
    assert.deepEqual(asked.data.extraDocuments, [LEASE, RESIDENCE], 'the citizen reads the slots from the request');
    assert.deepEqual(asked.data.reasons, ['Bổ sung bản chính Giấy chứng sinh']);
    const [message] = await ctx.db.query(`SELECT body FROM notification_outbox WHERE dossier_id = $1 AND channel = 'email' ORDER BY id DESC LIMIT 1`, [d.id]);
    assert.match(message.body, new RegExp(`Nộp bổ sung: ${LEASE}`), 'the citizen is told what to bring');

    // A file for a document the request did not name: 400 with its code, nothing written, the dossier still waits.
    const stray = await upload(citizen, PDF, 'la.pdf');
    // Contents of their own: the data store keeps one document per content.
    const lease = await upload(citizen, Buffer.concat([PDF, Buffer.from('% hop dong\n')]), 'hop-dong-thue-nha.pdf');
    const residence = await upload(citizen, Buffer.concat([PDF, Buffer.from('% cu tru\n')]), 'xac-nhan-cu-tru.pdf');
    const bad = await post(citizen, d.id, {
      action: 'submit_supplement',
      files: [
        { extraIndex: 0, uploadId: lease },
        { extraIndex: 1, uploadId: residence },
        { extraIndex: 2, uploadId: stray },
      ],
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().code, 'UNKNOWN_EXTRA_DOCUMENT');
    assert.match(bad.json().message, /Giấy tờ bổ sung số 3 không có trong yêu cầu bổ sung/);
    // Both indexes at once, or neither, is not a file reference.
    assert.equal((await post(citizen, d.id, { action: 'submit_supplement', files: [{ componentIndex: 1, extraIndex: 0, uploadId: lease }] })).statusCode, 400);
    // Online, every document asked for must come.
    const missing = await post(citizen, d.id, { action: 'submit_supplement', files: [{ extraIndex: 0, uploadId: lease }] });
    assert.equal(missing.statusCode, 400, missing.body);
    assert.equal(missing.json().code, 'MISSING_EXTRA_DOCUMENTS');
    assert.match(missing.json().message, new RegExp(RESIDENCE));
    assert.deepEqual(await fileRows(d.id), before, 'a refused supplement writes nothing');
    assert.equal((await dossierAs(citizen, d.id)).status, 5);

    await act(citizen, d.id, {
      action: 'submit_supplement',
      note: 'Đã bổ sung',
      files: [
        { extraIndex: 1, uploadId: residence },
        { extraIndex: 0, uploadId: lease },
      ],
    });
    const seen = await dossierAs(counter, d.id);
    assert.equal(seen.status, 1, 'back to where it was');
    const extras = seen.files.filter((f: any) => f.kind === 'extra');
    assert.deepEqual(
      extras.map((f: any) => [f.componentName, f.extraIndex, f.extraName, f.name]),
      [
        [`Giấy tờ bổ sung theo yêu cầu: ${LEASE}`, 0, LEASE, 'hop-dong-thue-nha.pdf'],
        [`Giấy tờ bổ sung theo yêu cầu: ${RESIDENCE}`, 1, RESIDENCE, 'xac-nhan-cu-tru.pdf'],
      ],
      'listed after the components, in the order asked',
    );
    assert.equal(seen.files.at(-1).extraName, RESIDENCE);
    const file = await counter({ url: `/api/v1/dossiers/${d.id}/files/${extras[0].id}` });
    assert.equal(file.statusCode, 200, file.body.slice(0, 200));
    // The applicant signed in as themself: the documents go to their data store under the requested names.
    const stored = await ctx.db.query('SELECT title FROM citizen_documents WHERE dossier_id = $1 ORDER BY title', [d.id]);
    assert.ok(
      [LEASE, RESIDENCE].every((t) => stored.some((r) => r.title === t)),
      JSON.stringify(stored),
    );

    const res = await citizen({ url: `/api/v1/dossiers/${d.id}/forms/supplement` });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    const pdf = join(mkdtempSync(join(tmpdir(), 'congso-supplement-')), 'mau-02.pdf');
    writeFileSync(pdf, res.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString('utf8').normalize('NFC').replace(/\s+/g, ' ');
    const listed = ['1. Bổ sung bản chính Giấy chứng sinh', 'Giấy tờ cần nộp bổ sung (ngoài thành phần hồ sơ của thủ tục):', `1. ${LEASE}`, `2. ${RESIDENCE}`];
    for (const s of listed) assert.ok(text.includes(s), `missing "${s}" in:\n${text}`);
    assert.ok(
      listed.reduce((at, s) => {
        const i = text.indexOf(s);
        assert.ok(i > at, `"${s}" in order`);
        return i;
      }, -1) > 0,
    );
  });

  test('an extra index without any extra document asked for is refused, at submission too; at the desk the papers may come on paper', async () => {
    const who = { idNumber: '092186100002', name: 'Phạm Thị Hồng' };
    const citizen = await citizenSignIn(ctx.app, who.idNumber, who.name);
    const counter = await signIn(ctx.app, 'caikhe.motcua');
    const d = await submitOnline(ctx, citizen, FREE_PROCEDURE, who);
    await act(counter, d.id, { action: 'request_supplement', reasons: ['Bổ sung bản chính Giấy chứng sinh'] });
    const bad = await post(citizen, d.id, { action: 'submit_supplement', files: [{ extraIndex: 0, uploadId: await upload(citizen) }] });
    assert.deepEqual([bad.statusCode, bad.json().code], [400, 'UNKNOWN_EXTRA_DOCUMENT']);
    const p = (await ctx.app.inject({ url: `/api/v1/procedures/${FREE_PROCEDURE}` })).json();
    const atSubmission = await citizen({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: {
        procedureId: p.id,
        agencyId: (await agencyIds(ctx.db))['H13.102'],
        channel: 'online',
        applicant: who,
        formData: formFor(FREE_PROCEDURE, who.idNumber, who.name),
        files: [{ extraIndex: 0, uploadId: await upload(citizen) }],
      },
    });
    assert.equal(atSubmission.statusCode, 400, 'a submission has no request to answer');
    assert.equal(atSubmission.json().code, 'VALIDATION_FAILED');
    assert.match(JSON.stringify(atSubmission.json().details), /files\/0/);

    const paper = await submitOnline(ctx, citizen, FREE_PROCEDURE, who);
    await act(counter, paper.id, { action: 'request_supplement', reasons: ['Bổ sung giấy tờ'], extraDocuments: [LEASE] });
    await act(counter, paper.id, { action: 'submit_supplement', note: 'Công dân nộp bản giấy tại quầy' });
    assert.equal((await dossierAs(counter, paper.id)).status, 1);
  });
});

// Test helpers shared by the payments, data store and satisfaction tests: uploads and an online dossier taken
// through the one-stop steps with the demo staff of Phường Cái Khế.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { agencyIds, signIn, type Requester } from '../testing/harness.ts';
import type { Database } from '../db/index.ts';

export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** POST /api/v1/uploads as a browser would (multipart, one part "file"); the upload's id. */
export async function upload(who: Requester, content: Buffer = PDF, filename = 'to-khai.pdf'): Promise<string> {
  const boundary = `----congso${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await who({ method: 'POST', url: '/api/v1/uploads', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

/** Demo procedures: a fee of 8.000 đồng (bản sao trích lục hộ tịch) and a free one (khai sinh). */
export const FEE_PROCEDURE = '2.000635';
export const FREE_PROCEDURE = '1.001193';
export const FEE = 8000;

export const formFor = (procedure: string, idNumber: string, name: string) =>
  procedure === FEE_PROCEDURE
    ? { hoTenNguoiYeuCau: name, soDinhDanhNguoiYeuCau: idNumber, loaiTrichLuc: 'Khai sinh', hoTenNguoiDuocCap: name, soBanSao: 1 }
    : {
        hoTenTre: 'Trần Minh Khang',
        ngaySinh: '2026-11-01',
        gioiTinh: 'Nam',
        noiSinh: 'Bệnh viện Phụ sản Cần Thơ',
        hoTenMe: name,
        soDinhDanhNguoiYeuCau: idNumber,
      };

export interface Journey {
  app: FastifyInstance;
  db: Database;
}

/** Submits online (a new upload for every required component unless `extra` says otherwise); the created dossier. */
export async function submitOnline(
  ctx: Journey,
  citizen: Requester,
  procedure: string,
  who: { idNumber: string; name: string },
  extra: Record<string, unknown> = {},
) {
  const ids = await agencyIds(ctx.db);
  const p = (await ctx.app.inject({ url: `/api/v1/procedures/${procedure}` })).json();
  const files = [];
  if (!('files' in extra) && !('storedDocuments' in extra)) {
    for (const [i, c] of (p.content.components as { required: boolean }[]).entries())
      if (c.required) files.push({ componentIndex: i, uploadId: await upload(citizen) });
  }
  const res = await citizen({
    method: 'POST',
    url: '/api/v1/dossiers',
    payload: {
      procedureId: p.id,
      agencyId: ids['H13.102'],
      channel: 'online',
      applicant: { name: who.name, idNumber: who.idNumber },
      formData: formFor(procedure, who.idNumber, who.name),
      files,
      ...extra,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; code: string };
}

export async function act(who: Requester, id: string, body: Record<string, unknown>) {
  const res = await who({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: body });
  assert.equal(res.statusCode, 200, res.body);
}

export const staff = (ctx: Journey) => ({
  counter: () => signIn(ctx.app, 'caikhe.motcua'),
  specialist: () => signIn(ctx.app, 'caikhe.chuyenvien'),
  leader: () => signIn(ctx.app, 'caikhe.lanhdao'),
});

/** Submitted and accepted by the commune's desk; the dossier's status after acceptance. */
export async function submitAndAccept(ctx: Journey, citizen: Requester, procedure: string, who: { idNumber: string; name: string }) {
  const d = await submitOnline(ctx, citizen, procedure, who);
  await act(await staff(ctx).counter(), d.id, { action: 'accept' });
  const status = (await citizen({ url: `/api/v1/dossiers/${d.id}` })).json().status as number;
  return { ...d, status };
}

/** The free procedure taken to "Đã trả kết quả" (10): accept, review, approve, return. */
export async function toReturned(ctx: Journey, citizen: Requester, who: { idNumber: string; name: string }) {
  const d = await submitOnline(ctx, citizen, FREE_PROCEDURE, who);
  const s = staff(ctx);
  await act(await s.counter(), d.id, { action: 'accept' });
  await act(await s.specialist(), d.id, { action: 'forward' });
  await act(await s.leader(), d.id, { action: 'forward' });
  await act(await s.counter(), d.id, { action: 'return_result', method: 'online' });
  return d;
}

// What the documents tests share: PDFs with a given text, multipart bodies, and a staff member's calls over HTTP
// (create, upload, act, sign and issue) with the status each must answer.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { signIn, type Requester } from '../testing/harness.ts';

export async function pdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText(text, { x: 80, y: 760, size: 12, font });
  return Buffer.from(await doc.save());
}

export function multipart(content: Buffer, filename: string) {
  const boundary = '----congsodocuments';
  return {
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

type Response = { statusCode: number; body: string; json: () => any };

/** Demo staff signed in by username, and their calls; each call asserts the status it expects. */
export async function staffCalls(app: FastifyInstance, usernames: string[]) {
  const who: Record<string, Requester> = {};
  for (const u of usernames) who[u] = await signIn(app, u);
  const ok = async (res: Promise<Response>, status = 200) => {
    const r = await res;
    assert.equal(r.statusCode, status, r.body);
    return status === 204 ? null : r.json();
  };
  const call = {
    who,
    ok,
    get: (u: string, url: string) => ok(who[u]({ url })),
    view: (u: string, id: string) => ok(who[u]({ url: `/api/v1/documents/${id}` })),
    act: (u: string, id: string, body: Record<string, unknown>) => ok(who[u]({ method: 'POST', url: `/api/v1/documents/${id}/actions`, payload: body }), 204),
    upload: (u: string, id: string, kind: string, content: Buffer, name = 'van-ban.pdf') =>
      ok(who[u]({ method: 'POST', url: `/api/v1/documents/${id}/files?kind=${kind}`, ...multipart(content, name) }), 204),
    create: async (u: string, body: Record<string, unknown>) =>
      (await ok(who[u]({ method: 'POST', url: '/api/v1/documents', payload: body }), 201)).id as string,
    /** A draft of Sở Tư pháp's Phòng Hành chính tư pháp with `text` in its PDF, reviewed, signed and issued. */
    issued: async (body: Record<string, unknown>, text = 'Van ban') => {
      const id = await call.create('stp.chuyenvien', body);
      await call.upload('stp.chuyenvien', id, 'main', await pdf(text));
      await call.act('stp.chuyenvien', id, { action: 'submit' });
      await call.act('stp.truongphong', id, { action: 'approve_review' });
      await ok(
        who['stp.lanhdao']({
          method: 'POST',
          url: `/api/v1/documents/${id}/sign`,
          payload: { competence: 'KT', onBehalfOf: 'Giám đốc', position: 'Phó Giám đốc' },
        }),
        204,
      );
      const { notation } = await ok(who['stp.vanthu']({ method: 'POST', url: `/api/v1/documents/${id}/issue` }));
      return { id, notation: notation as string };
    },
  };
  return call;
}

export const STP_STAFF = ['stp.chuyenvien', 'stp.truongphong', 'stp.lanhdao', 'stp.vanthu'];

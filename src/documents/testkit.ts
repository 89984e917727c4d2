// What the documents tests share: PDFs with a given text, multipart bodies, a staff member's calls over HTTP (create,
// upload, act, sign and issue) with the status each must answer; and, for the registers' and the figures' tests,
// hand-made rows as the workflow leaves them at a known state with the dates each test needs (the workflow itself is
// tested in documents.test.ts).
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { signIn, type Requester } from '../testing/harness.ts';
import type { Queryable } from '../db/index.ts';
import { vietnamYear } from '../shared/time.ts';

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

export interface HandMade {
  agencyId: string;
  number: number;
  subject: string;
  typeCode?: string;
  secrecy?: string;
  readers?: string[];
}

/** An issued outgoing document of `book`, numbered `number`, with recipients on the platform and outside it. */
export async function insertOutgoing(
  db: Queryable,
  d: HandMade & { unitId: string; notation: string; issuedAt: string; signerId: string; recipients?: string[]; outside?: string[]; book?: string },
): Promise<string> {
  const issued = new Date(d.issuedAt);
  const [{ id }] = await db.query<{ id: string }>(
    `INSERT INTO documents (direction, agency_id, status, type_code, subject, secrecy, readers, unit_id, signer_id, signer_line, book, year, number, notation, issued_at)
     VALUES ('outgoing', $1, 'issued', $2, $3, $4, $5, $6, $7, 'GIÁM ĐỐC', $8, $9, $10, $11, $12) RETURNING id`,
    [
      d.agencyId,
      d.typeCode ?? 'quyet_dinh',
      d.subject,
      d.secrecy ?? 'thuong',
      d.readers ?? [],
      d.unitId,
      d.signerId,
      d.book ?? 'outgoing',
      vietnamYear(issued),
      d.number,
      d.notation,
      issued,
    ],
  );
  for (const a of d.recipients ?? []) await db.query('INSERT INTO document_recipients (document_id, agency_id) VALUES ($1, $2)', [id, a]);
  for (const [i, name] of (d.outside ?? []).entries()) {
    await db.query('INSERT INTO document_recipients (document_id, organ_id, organ_name) VALUES ($1, $2, $3)', [id, `000.00.0${i}.G01`, name]);
  }
  return id;
}

/**
 * A registered incoming document; with `leadUnitId` and `dueAt` the leader directed it at `directedAt` (a `direct`
 * event, as the workflow writes), and with `closedAt` its handler closed it.
 */
export async function insertIncoming(
  db: Queryable,
  d: HandMade & {
    registeredAt: string;
    channel?: 'paper' | 'platform' | 'exchange';
    fromName?: string;
    sourceNotation?: string;
    sourceDate?: string;
    leadUnitId?: string;
    directedAt?: string;
    dueAt?: string;
    closedAt?: string;
    progress?: number;
    replyId?: string;
  },
): Promise<string> {
  const registered = new Date(d.registeredAt);
  const status = d.closedAt ? 'done' : d.progress !== undefined ? 'processing' : d.leadUnitId ? 'directed' : 'registered';
  const channel = d.channel ?? 'paper';
  const [{ id }] = await db.query<{ id: string }>(
    `INSERT INTO documents (direction, agency_id, status, type_code, subject, secrecy, readers, from_name, source_notation, source_date, channel,
       arrived_at, registered_at, book, year, number, lead_unit_id, due_at, closed_at, progress, reply_id, exchange_document_id, from_organ_id)
     VALUES ('incoming', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 'incoming', $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`,
    [
      d.agencyId,
      status,
      d.typeCode ?? 'cong_van',
      d.subject,
      d.secrecy ?? 'thuong',
      d.readers ?? [],
      d.fromName ?? 'Ủy ban nhân dân phường Ninh Kiều',
      d.sourceNotation ?? `${d.number}/UBND-VP`,
      d.sourceDate ?? d.registeredAt.slice(0, 10),
      channel,
      registered,
      vietnamYear(registered),
      d.number,
      d.leadUnitId ?? null,
      d.dueAt ? new Date(d.dueAt) : null,
      d.closedAt ? new Date(d.closedAt) : null,
      d.closedAt ? 100 : (d.progress ?? null),
      d.replyId ?? null,
      channel === 'exchange' ? `000.00.00.G01,2026/01/01,${d.number}/UBND` : null,
      channel === 'exchange' ? '000.00.00.G01' : null,
    ],
  );
  if (d.leadUnitId) {
    await db.query(`INSERT INTO document_events (document_id, action, from_status, to_status, at) VALUES ($1, 'direct', 'registered', 'directed', $2)`, [
      id,
      new Date(d.directedAt ?? d.registeredAt),
    ]);
  }
  return id;
}

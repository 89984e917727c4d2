// What the documents module tells the exchange module (registered in src/exchange-hooks.ts): which document types it
// registers, and what becomes of a document, a status or a recall that arrives through the gateway.
import type { Queryable } from '../db/index.ts';
import { organisationOf, platformOrganisations } from '../agencies/service.ts';
import type { DocumentPackage, StatusPackage } from '../exchange/edxml.ts';
import type { ReceivedDocument, RecallRequest } from '../exchange/service.ts';
import { insertFile, recallCopy, recordRecipientStatus, registerArrival } from './workflow.ts';

/** The document type a package names (DocumentType.TypeName, the tên loại), or null when it is not one of the 29. */
async function documentTypeOf(db: Queryable, t: DocumentPackage['documentType']): Promise<string | null> {
  const [row] = await db.query<{ code: string }>('SELECT code FROM document_types WHERE lower(name) = lower($1)', [t.typeName.normalize('NFC').trim()]);
  return row?.code ?? null;
}

export async function isKnownDocumentType(db: Queryable, t: DocumentPackage['documentType']): Promise<boolean> {
  return (await documentTypeOf(db, t)) !== null;
}

/**
 * A document accepted for one of the platform's organisations: registered as arrived (01, which the exchange answers)
 * in its văn thư's inbox through the same path a copy from the platform takes; the first PDF is the document, the
 * other files its attachments. Its later statuses go back through the exchange as the receiver acts.
 */
export async function documentFromOutside(tx: Queryable, { receiver, document: d }: ReceivedDocument): Promise<void> {
  const org = (await platformOrganisations(tx)).find((o) => o.code === receiver);
  if (!org) throw new Error(`${receiver} không phải cơ quan trên hệ thống`);
  const main = d.attachments.find((a) => a.contentType === 'application/pdf') ?? d.attachments[0];
  const id = await registerArrival(tx, {
    organisation: await organisationOf(tx, org.id),
    typeCode: (await documentTypeOf(tx, d.documentType))!,
    subject: d.subject.slice(0, 500),
    urgency: d.priority,
    urgentAt: null,
    secrecy: 'thuong',
    sourceId: null,
    fromAgencyId: null,
    fromName: d.from.organName,
    sourceNotation: `${d.code.number}/${d.code.notation}`,
    sourceDate: d.promulgation.date,
    arrivedAt: new Date(),
    exchange: { documentId: d.documentId, fromOrganId: d.from.organId },
    main: { name: main.name, content: main.data },
  });
  for (const a of d.attachments.filter((x) => x !== main)) {
    await insertFile(tx, id, { version: 1, kind: 'attachment', name: a.name, mime: a.contentType, content: a.data }, null);
  }
}

/** A status from an outside recipient of a document issued here: onto its recipient row, as a copy on the platform reports. */
export async function statusFromOutside(tx: Queryable, s: StatusPackage): Promise<void> {
  const rows = await tx.query<{ id: string }>(
    `SELECT r.id FROM document_recipients r JOIN documents d ON d.id = r.document_id
      WHERE d.direction = 'outgoing' AND d.exchange_document_id = $1 AND r.organ_id = $2`,
    [s.responseFor.documentId, s.from.organId],
  );
  await recordRecipientStatus(tx, rows, s.statusCode, s.description);
}

/** The outside sender recalls a document (13): answered 15 or 16 by the rule a recall on the platform follows (recallCopy). */
export async function recallFromOutside(tx: Queryable, r: RecallRequest): Promise<{ accept: true } | { accept: false; reason: string }> {
  const [row] = await tx.query<{ id: string; status: string }>(
    `SELECT d.id, d.status FROM documents d JOIN agencies a ON a.id = d.agency_id
      WHERE d.direction = 'incoming' AND d.exchange_document_id = $1 AND a.code = $2`,
    [r.document.documentId, r.receiver],
  );
  return row ? recallCopy(tx, row, r.reason) : { accept: true };
}

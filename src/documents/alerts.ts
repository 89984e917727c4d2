// Văn bản đến khẩn, thượng khẩn, hỏa tốc (Decree 30 art. 20(2): urgent documents are registered and passed on at once):
// as such a document arrives or moves to the next person, that person is alerted through the notification outbox in
// the transaction of the document's event, so the alert is sent if and only if the step commits.
import type { Queryable } from '../db/index.ts';
import type { DocumentsRow } from '../db/schema.ts';
import { agenciesById, organisationOf } from '../agencies/service.ts';
import { activeStaffIn, staffContacts } from '../identity/service.ts';
import { enqueueUrgentDocumentAlert } from '../notifications/service.ts';
import type { Role } from '../shared/actor.ts';

/** The names of the edXML priorities 1–4 (0, thường, is not alerted). */
const URGENCY_NAMES = ['Thường', 'Khẩn', 'Thượng khẩn', 'Hỏa tốc', 'Hỏa tốc hẹn giờ'];

/** Who acts next after each step of an incoming document, and what they are asked to do. */
const NEXT: Record<string, { step: string; who: (tx: Queryable, row: DocumentsRow) => Promise<string[]> }> = {
  // Arrived electronically: the văn thư registers it.
  arrive: { step: 'vào sổ', who: (tx, row) => staffWithRole(tx, row.agency_id, 'clerk') },
  // Registered (from paper or after arriving): the agency's leaders direct it.
  register: { step: 'cho ý kiến chỉ đạo', who: (tx, row) => staffWithRole(tx, row.agency_id, 'agency_leader') },
  // Directed: the lead unit's leaders name a handler.
  direct: { step: 'giao người xử lý', who: (tx, row) => staffWithRole(tx, row.lead_unit_id!, 'unit_leader', false) },
  // Assigned: the handler.
  assign_handler: { step: 'xử lý', who: async (_tx, row) => (row.handler_id ? [row.handler_id] : []) },
};

async function staffWithRole(tx: Queryable, agencyId: string, role: Role, wholeOrganisation = true): Promise<string[]> {
  const path = wholeOrganisation ? (await organisationOf(tx, agencyId)).path : (await agenciesById(tx, [agencyId])).get(agencyId)?.path;
  return path ? (await activeStaffIn(tx, path)).filter((m) => m.roles.includes(role)).map((m) => m.id) : [];
}

/** After an event of an incoming document: the alert to whoever acts next, when the document is urgent. */
export async function alertIfUrgent(tx: Queryable, documentId: string, event: { id: number; at: Date; action: string; actorId: string | null }) {
  const next = NEXT[event.action];
  if (!next) return;
  const [row] = await tx.query<DocumentsRow>(`SELECT * FROM documents WHERE id = $1 AND direction = 'incoming' AND urgency > 0`, [documentId]);
  if (!row) return;
  const secret = row.secrecy !== 'thuong';
  // Never the one who took the step; of a secret document only those named on it.
  const people = (await next.who(tx, row)).filter((id) => id !== event.actorId && (!secret || row.readers.includes(id)));
  await enqueueUrgentDocumentAlert(
    tx,
    { documentId, documentEventId: event.id },
    await staffContacts(tx, people),
    {
      urgencyName: URGENCY_NAMES[row.urgency],
      step: next.step,
      secret,
      notation: row.source_notation,
      from: row.from_name,
      subject: row.subject,
      urgentAt: row.urgent_at,
    },
    event.at,
  );
}

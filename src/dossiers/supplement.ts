// Yêu cầu bổ sung, hoàn thiện hồ sơ: what the request asks for — its reasons, and documents outside the procedure's
// components ("Bản sao hợp đồng thuê nhà"), each of which gets an upload slot — and the files a supplement brings.
import type { Queryable } from '../db/index.ts';
import type { ProcedureContent } from '../catalog/types.ts';
import { badRequest } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import { attachFiles, type FileRef } from './files.ts';

export const MAX_EXTRA_DOCUMENTS = 20;
export const MAX_EXTRA_DOCUMENT_NAME = 300;

export interface SupplementRequest {
  reasons: string[];
  extraDocuments?: string[];
}

/**
 * The request_supplement event's note and data: the reasons as given, the extra documents' names trimmed (the route's
 * schema already bounds their number and length and refuses blank ones; a name asked twice is one slot), and the
 * status the dossier goes back to once supplemented.
 */
export function supplementRequestEvent(input: SupplementRequest, resumeStatus: number) {
  const extraDocuments = [...new Set((input.extraDocuments ?? []).map((n) => nfc(n).trim()))];
  return {
    note: input.reasons.join('\n'),
    data: { reasons: input.reasons, ...(extraDocuments.length ? { extraDocuments } : {}), resumeStatus },
  };
}

/** The extra documents a request_supplement event's data asked for ([] for requests made before they existed). */
export const extraDocumentsOf = (data: Record<string, unknown> | null | undefined): string[] =>
  Array.isArray(data?.extraDocuments) ? (data.extraDocuments as string[]) : [];

/**
 * Attaches a supplement's files: components of the procedure, and files for the documents `request` (the latest
 * request_supplement event's data) asked for outside them. Online, the citizen must upload every one of those, as an
 * online submission must carry every required component; at the desk (`atDesk`, the counter officer records the
 * supplement) they may be handed in on paper, so none is required there and what is scanned counts as digitised.
 */
export async function attachSupplement(
  tx: Queryable,
  dossierId: string,
  owner: string,
  content: ProcedureContent,
  request: Record<string, unknown>,
  files: FileRef[],
  atDesk: boolean,
) {
  const extras = extraDocumentsOf(request);
  const missing = atDesk ? [] : extras.map((name, i) => ({ name, i })).filter(({ i }) => !files.some((f) => f.extraIndex === i));
  if (missing.length) {
    throw badRequest(
      'MISSING_EXTRA_DOCUMENTS',
      `Còn thiếu giấy tờ được yêu cầu bổ sung: ${missing.map(({ name }) => name).join('; ')}.`,
      missing.map(({ i, name }) => ({ path: `extraDocuments/${i}`, message: `thiếu "${name}"` })),
    );
  }
  await attachFiles(tx, dossierId, owner, content, files, atDesk, extras);
}

// Other modules act on dossier events inside the transaction that writes them (the IOC's aggregates, the
// notification outbox), so that a state change, its event and everything derived from it commit together.
// The composition root (app.ts) registers the hooks; the dossiers module does not depend on those modules.
import type { Queryable, Row } from '../db/index.ts';
import type { FileRef } from './files.ts';
import type { Applicant, SystemAction, Who } from './service.ts';

export interface DossierEventRecord {
  id: number;
  at: Date;
  action: string;
  actorKind: string;
  actorName: string;
  fromStatus: number | null;
  toStatus: number | null;
  fromAgency: string | null;
  toAgency: string | null;
  note: string | null;
  data: Record<string, unknown>;
}
/**
 * The dossier row as it is after the change, the event that recorded it, and `then`: a hook that needs the dossier
 * to move on (a fee due once it is received) asks for the platform's action there; the workflow engine performs it
 * after every hook of the action has run, never from inside a hook.
 */
export type DossierEventHook = (tx: Queryable, dossier: Row, event: DossierEventRecord, then: (action: SystemAction) => void) => Promise<void>;

let hooks: readonly DossierEventHook[] = [];

/**
 * Sets the hooks every dossier event runs, one after another in the order given (the composition root declares the
 * order and why: dossier-hooks.ts). Replaces the earlier list, so registering again changes nothing.
 */
export function setDossierEventHooks(ordered: readonly DossierEventHook[]) {
  hooks = [...ordered];
}

/** Dossiers written in bulk by the historical import (their rows and events already inserted), in its transaction. */
export type DossiersImportedHook = (tx: Queryable, dossierIds: string[]) => Promise<void>;

let importHooks: readonly DossiersImportedHook[] = [];

/** Sets the hooks every import chunk runs, in the order given (as setDossierEventHooks). */
export function setDossiersImportedHooks(ordered: readonly DossiersImportedHook[]) {
  importHooks = [...ordered];
}

export async function runDossiersImportedHooks(tx: Queryable, dossierIds: string[]) {
  if (!dossierIds.length) return;
  for (const hook of importHooks) await hook(tx, dossierIds);
}

/** A component taken from the applicant's data store instead of a new upload (dẫn nguồn tài liệu từ Kho). */
export interface StoredPick {
  componentIndex: number;
  documentId: string;
}

/**
 * Turns the picked stored documents into uploads of the submitter, to attach to the new dossier, inside the
 * submission's transaction: the data store module checks that the submitter may use each one and logs the reuse.
 */
export type StoredDocumentsHook = (tx: Queryable, by: Who, applicant: Applicant, dossierId: string, picks: StoredPick[]) => Promise<FileRef[]>;

let storedDocumentsHook: StoredDocumentsHook | null = null;

export function setStoredDocumentsHook(hook: StoredDocumentsHook) {
  storedDocumentsHook = hook;
}

export async function takeStoredDocuments(tx: Queryable, by: Who, applicant: Applicant, dossierId: string, picks: StoredPick[]): Promise<FileRef[]> {
  if (!picks.length) return [];
  if (!storedDocumentsHook) throw new Error('No data store hook registered (registerDossierHooks)');
  return storedDocumentsHook(tx, by, applicant, dossierId, picks);
}

/** Runs every hook for one event; `row` is the dossier as the event left it when the caller has it already. */
export async function runDossierEventHooks(tx: Queryable, dossierId: string, event: DossierEventRecord, then: (action: SystemAction) => void, row?: Row) {
  if (!hooks.length) return;
  const dossier = row ?? (await tx.query('SELECT * FROM dossiers WHERE id = $1', [dossierId]))[0];
  for (const hook of hooks) await hook(tx, dossier, event, then);
}

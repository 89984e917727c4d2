// Other modules act on dossier events inside the transaction that writes them (the IOC's aggregates, the
// notification outbox), so that a state change, its event and everything derived from it commit together.
// The composition root (app.ts) registers the hooks; the dossiers module does not depend on those modules.
import type { Queryable, Row } from '../db/index.ts';
import type { SystemAction } from './service.ts';

export interface DossierEventRecord {
  id: number; at: Date; action: string; actorKind: string; actorName: string;
  fromStatus: number | null; toStatus: number | null; fromAgency: string | null; toAgency: string | null;
  note: string | null; data: Record<string, unknown>;
}
/**
 * The dossier row as it is after the change, the event that recorded it, and `then`: a hook that needs the dossier
 * to move on (a fee due once it is received) asks for the platform's action there; the workflow engine performs it
 * after every hook of the action has run, never from inside a hook.
 */
export type DossierEventHook = (tx: Queryable, dossier: Row, event: DossierEventRecord, then: (action: SystemAction) => void) => Promise<void>;

const hooks = new Set<DossierEventHook>();

export function onDossierEvent(hook: DossierEventHook) {
  hooks.add(hook);
}

/** Dossiers written in bulk by the historical import (their rows and events already inserted), in its transaction. */
export type DossiersImportedHook = (tx: Queryable, dossierIds: string[]) => Promise<void>;

const importHooks = new Set<DossiersImportedHook>();

export function onDossiersImported(hook: DossiersImportedHook) {
  importHooks.add(hook);
}

export async function runDossiersImportedHooks(tx: Queryable, dossierIds: string[]) {
  if (!dossierIds.length) return;
  for (const hook of importHooks) await hook(tx, dossierIds);
}

export async function runDossierEventHooks(tx: Queryable, dossierId: string, event: DossierEventRecord, then: (action: SystemAction) => void) {
  if (!hooks.size) return;
  const [dossier] = await tx.query('SELECT * FROM dossiers WHERE id = $1', [dossierId]);
  for (const hook of hooks) await hook(tx, dossier, event, then);
}

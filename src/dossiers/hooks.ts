// Other modules act on dossier events inside the transaction that writes them (the IOC's aggregates, the
// notification outbox), so that a state change, its event and everything derived from it commit together.
// The composition root (app.ts) registers the hooks; the dossiers module does not depend on those modules.
import type { Queryable, Row } from '../db/index.ts';

export interface DossierEventRecord {
  id: number; at: Date; action: string; actorKind: string; actorName: string;
  fromStatus: number | null; toStatus: number | null; fromAgency: string | null; toAgency: string | null;
  note: string | null; data: Record<string, unknown>;
}
/** The dossier row as it is after the change, and the event that recorded it. */
export type DossierEventHook = (tx: Queryable, dossier: Row, event: DossierEventRecord) => Promise<void>;

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

export async function runDossierEventHooks(tx: Queryable, dossierId: string, event: DossierEventRecord) {
  if (!hooks.size) return;
  const [dossier] = await tx.query('SELECT * FROM dossiers WHERE id = $1', [dossierId]);
  for (const hook of hooks) await hook(tx, dossier, event);
}

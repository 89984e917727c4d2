// The other modules' dossier-event hooks, registered in one place for every entry point that writes dossiers (the
// server, the import CLI, the generator), so that derived writes commit with each event and each import chunk.
import { setDossierEventHooks, setDossiersImportedHooks, setStoredDocumentsHook, type DossierEventHook } from './dossiers/hooks.ts';
import { recordDossierStatistics, recordImportedDossiers } from './stats/service.ts';
import { enqueueDossierNotifications } from './notifications/service.ts';
import { keepSubmittedDocuments, reuseStoredDocuments } from './datastore/service.ts';
import { onDossierEventForPayments } from './payments/service.ts';
import { enqueueNationalSync } from './national/service.ts';

/**
 * What every dossier event runs, in its transaction, in this order. A hook that needs the dossier to move on (payments:
 * the fee due at an online dossier's acceptance) asks the workflow engine for a follow-up action, which runs after
 * every hook of this event; so each hook records this event with the dossier row as this event left it.
 */
export const DOSSIER_EVENT_HOOKS: readonly DossierEventHook[] = [
  // The IOC's counters and open set, from the dossier row handed over.
  recordDossierStatistics,
  // The citizen's messages (outbox): before payments, so that "received" is queued before "pay the fee". No order
  // against the counters.
  enqueueDossierNotifications,
  // Submitted files into the applicant's data store: no order against the hooks above; before payments with the rest
  // of this event's records.
  keepSubmittedDocuments,
  // The national portal's message for this event (outbox): before payments, so that this event's status is queued
  // before the follow-up's (request_payment's 6 after acceptance's 2), and it reads the dossier row as this event left
  // it; no order against the hooks above.
  enqueueNationalSync,
  // Fees: last, so that the follow-up it asks for (request_payment at acceptance) is queued after everything this
  // event records; the engine runs it, and this list again for its event, once this list is done.
  onDossierEventForPayments,
];

/** What every chunk of the historical import runs, in its transaction (imported events have no follow-ups). */
export const DOSSIERS_IMPORTED_HOOKS = [recordImportedDossiers];

export function registerDossierHooks() {
  setDossierEventHooks(DOSSIER_EVENT_HOOKS);
  setDossiersImportedHooks(DOSSIERS_IMPORTED_HOOKS);
  // Components taken from the applicant's data store at submission.
  setStoredDocumentsHook(reuseStoredDocuments);
}

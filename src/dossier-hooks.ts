// The other modules' dossier-event hooks, registered in one place for every entry point that writes dossiers (the
// server, the import CLI, the generator), so that derived writes commit with each event and each import chunk.
import { setDossierEventHooks, setDossiersImportedHooks, setStoredDocumentsHook, type DossierEventHook } from './dossiers/hooks.ts';
import { recordDossierStatistics, recordImportedDossiers } from './stats/service.ts';
import { enqueueDossierNotifications } from './notifications/service.ts';
import { keepSubmittedDocuments, reuseStoredDocuments } from './datastore/service.ts';
import { onDossierEventForPayments } from './payments/service.ts';

/**
 * What every dossier event runs, in its transaction, in this order. The order that matters: a hook that acts on the
 * dossier itself (payments) writes a follow-up event whose hooks run, nested, before the outer list has finished; so
 * every hook that records this event must come before it, or it would record the follow-up first and then this event
 * with the dossier row as it was before the follow-up.
 */
export const DOSSIER_EVENT_HOOKS: readonly DossierEventHook[] = [
  // The IOC's counters and open set, from the dossier row handed over: before payments, or a fee requested at
  // acceptance (clock paused) would be counted first and then overwritten in the open set by acceptance's older row.
  recordDossierStatistics,
  // The citizen's messages (outbox): before payments, so that "received" is queued before "pay the fee". No order
  // against the counters.
  enqueueDossierNotifications,
  // Submitted files into the applicant's data store: no order against the hooks above; before payments with the rest
  // of this event's records.
  keepSubmittedDocuments,
  // Fees: last, because it performs a follow-up action (the fee requested at an online dossier's acceptance,
  // request_payment) that writes the next event and runs this list again for it.
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

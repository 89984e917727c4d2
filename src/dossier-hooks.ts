// The other modules' dossier-event hooks, registered in one place for every entry point that writes dossiers (the
// server, the import CLI, the generator), so that derived writes commit with each event and each import chunk.
import { onDossierEvent, onDossiersImported, onStoredDocumentsPicked } from './dossiers/hooks.ts';
import { recordDossierStatistics, recordImportedDossiers } from './stats/service.ts';
import { enqueueDossierNotifications } from './notifications/service.ts';
import { keepSubmittedDocuments, reuseStoredDocuments } from './datastore/service.ts';
import { onDossierEventForPayments } from './payments/service.ts';

export function registerDossierHooks() {
  // The IOC's counters, and the citizen's notifications.
  onDossierEvent(recordDossierStatistics);
  onDossiersImported(recordImportedDossiers);
  onDossierEvent(enqueueDossierNotifications);
  // Submitted files into the applicant's data store; fees owed at reception and payments settled with the dossier.
  onDossierEvent(keepSubmittedDocuments);
  onDossierEvent(onDossierEventForPayments);
  // Components taken from the applicant's data store at submission.
  onStoredDocumentsPicked(reuseStoredDocuments);
}

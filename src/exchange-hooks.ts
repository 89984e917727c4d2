// The documents module's handlers of the document exchange, registered in one place (as dossier-hooks.ts does for
// dossiers) for every entry point that builds the app: the exchange module reads no other module's tables.
import { isOrganisationCode, platformOrganisations } from './agencies/service.ts';
import { documentFromOutside, isKnownDocumentType, recallFromOutside, statusFromOutside } from './documents/exchange.ts';
import { setExchangeHandlers } from './exchange/service.ts';
import type { SigningProvider } from './signing/service.ts';

export function registerExchangeHandlers(signing: SigningProvider) {
  return setExchangeHandlers({
    localOrganisations: async (db) => (await platformOrganisations(db)).map((o) => ({ organId: o.code, organName: o.name })),
    isKnownOrganisation: async (_db, organId) => isOrganisationCode(organId),
    isKnownDocumentType,
    // A received PDF must carry intact signatures of a trusted authority (the platform's own, for its signing provider).
    trustedAuthorities: (db) => signing.trustedAuthorities(db),
    documentReceived: documentFromOutside,
    statusReceived: statusFromOutside,
    recallRequested: recallFromOutside,
  });
}

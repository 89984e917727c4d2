// The other modules' feedback-event hooks, registered in one place (as dossier-hooks.ts does for dossiers), so that
// what follows from a feedback step commits with its event.
import { type FeedbackEventHook, setFeedbackEventHooks } from './feedback/hooks.ts';
import { enqueueFeedbackNotifications } from './notifications/service.ts';

/** What every feedback event runs, in its transaction, in this order. */
export const FEEDBACK_EVENT_HOOKS: readonly FeedbackEventHook[] = [
  // The reporter's messages (outbox) for the public steps.
  enqueueFeedbackNotifications,
];

export function registerFeedbackHooks() {
  setFeedbackEventHooks(FEEDBACK_EVENT_HOOKS);
}

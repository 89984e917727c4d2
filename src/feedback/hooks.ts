// Other modules act on feedback events inside the transaction that writes them (the reporter's messages in the
// notification outbox), so that a step, its event and what follows from it commit together. The composition file
// (feedback-hooks.ts) registers them; the feedback module depends on none of those modules.
import type { Queryable, Row } from '../db/index.ts';

export interface FeedbackEventRecord {
  id: number;
  at: Date;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  actorKind: 'staff' | 'citizen' | 'anonymous' | 'system';
  /** The agency holding the case after the step. */
  agencyId: string | null;
  note: string | null;
  data: Record<string, unknown>;
  /** A step shown on the published page and to the reporter. */
  public: boolean;
}

/** The case row as the event left it, and the event. */
export type FeedbackEventHook = (tx: Queryable, feedbackCase: Row, event: FeedbackEventRecord) => Promise<void>;

let hooks: readonly FeedbackEventHook[] = [];

/** Sets the hooks every feedback event runs, in the order given; replaces the earlier list. */
export function setFeedbackEventHooks(ordered: readonly FeedbackEventHook[]) {
  hooks = [...ordered];
}

export async function runFeedbackEventHooks(tx: Queryable, caseId: string, event: FeedbackEventRecord) {
  if (!hooks.length) return;
  const [row] = await tx.query('SELECT * FROM feedback_cases WHERE id = $1', [caseId]);
  for (const hook of hooks) await hook(tx, row, event);
}

// The workflow engine: every kind of case the platform handles (dossiers today; feedback, documents and reports next)
// declares its states, its actions, who may take each action (the policy table) and what each action does, and this
// module checks the declaration when it is loaded, performs actions and tells each user which actions they may take.
// One path for every action: lock the case, check who may act (an unknown id and a case one may not see answer the
// same 404; a party who sees it but may not act 403), then the state (409), then write the new state and its events in
// the caller's transaction, the events' hooks included; follow-up actions the hooks ask for run after them, in order.
import type { Queryable } from '../db/index.ts';
import { isSystemAdmin, ROLES, type Actor, type Role } from '../shared/actor.ts';
import { AppError, conflict, forbidden, notFound } from '../shared/errors.ts';

/** Who acts: a staff member, or a citizen (the owner of their own cases). The platform itself is `null`. */
export type Party = { kind: 'staff'; actor: Actor } | { kind: 'citizen'; citizen: { id: string } };

/**
 * How a case's working-time clock stands in a state: not started (before reception), running, paused (waiting for
 * the citizen), or stopped (the case ended or its result is out).
 */
export type Clock = 'not_started' | 'runs' | 'paused' | 'stopped';

export interface StateDeclaration {
  name: string;
  clock: Clock;
  /** No action leaves it. */
  final?: boolean;
}

/**
 * One line of the policy table: staff holding one of `roles` in an organisation the case names under one of `scopes`
 * (the case type says what each scope is, e.g. the one-stop desk or the agency handling the current step), or the
 * citizen who owns the case. `roles` may name a role the case type resolves on the case (`'step'`: the role its
 * current step names); while it resolves to none, and with `atStep` while the case is at no step, the rule leaves the
 * answer to the state. With `assignee`, a step assigned to a named officer is theirs alone.
 */
export interface PolicyRule {
  roles?: readonly Role[] | string;
  scopes?: readonly string[];
  owner?: boolean;
  atStep?: boolean;
  assignee?: boolean;
  /** No system-administrator exception to the scope: signing for an agency is for its own people only. */
  ownScopeOnly?: boolean;
}

/** What an action writes: the case's changed columns and its events, in order. */
export interface Change<E> {
  set: Record<string, unknown>;
  events: E[];
}

export interface ActionDeclaration<C, S, I, E> {
  /** The label a client shows on the button (Vietnamese), which may depend on the case and the party (approving at the last step). */
  label: string | ((c: C, by: Party | null) => string);
  /** The states it can be taken in, and the states it can lead to (staying put needs no entry). */
  from: readonly S[];
  to: readonly S[];
  /** Who may take it; an empty table leaves the decision to `check` (e.g. answering a question asked of oneself). */
  policy: readonly PolicyRule[];
  /** The platform itself may take it (a payment settled by the bank). */
  system?: boolean;
  /** The conflict when the case is in a state outside `from` (default: a generic one naming the state). */
  refusal?: (c: C) => AppError;
  /** Further conditions on the case as it stands (409, or 403 for conditions on the party). */
  check?: (c: C, by: Party | null, now: Date) => AppError | null | Promise<AppError | null>;
  /**
   * For an action whose policy table is empty because the input names what decides (the question being answered):
   * whether the allowed actions offer it to this party now. `perform` still refuses any input that does not qualify.
   */
  offered?: (c: C, by: Party) => boolean;
  /** The change; may still refuse bad input (400). */
  perform: (tx: Queryable, c: C, input: I, by: Party | null, now: Date) => Promise<Change<E>>;
}

/** The follow-up actions hooks ask for: performed after the current action's hooks have all run, in the same transaction. */
export class FollowUps {
  private readonly queue: (() => Promise<unknown>)[] = [];

  add<C, S extends string | number, I extends { action: string }, E>(type: CaseType<C, S, I, E>, tx: Queryable, id: string, input: I) {
    this.queue.push(() => performIn(type, tx, null, id, input, {}, this));
  }

  async drain() {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) await next();
  }
}

/**
 * Writes a change's columns to a case row (a table with `revision` and `updated_at`), moving its revision on: the
 * `write` of a case type whose rows are plain tables. `table` is the case type's own constant, never input.
 */
export async function updateCaseRow(tx: Queryable, table: string, id: string, set: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(set);
  if (!columns.length) return;
  await tx.query(`UPDATE ${table} SET ${columns.map((col, i) => `${col} = $${i + 2}`).join(', ')}, revision = revision + 1, updated_at = now() WHERE id = $1`, [
    id,
    ...columns.map((col) => set[col]),
  ]);
}

export interface CaseType<C, S extends string | number, I extends { action: string }, E> {
  /** e.g. "dossier": named in errors and in the declaration check. */
  name: string;
  /** What users call one case, in error messages ("hồ sơ"). */
  noun: string;
  states: Record<S, StateDeclaration>;
  /** The states a new case can start in. */
  initial: readonly S[];
  actions: { [A in I['action']]: ActionDeclaration<C, S, Extract<I, { action: A }>, E> };
  /** Reads one case (`lock`: FOR UPDATE); null when there is none. */
  load(tx: Queryable, id: string, lock: boolean): Promise<C | null>;
  state(c: C): S;
  /** The state a change leaves the case in (to hold every action to the states it declares). */
  stateAfter(c: C, change: Change<E>): S;
  /** Who may see the case at all; everyone else is answered as if it did not exist. */
  visible(tx: Queryable, by: Party, c: C): Promise<boolean>;
  /** The scopes policy rules may name, and the organisations (agency ids) each names on a case. */
  scopes: Record<string, (c: C) => readonly string[]>;
  /** The roles a policy rule can name, resolved on a case (null: none now); `step` is the current step's role. */
  namedRoles: { step: (c: C) => Role | null } & Record<string, (c: C) => Role | null>;
  assigneeId(c: C): string | null;
  owner(c: C): string | null;
  /** The organisation a staff member works in (the scope rules compare it). */
  organisationOf(tx: Queryable, actor: Actor): Promise<string>;
  /** The revision a client saw, to refuse a change made on a stale page. */
  revision(c: C): number;
  /** Writes the change: the row, then each event (whose hooks may add follow-ups). */
  write(tx: Queryable, c: C, change: Change<E>, by: Party | null, followUps: FollowUps): Promise<void>;
}

/**
 * Checks a declaration and returns it: every state reachable from a starting state, every state that is not final
 * has an action that leaves it, a final state none, every action names declared states, every role exists.
 */
export function defineCaseType<C, S extends string | number, I extends { action: string }, E>(type: CaseType<C, S, I, E>): CaseType<C, S, I, E> {
  const problems: string[] = [];
  const states = new Set(Object.keys(type.states));
  const known = (s: S) => states.has(String(s));
  const actions = Object.entries(type.actions) as [string, ActionDeclaration<C, S, never, E>][];
  for (const [name, a] of actions) {
    for (const s of [...a.from, ...a.to]) if (!known(s)) problems.push(`thao tác "${name}" nêu trạng thái "${s}" không được khai báo`);
    for (const rule of a.policy) {
      if (typeof rule.roles === 'string' && !type.namedRoles[rule.roles]) problems.push(`thao tác "${name}" nêu vai trò "${rule.roles}" không tồn tại`);
      if (Array.isArray(rule.roles))
        for (const r of rule.roles) if (!(ROLES as readonly string[]).includes(r)) problems.push(`thao tác "${name}" nêu vai trò "${r}" không tồn tại`);
      if (!rule.owner && !rule.roles) problems.push(`thao tác "${name}" có dòng phân quyền không nêu vai trò`);
      if (rule.roles && !rule.scopes?.length) problems.push(`thao tác "${name}" có dòng phân quyền không nêu phạm vi`);
      for (const scope of rule.scopes ?? []) if (!type.scopes[scope]) problems.push(`thao tác "${name}" nêu phạm vi "${scope}" không được khai báo`);
    }
  }
  for (const s of type.initial) if (!known(s)) problems.push(`trạng thái bắt đầu "${s}" không được khai báo`);
  const reached = new Set(type.initial.map(String));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [, a] of actions) {
      if (!a.from.some((s) => reached.has(String(s)))) continue;
      for (const s of a.to)
        if (!reached.has(String(s))) {
          reached.add(String(s));
          grew = true;
        }
    }
  }
  for (const [s, decl] of Object.entries(type.states) as [string, StateDeclaration][]) {
    if (!reached.has(s)) problems.push(`trạng thái "${s}" (${decl.name}) không thể đạt tới`);
    const exits = actions.some(([, a]) => a.from.some((f) => String(f) === s) && a.to.some((t) => String(t) !== s));
    if (!decl.final && !exits) problems.push(`trạng thái "${s}" (${decl.name}) chưa kết thúc nhưng không có thao tác nào rời khỏi`);
    if (decl.final && exits) problems.push(`trạng thái "${s}" (${decl.name}) là trạng thái cuối nhưng có thao tác rời khỏi`);
  }
  if (problems.length) throw new Error(`Khai báo quy trình "${type.name}" không hợp lệ: ${problems.join('; ')}.`);
  return type;
}

const labelOf = <C>(action: { label: string | ((c: C, by: Party | null) => string) }, c: C, by: Party | null) =>
  typeof action.label === 'string' ? action.label : action.label(c, by);
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

type Verdict = { ok: true } | { ok: false; error: AppError } | { ok: 'by_state' };

/** The policy table's answer for one action on one case: allowed, refused (403), or left to the state (a step rule off-step). */
async function policyVerdict<C, S extends string | number, I extends { action: string }, E>(
  tx: Queryable,
  type: CaseType<C, S, I, E>,
  by: Party | null,
  c: C,
  action: ActionDeclaration<C, S, never, E>,
  organisation: (actor: Actor) => Promise<string> = (actor) => type.organisationOf(tx, actor),
): Promise<Verdict> {
  if (by === null) return action.system ? { ok: true } : { ok: false, error: forbidden() };
  if (by.kind === 'citizen') {
    return action.policy.some((r) => r.owner) && type.owner(c) === by.citizen.id
      ? { ok: true }
      : { ok: false, error: forbidden('Thao tác này dành cho cán bộ.') };
  }
  const rules = action.policy.filter((r) => r.roles);
  if (!rules.length) return action.policy.length ? { ok: false, error: forbidden('Thao tác này dành cho người nộp hồ sơ.') } : { ok: 'by_state' };
  const rolesOf = (r: PolicyRule): (Role | null)[] => (typeof r.roles === 'string' ? [type.namedRoles[r.roles](c)] : [...r.roles!]);
  const atNoStep = type.namedRoles.step(c) === null;
  // Rules that do not apply as the case stands (no step, no such role now) drop out; with none left, the state answers.
  const live = rules.filter((r) => !(r.atStep && atNoStep) && !rolesOf(r).includes(null));
  if (!live.length) return { ok: 'by_state' };
  const roles = [...new Set(live.flatMap(rolesOf))] as Role[];
  if (!by.actor.roles.some((r) => roles.includes(r))) return { ok: false, error: forbidden(`Thao tác này dành cho vai trò: ${roles.join(', ')}.`) };
  const org = await organisation(by.actor);
  const holds = (r: PolicyRule) => rolesOf(r).some((role) => role !== null && by.actor.roles.includes(role));
  const matching = live.filter(holds);
  if (!matching.some((r) => (isSystemAdmin(by.actor) && !r.ownScopeOnly) || (r.scopes ?? []).some((s) => type.scopes[s](c).includes(org)))) {
    return { ok: false, error: forbidden(`${capitalized(type.noun)} đang do cơ quan khác xử lý ở bước này.`) };
  }
  const assignee = type.assigneeId(c);
  if (matching.every((r) => r.assignee) && assignee && assignee !== by.actor.userId) {
    return { ok: false, error: forbidden('Bước xử lý này đã được phân công cho cán bộ khác.') };
  }
  return { ok: true };
}

/** The state's answer: null when the action can be taken in the case's state now. */
async function stateVerdict<C, S extends string | number, I extends { action: string }, E>(
  type: CaseType<C, S, I, E>,
  by: Party | null,
  c: C,
  name: string,
  action: ActionDeclaration<C, S, never, E>,
  now: Date,
): Promise<AppError | null> {
  const state = type.state(c);
  if (!action.from.includes(state)) {
    return (
      action.refusal?.(c) ??
      conflict(
        'INVALID_TRANSITION',
        `Không thể thực hiện "${labelOf(action, c, by).toLowerCase()}" khi ${type.noun} đang ở trạng thái "${type.states[state].name}".`,
        { action: name },
      )
    );
  }
  return (await action.check?.(c, by, now)) ?? null;
}

/**
 * Performs one action in the caller's transaction: permission before state (404, 403, then 409), the change written
 * with its events, then the follow-ups the events' hooks asked for. Returns the case as it was before the change.
 */
export async function perform<C, S extends string | number, I extends { action: string }, E>(
  type: CaseType<C, S, I, E>,
  tx: Queryable,
  by: Party | null,
  id: string,
  input: I,
  opts: { expectedRevision?: number } = {},
): Promise<C> {
  const followUps = new FollowUps();
  const c = await performIn(type, tx, by, id, input, opts, followUps);
  await followUps.drain();
  return c;
}

async function performIn<C, S extends string | number, I extends { action: string }, E>(
  type: CaseType<C, S, I, E>,
  tx: Queryable,
  by: Party | null,
  id: string,
  input: I,
  opts: { expectedRevision?: number },
  followUps: FollowUps,
): Promise<C> {
  const c = await type.load(tx, id, true);
  if (!c || (by && !(await type.visible(tx, by, c)))) throw notFound(type.noun);
  const action = type.actions[input.action as I['action']] as ActionDeclaration<C, S, I, E> | undefined;
  if (!action) throw new AppError(400, 'UNKNOWN_ACTION', `Thao tác "${input.action}" không có trong quy trình.`);
  const verdict = await policyVerdict(tx, type, by, c, action as ActionDeclaration<C, S, never, E>);
  if (verdict.ok === false) throw verdict.error;
  if (opts.expectedRevision !== undefined && type.revision(c) !== opts.expectedRevision) {
    throw conflict(`STALE_${type.name.toUpperCase()}`, `${capitalized(type.noun)} vừa được người khác cập nhật; vui lòng tải lại.`);
  }
  const now = new Date();
  const refusal = await stateVerdict(type, by, c, input.action, action as ActionDeclaration<C, S, never, E>, now);
  if (refusal) throw refusal;
  const change = await action.perform(tx, c, input, by, now);
  const next = type.stateAfter(c, change);
  if (next !== type.state(c) && !action.to.includes(next)) {
    throw new AppError(500, 'UNDECLARED_TRANSITION', `Thao tác "${input.action}" đưa ${type.noun} tới trạng thái "${next}" không có trong khai báo quy trình.`);
  }
  await type.write(tx, c, change, by, followUps);
  return c;
}

/**
 * Whether `by` may take the action on the case now (without locking it): the error `perform` would answer, or null.
 * For work that must be refused before it starts (rendering and signing a document) and is then performed.
 */
export async function refusalOf<C, S extends string | number, I extends { action: string }, E>(
  type: CaseType<C, S, I, E>,
  tx: Queryable,
  by: Party,
  id: string,
  name: I['action'],
): Promise<AppError | null> {
  const c = await type.load(tx, id, false);
  if (!c || !(await type.visible(tx, by, c))) return notFound(type.noun);
  const action = type.actions[name] as ActionDeclaration<C, S, never, E>;
  const verdict = await policyVerdict(tx, type, by, c, action);
  if (verdict.ok === false) return verdict.error;
  return stateVerdict(type, by, c, name, action, new Date());
}

export interface AllowedAction {
  action: string;
  label: string;
}

/** The actions `by` may take on the case now, in declaration order: exactly those `perform` would not refuse. */
export async function allowedActions<C, S extends string | number, I extends { action: string }, E>(
  type: CaseType<C, S, I, E>,
  tx: Queryable,
  by: Party,
  c: C,
): Promise<AllowedAction[]> {
  const now = new Date();
  const allowed: AllowedAction[] = [];
  let organisation: Promise<string> | undefined; // looked up once for all the actions
  const once = (actor: Actor) => (organisation ??= type.organisationOf(tx, actor));
  for (const [name, action] of Object.entries(type.actions) as [string, ActionDeclaration<C, S, never, E>][]) {
    const verdict = await policyVerdict(tx, type, by, c, action, once);
    if (verdict.ok === false || (action.offered && !action.offered(c, by))) continue;
    if (!(await stateVerdict(type, by, c, name, action, now))) allowed.push({ action: name, label: labelOf(action, c, by) });
  }
  return allowed;
}

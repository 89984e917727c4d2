// The workflow engine's own rules, on a small case type held in memory: a declaration is checked when it is loaded
// (every problem named), permission comes before state, and follow-up actions run after the hooks that asked for them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Queryable } from '../db/index.ts';
import type { Actor } from '../shared/actor.ts';
import type { AppError } from '../shared/errors.ts';
import { allowedActions, defineCaseType, perform, type CaseType, type FollowUps } from './engine.ts';

type State = 'open' | 'waiting' | 'closed';
interface Ticket {
  id: string;
  state: State;
  agency: string;
  owner: string;
  revision: number;
}
type Input = { action: 'ask' } | { action: 'answer' } | { action: 'close' };

const actor = (roles: Actor['roles'], agencyId = 'a1'): Actor => ({
  userId: `u-${roles.join()}`,
  username: 'x',
  fullName: 'X',
  roles,
  agencyId,
  agencyPath: agencyId,
});
const noTx = {} as Queryable;

function ticketType(overrides: Partial<CaseType<Ticket, State, Input, string>> = {}, log: string[] = [], store = new Map<string, Ticket>()) {
  const type: CaseType<Ticket, State, Input, string> = {
    name: 'ticket',
    noun: 'phiếu',
    states: { open: { name: 'Mở', clock: 'runs' }, waiting: { name: 'Chờ', clock: 'paused' }, closed: { name: 'Đóng', clock: 'stopped', final: true } },
    initial: ['open'],
    actions: {
      ask: {
        label: 'Hỏi',
        from: ['open'],
        to: ['waiting'],
        policy: [{ roles: ['specialist'], scopes: ['handling'] }],
        perform: async () => ({ set: { state: 'waiting' }, events: ['ask'] }),
      },
      answer: {
        label: 'Trả lời',
        from: ['waiting'],
        to: ['open'],
        policy: [{ owner: true }],
        system: true,
        perform: async () => ({ set: { state: 'open' }, events: ['answer'] }),
      },
      close: {
        label: 'Đóng',
        from: ['open', 'waiting'],
        to: ['closed'],
        policy: [{ roles: ['unit_leader'], scopes: ['handling'] }],
        perform: async () => ({ set: { state: 'closed' }, events: ['close'] }),
      },
    },
    load: async (_tx, id) => (store.has(id) ? { ...store.get(id)! } : null),
    state: (c) => c.state,
    stateAfter: (c, change) => (change.set.state as State | undefined) ?? c.state,
    visible: async (_tx, by, c) => (by.kind === 'citizen' ? by.citizen.id === c.owner : by.actor.agencyId === c.agency),
    scopes: { handling: (c) => [c.agency] },
    namedRoles: { step: () => null },
    assigneeId: () => null,
    owner: (c) => c.owner,
    organisationOf: async (_tx, a) => a.agencyId,
    revision: (c) => c.revision,
    write: async (_tx, c, change, _by, followUps: FollowUps) => {
      store.set(c.id, { ...c, ...(change.set as Partial<Ticket>), revision: c.revision + 1 });
      for (const e of change.events) {
        log.push(`event ${e}`);
        // A hook: asking is answered at once by the platform, after this event's hooks have all run.
        if (e === 'ask') {
          followUps.add(type, noTx, c.id, { action: 'answer' });
          log.push('hook asked for answer');
        }
        log.push(`hooks of ${e} done`);
      }
    },
    ...overrides,
  };
  return type;
}

describe('workflow engine', () => {
  test('a broken declaration is refused at load, naming each problem', () => {
    const base = ticketType();
    assert.throws(
      () => defineCaseType<Ticket, State, Input, string>({ ...base, states: { ...base.states, lost: { name: 'Thất lạc', clock: 'runs' } } as never }),
      (err: Error) =>
        /trạng thái "lost" \(Thất lạc\) không thể đạt tới/.test(err.message) &&
        /"lost" \(Thất lạc\) chưa kết thúc nhưng không có thao tác nào rời khỏi/.test(err.message),
    );
    assert.throws(
      () =>
        defineCaseType<Ticket, State, Input, string>({
          ...base,
          actions: { ...base.actions, close: { ...base.actions.close, policy: [{ roles: ['mayor' as never], scopes: ['handling'] }] } },
        }),
      /thao tác "close" nêu vai trò "mayor" không tồn tại/,
    );
    assert.throws(
      () =>
        defineCaseType<Ticket, State, Input, string>({
          ...base,
          actions: { ...base.actions, ask: { ...base.actions.ask, policy: [{ roles: 'approver', scopes: ['handling'] }] } },
        }),
      /thao tác "ask" nêu vai trò "approver" không tồn tại/,
    );
    assert.throws(
      () => defineCaseType<Ticket, State, Input, string>({ ...base, actions: { ...base.actions, ask: { ...base.actions.ask, to: ['archived' as State] } } }),
      /thao tác "ask" nêu trạng thái "archived" không được khai báo/,
    );
    assert.throws(
      () =>
        defineCaseType<Ticket, State, Input, string>({
          ...base,
          actions: { ...base.actions, close: { ...base.actions.close, policy: [{ roles: ['unit_leader'], scopes: ['province'] }] } },
        }),
      /thao tác "close" nêu phạm vi "province" không được khai báo/,
    );
    assert.throws(
      () => defineCaseType<Ticket, State, Input, string>({ ...base, states: { ...base.states, closed: { name: 'Đóng', clock: 'stopped' } } }),
      /trạng thái "closed" \(Đóng\) chưa kết thúc/,
    );
    assert.doesNotThrow(() => defineCaseType(base));
  });

  test('permission before state: unseen 404, unpermitted 403, then the state 409; the allowed list agrees', async () => {
    const store = new Map<string, Ticket>([['t1', { id: 't1', state: 'open', agency: 'a1', owner: 'c1', revision: 0 }]]);
    const type = defineCaseType(ticketType({}, [], store));
    const status = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: AppError) => e.statusCode,
      );
    const specialist = { kind: 'staff' as const, actor: actor(['specialist']) };
    const elsewhere = { kind: 'staff' as const, actor: actor(['specialist'], 'a2') };
    const citizen = { kind: 'citizen' as const, citizen: { id: 'c1' } };
    assert.equal(await status(perform(type, noTx, elsewhere, 't1', { action: 'ask' })), 404);
    assert.equal(await status(perform(type, noTx, specialist, 'nope', { action: 'ask' })), 404);
    assert.equal(await status(perform(type, noTx, specialist, 't1', { action: 'close' })), 403);
    assert.equal(await status(perform(type, noTx, citizen, 't1', { action: 'answer' })), 409, 'the owner may answer, but nothing is asked');
    assert.deepEqual(
      (await allowedActions(type, noTx, specialist, store.get('t1')!)).map((a) => a.action),
      ['ask'],
    );
    assert.deepEqual(
      (await allowedActions(type, noTx, citizen, store.get('t1')!)).map((a) => a.action),
      [],
    );
  });

  test('a follow-up a hook asks for runs after every hook of the action, not inside them', async () => {
    const log: string[] = [];
    const store = new Map<string, Ticket>([['t1', { id: 't1', state: 'open', agency: 'a1', owner: 'c1', revision: 0 }]]);
    const type = defineCaseType(ticketType({}, log, store));
    await perform(type, noTx, { kind: 'staff', actor: actor(['specialist']) }, 't1', { action: 'ask' });
    assert.deepEqual(log, ['event ask', 'hook asked for answer', 'hooks of ask done', 'event answer', 'hooks of answer done']);
    assert.equal(store.get('t1')!.state, 'open', 'answered by the platform');
    assert.equal(store.get('t1')!.revision, 2);
  });

  test('an action that leads to a state its declaration does not name is refused, and nothing is written', async () => {
    const store = new Map<string, Ticket>([['t1', { id: 't1', state: 'open', agency: 'a1', owner: 'c1', revision: 0 }]]);
    const base = ticketType({}, [], store);
    const type = defineCaseType<Ticket, State, Input, string>({
      ...base,
      actions: { ...base.actions, close: { ...base.actions.close, perform: async () => ({ set: { state: 'waiting' }, events: ['close'] }) } },
    });
    await assert.rejects(
      perform(type, noTx, { kind: 'staff', actor: actor(['unit_leader']) }, 't1', { action: 'close' }),
      (err: AppError) => err.statusCode === 500 && err.code === 'UNDECLARED_TRANSITION',
    );
    assert.deepEqual(store.get('t1'), { id: 't1', state: 'open', agency: 'a1', owner: 'c1', revision: 0 });
  });
});

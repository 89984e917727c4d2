// The actions a dossier page offers are exactly the actions the server accepts. Over the demo procedures (one per
// distinct workflow: roles, liên thông, level, online or not), dossiers are taken through every status — waiting for
// reception, received and assigned, asked about, supplementing, at each step, owing a fee, approved, signed,
// returned, withdrawn, stopped, refused — and at each one every demo party who can see or act (the staff of the
// agencies involved, an outsider, an IOC viewer, the system administrator, the owner citizen and another citizen)
// tries every action of the declaration, each in a transaction rolled back afterwards: the action is accepted if and
// only if the party's allowedActions lists it.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Row } from '../db/index.ts';
import type { Actor, Role } from '../shared/actor.ts';
import { AppError } from '../shared/errors.ts';
import type { Citizen } from '../citizens/service.ts';
import type { ProcedureContent } from '../catalog/types.ts';
import { perform } from '../workflow/engine.ts';
import { upload } from '../payments/testkit.ts';
import { citizenSignIn, eachDatabase, type Requester } from '../testing/harness.ts';
import { formData } from '../testing/samples.ts';
import { act, getDossier, submitDossier, type Who } from './service.ts';
import { dossierWorkflow, type Action } from './workflow.ts';

const OWNER = { idNumber: '092200007788', name: 'Lâm Thị Thanh Thúy' };
const STRANGER = { idNumber: '092190001313', name: 'Đặng Thị Mười Một' };
const LEVEL_KINDS: Record<string, string> = { commune: 'commune_committee', department: 'department', province: 'province_committee' };
const ROLLBACK = new Error('rollback');

eachDatabase('allowed actions are exactly the accepted ones', { demo: true }, (ctx) => {
  let staff: (Actor & { organisationId: string; active: boolean })[];
  let agencies: Row[];
  let ownerRequester: Requester;
  let owner: Who;
  let stranger: Who;

  before(async () => {
    agencies = await ctx.db.query('SELECT id, code, kind, parent_id, path, active FROM agencies');
    const byId = new Map(agencies.map((a) => [a.id, a]));
    const organisationOf = (id: string): string => {
      let a = byId.get(id)!;
      while (a.kind === 'unit' && a.parent_id) a = byId.get(a.parent_id)!;
      return a.id;
    };
    const users = await ctx.db.query(
      'SELECT u.id, u.username, u.full_name, u.roles, u.agency_id, u.active, a.path FROM users u JOIN agencies a ON a.id = u.agency_id ORDER BY u.username',
    );
    staff = users.map((u) => ({
      userId: u.id,
      username: u.username,
      fullName: u.full_name,
      roles: u.roles as Role[],
      agencyId: u.agency_id,
      agencyPath: u.path,
      organisationId: organisationOf(u.agency_id),
      active: u.active,
    }));
    ownerRequester = await citizenSignIn(ctx.app, OWNER.idNumber, OWNER.name);
    await citizenSignIn(ctx.app, STRANGER.idNumber, STRANGER.name);
    const citizen = async (idNumber: string): Promise<Who> => {
      const [c] = await ctx.db.query('SELECT * FROM citizens WHERE id_number = $1', [idNumber]);
      return {
        kind: 'citizen',
        citizen: { id: c.id, idNumber: c.id_number, fullName: c.full_name, birthDate: null, phone: null, email: null, identityLevel: 2 } as Citizen,
      };
    };
    owner = await citizen(OWNER.idNumber);
    stranger = await citizen(STRANGER.idNumber);
  });

  const nameOf = (w: Who) => (w.kind === 'staff' ? w.actor.username : w === owner ? 'công dân chủ hồ sơ' : 'công dân khác');
  const someone = (role: Role, organisation: string) => staff.find((s) => s.active && s.roles.includes(role) && s.organisationId === organisation);
  const must = (role: Role, organisation: string) => {
    const s = someone(role, organisation);
    assert.ok(s, `không có ${role} tại ${organisation}`);
    return { kind: 'staff', actor: s } as Who;
  };
  const row = async (id: string) => (await ctx.db.query('SELECT * FROM dossiers WHERE id = $1', [id]))[0];

  /** A valid input for each action on the dossier as it stands, for this party. */
  async function inputFor(action: Action['action'], d: Row, content: ProcedureContent, who: Who): Promise<Action> {
    switch (action) {
      case 'accept':
        return { action };
      case 'request_supplement':
        return { action, reasons: ['Bổ sung bản sao giấy tờ'] };
      case 'submit_supplement':
        return { action, note: 'Đã bổ sung' };
      case 'refuse':
        return { action, reasons: ['Không thuộc thẩm quyền'] };
      case 'forward': {
        const next = d.step !== null ? content.workflow[d.step + 1] : undefined;
        const level = next?.transferTo && !next.transferTo.agencyCode ? next.transferTo.agencyLevel : undefined;
        const target =
          next?.transferTo && !next.transferTo.agencyCode
            ? agencies.find((a) => a.active && (!level || a.kind === LEVEL_KINDS[level]) && someone(next.role, a.id))
            : undefined;
        return { action, note: 'Chuyển', ...(target && { toAgencyId: target.id }) };
      }
      case 'send_back':
        return { action, note: 'Xem lại' };
      case 'assign': {
        const role = d.step !== null ? content.workflow[d.step]?.role : undefined;
        const assignee = role ? staff.find((s) => s.active && s.roles.includes(role) && s.organisationId === d.agency_id) : undefined;
        return { action, assigneeId: assignee?.userId ?? '00000000-0000-4000-8000-000000000001' };
      }
      case 'consult':
        return { action, note: 'Xin ý kiến', dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), agencyIds: [d.home_agency_id] };
      case 'answer_consultation': {
        const open = await ctx.db.query('SELECT id, officer_id, agency_id FROM dossier_consultations WHERE dossier_id = $1 AND answered_at IS NULL', [d.id]);
        const mine =
          who.kind === 'staff' ? open.find((c) => c.officer_id === who.actor.userId || who.actor.agencyPath.split('/').includes(c.agency_id)) : undefined;
        return { action, consultationId: (mine ?? open[0])?.id ?? '00000000-0000-4000-8000-000000000002', answer: 'Đồng ý' };
      }
      case 'apologize':
        return { action, reason: 'Chậm do xác minh', newDueAt: new Date(new Date(d.due_at ?? Date.now()).getTime() + 40 * 86_400_000).toISOString() };
      case 'return_result':
        return { action, method: 'counter' };
      case 'request_payment':
        return { action, amount: 50_000 };
      case 'record_payment':
        return { action, reference: 'Biên lai tiền mặt' };
      case 'withdraw':
        return { action, reason: 'Không còn nhu cầu' };
      case 'stop':
        return { action, reason: 'Hồ sơ không hợp lệ' };
      case 'sign_result':
        return { action, note: 'Kết quả', data: {} };
    }
  }

  /** True when the server accepts the action (then rolled back); false when it refuses it (403, 404, 409). */
  async function accepts(who: Who, id: string, input: Action): Promise<boolean> {
    try {
      await ctx.db.transaction(async (tx) => {
        await perform(dossierWorkflow, tx, who, id, input);
        throw ROLLBACK;
      });
    } catch (err) {
      if (err === ROLLBACK) return true;
      if (err instanceof AppError && [403, 404, 409].includes(err.statusCode)) return false;
      throw new Error(`${input.action} as ${nameOf(who)}: ${(err as Error).message}`);
    }
    throw new Error('unreachable');
  }

  /** Every party that could matter to this dossier, and a few that must not. */
  function parties(d: Row): Who[] {
    const orgs = new Set<string>([d.agency_id, d.home_agency_id, d.receiving_agency_id]);
    const involved = staff.filter((s) => s.active && orgs.has(s.organisationId));
    const outsider = staff.find((s) => s.active && !orgs.has(s.organisationId) && s.roles.includes('counter_officer'));
    const extra = staff.filter((s) => s.roles.includes('system_admin') || s.roles.includes('ioc_viewer')).slice(0, 2);
    return [...new Set([...involved, ...(outsider ? [outsider] : []), ...extra])].map((actor) => ({ kind: 'staff', actor }) as Who).concat([owner, stranger]);
  }

  let checked = 0;
  const acceptedSomewhere = new Set<string>();
  async function check(id: string, where: string) {
    const d = await row(id);
    const { content } = (await ctx.app.inject({ url: `/api/v1/procedures/${d.procedure_id}` })).json() as { content: ProcedureContent };
    for (const who of parties(d)) {
      const view = await getDossier(ctx.db, who, id).catch((err) => (err instanceof AppError && err.statusCode === 404 ? null : Promise.reject(err)));
      const listed = new Set(view?.allowedActions.map((a) => a.action) ?? []);
      // Independent of the engine: the operations centre only watches, and at reception only the desk asks for more.
      if (who.kind === 'staff' && who.actor.roles.every((r) => r === 'ioc_viewer')) assert.deepEqual([...listed], [], `${where}: ${nameOf(who)} chỉ theo dõi`);
      if (d.status === 1 && listed.has('request_supplement'))
        assert.ok(who.kind === 'staff' && who.actor.roles.includes('counter_officer'), `${where}: ${nameOf(who)} yêu cầu bổ sung khi tiếp nhận`);
      for (const action of Object.keys(dossierWorkflow.actions) as Action['action'][]) {
        const accepted = await accepts(who, id, await inputFor(action, d, content, who));
        assert.equal(
          listed.has(action),
          accepted,
          `${where}, trạng thái ${d.status}: ${nameOf(who)} — "${action}" ${accepted ? 'được chấp nhận nhưng không được liệt kê' : 'được liệt kê nhưng bị từ chối'}`,
        );
        checked++;
        if (accepted) acceptedSomewhere.add(action);
      }
    }
  }

  async function newDossier(procedureId: string, content: ProcedureContent, home: string): Promise<string> {
    const form = formData(content.formSchema, OWNER.idNumber);
    const applicant = { name: OWNER.name, idNumber: OWNER.idNumber, phone: '0912345678' };
    if (content.onlineLevel !== 'offline') {
      const files = [];
      for (const [i, c] of content.components.entries()) if (c.required) files.push({ componentIndex: i, uploadId: await upload(ownerRequester) });
      return (await submitDossier(ctx.db, owner, { procedureId, agencyId: home, applicant, formData: form, channel: 'online', files })).id;
    }
    const root = agencies.find((a) => a.parent_id === null)!;
    const desk = someone('counter_officer', home) ?? someone('counter_officer', root.id)!;
    return (await submitDossier(ctx.db, { kind: 'staff', actor: desk }, { procedureId, agencyId: home, applicant, formData: form, channel: 'counter' })).id;
  }

  test('over every status of one procedure per workflow shape, for every party', async () => {
    const procedures = await ctx.db.query(
      `SELECT p.id, v.content FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.published_version ORDER BY p.code`,
    );
    const shapes = new Map<string, { id: string; content: ProcedureContent }>();
    for (const p of procedures) {
      const c = p.content as ProcedureContent;
      const key = JSON.stringify([c.agencyLevel, c.onlineLevel === 'offline', c.workflow.map((s) => [s.role, s.transferTo ?? null])]);
      if (!shapes.has(key)) shapes.set(key, { id: p.id, content: c });
    }
    assert.ok(shapes.size >= 3, 'the demo has several workflow shapes');
    for (const { id: procedureId, content } of shapes.values()) {
      const ofLevel = agencies.filter((a) => a.active && a.kind === LEVEL_KINDS[content.agencyLevel]);
      const home = ofLevel.find((a) => someone('counter_officer', a.id)) ?? ofLevel[0];
      const where = `${content.nationalCode} "${content.name}"`;
      const id = await newDossier(procedureId, content, home.id);
      await check(id, where);
      let d = await row(id);
      const desk = (d2: Row) => must('counter_officer', d2.receiving_agency_id === d2.home_agency_id ? d2.home_agency_id : d2.receiving_agency_id);
      if (d.status === 1) await act(ctx.db, desk(d), id, { action: 'accept' });
      d = await row(id);
      if (d.status === 6) {
        await act(ctx.db, desk(d), id, { action: 'record_payment', reference: 'x' });
        d = await row(id);
      }
      const stepRole = (r: Row) => content.workflow[r.step].role;
      // At the first step: assigned, asked about, a supplement asked for and brought, a fee asked for and paid.
      const first = (await inputFor('assign', d, content, owner)) as Extract<Action, { action: 'assign' }>;
      const leader = someone('unit_leader', d.agency_id) ?? someone('agency_leader', d.agency_id);
      await act(ctx.db, leader ? { kind: 'staff', actor: leader } : desk(d), id, first);
      await check(id, `${where}, đã phân công`);
      const asker = staff.find(
        (s) => s.active && s.organisationId === d.agency_id && s.roles.some((r) => ['specialist', 'unit_leader', 'agency_leader'].includes(r)),
      );
      if (asker) {
        await act(ctx.db, { kind: 'staff', actor: asker }, id, (await inputFor('consult', d, content, owner)) as Extract<Action, { action: 'consult' }>);
        await check(id, `${where}, đang xin ý kiến`);
      }
      await act(ctx.db, desk(d), id, { action: 'request_supplement', reasons: ['Thiếu giấy tờ'] });
      await check(id, `${where}, yêu cầu bổ sung`);
      await act(ctx.db, d.channel === 'online' ? owner : desk(d), id, { action: 'submit_supplement', note: 'Đã bổ sung' });
      await act(ctx.db, desk(d), id, { action: 'request_payment', amount: 20_000 });
      await check(id, `${where}, chờ nộp phí`);
      await act(ctx.db, desk(d), id, { action: 'record_payment', reference: 'x' });
      for (let moves = 0; moves < 12; moves++) {
        d = await row(id);
        if (d.status === 9) break;
        await check(id, `${where}, bước ${d.step + 1}`);
        const role = stepRole(d);
        const mover = d.assignee_id ? ({ kind: 'staff', actor: staff.find((s) => s.userId === d.assignee_id)! } as Who) : must(role, d.agency_id);
        await act(ctx.db, mover, id, (await inputFor('forward', d, content, mover)) as Extract<Action, { action: 'forward' }>);
      }
      await check(id, `${where}, đã phê duyệt`);
      await ctx.db.transaction((tx) =>
        perform(dossierWorkflow, tx, must(content.workflow.at(-1)!.role, d.home_agency_id), id, { action: 'sign_result', note: 'Kết quả', data: {} }),
      );
      await check(id, `${where}, đã ký kết quả`);
      await act(ctx.db, desk(d), id, { action: 'return_result', method: 'counter' });
      await check(id, `${where}, đã trả kết quả`);

      // Withdrawn by the citizen (online) or at the counter, then stopped; and one refused at reception.
      const other = await newDossier(procedureId, content, home.id);
      const o = await row(other);
      if (o.status === 1) {
        // Asked to supplement before reception: status 5 at no step.
        const early = await newDossier(procedureId, content, home.id);
        await act(ctx.db, desk(o), early, { action: 'request_supplement', reasons: ['Thiếu bản sao'] });
        await check(early, `${where}, bổ sung trước khi tiếp nhận`);
        await act(ctx.db, owner, other, { action: 'withdraw', reason: 'Không còn nhu cầu' });
        await check(other, `${where}, công dân yêu cầu rút`);
        await act(ctx.db, desk(o), other, { action: 'stop', reason: 'Công dân rút hồ sơ' });
        const third = await newDossier(procedureId, content, home.id);
        await act(ctx.db, desk(o), third, { action: 'refuse', reasons: ['Không đủ điều kiện'] });
        await check(third, `${where}, từ chối tiếp nhận`);
      } else {
        await act(ctx.db, desk(o), other, { action: 'stop', reason: 'Hồ sơ không hợp lệ' });
      }
      await check(other, `${where}, dừng xử lý`);
    }
    assert.ok(checked > 1000, `${checked} checks`);
    // Every action was both offered and accepted somewhere: the comparison above is not between two empty lists.
    assert.deepEqual([...acceptedSomewhere].sort(), Object.keys(dossierWorkflow.actions).sort());
  });
});

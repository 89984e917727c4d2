// Every published demo procedure, walked from submission to the returned result by the demo's own staff, through
// the HTTP API with real sign-in sessions: filed online by a citizen (accepted at the desk, fees paid through the
// payment gateway when the desk's acceptance makes them due) or at the counter when the procedure is not offered
// online; every workflow step forwarded by a demo account that has the step's role in the agency holding the dossier
// (liên thông steps included); the result signed by the approving leader of the competent agency; the result returned.
// Accounts are looked up in the demo's staff, never listed per procedure, so a catalogue or seed change that leaves
// a step without anyone to do it fails here, naming the procedure and the step.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { AgencyLevel, ProcedureContent, WorkflowStep } from '../catalog/types.ts';
import { upload } from '../payments/testkit.ts';
import { citizenSignIn, eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { formData } from '../testing/samples.ts';

interface Agency {
  id: string;
  code: string;
  name: string;
  kind: string;
  parentId: string | null;
  active: boolean;
}
interface StaffUser {
  username: string;
  roles: string[];
  agencyId: string;
  active: boolean;
}
interface Dossier {
  id: string;
  status: number;
  step: number | null;
  channel: string;
  agencyId: string;
  homeAgencyId: string;
  receivingAgencyId: string;
  events: { action: string; toStep: number | null; toAgency: string | null }[];
}

const LEVEL_KINDS: Record<AgencyLevel, string> = { commune: 'commune_committee', department: 'department', province: 'province_committee' };
const CITIZEN = { idNumber: '092200007788', name: 'Lâm Thị Thanh Thúy' };

/** The demo's agencies and staff as an administrator sees them; who may act for an organisation. */
class Staff {
  private readonly byId: Map<string, Agency>;
  constructor(
    readonly agencies: Agency[],
    private readonly users: StaffUser[],
  ) {
    this.byId = new Map(agencies.map((a) => [a.id, a]));
  }
  agency(id: string) {
    return this.byId.get(id)!;
  }
  /** The organisation a staff member of this agency acts for: the agency, or for a sub-unit the nearest agency above that is not one. */
  organisationOf(id: string): Agency {
    let a = this.agency(id);
    while (a.kind === 'unit' && a.parentId) a = this.agency(a.parentId);
    return a;
  }
  /** The first active account with `role` acting for one of `organisations`, in their order. */
  find(role: string, organisations: string[]): string | undefined {
    for (const org of organisations) {
      const user = this.users.find((u) => u.active && u.roles.includes(role) && this.organisationOf(u.agencyId).id === org);
      if (user) return user.username;
    }
    return undefined;
  }
}

eachDatabase('every demo procedure walked by the demo staff', { demo: true }, (ctx) => {
  let staff: Staff;
  let admin: Requester;
  let citizen: Requester;
  const sessions = new Map<string, Promise<Requester>>();
  const as = (username: string) => {
    if (!sessions.has(username)) sessions.set(username, signIn(ctx.app, username));
    return sessions.get(username)!;
  };

  before(async () => {
    admin = await as('admin');
    const agencies = (await admin({ url: '/api/v1/admin/agencies' })).json().items as Agency[];
    const users = (await admin({ url: '/api/v1/admin/users' })).json().items as StaffUser[];
    staff = new Staff(agencies, users);
    citizen = await citizenSignIn(ctx.app, CITIZEN.idNumber, CITIZEN.name);
  });

  /** The published catalogue, page by page, as the portal lists it. */
  async function publishedProcedures(): Promise<{ id: string; code: string; name: string }[]> {
    const all = [];
    for (let page = 1; ; page++) {
      const res = (await ctx.app.inject({ url: `/api/v1/procedures?page=${page}&pageSize=100` })).json();
      all.push(...res.items);
      if (all.length >= res.total || !res.items.length) return all;
    }
  }

  async function walk(summary: { id: string; code: string }, turn: number) {
    const { content } = (await ctx.app.inject({ url: `/api/v1/procedures/${summary.id}` })).json() as { content: ProcedureContent };
    const where = (what: string) => `${summary.code} "${content.name}": ${what}`;
    const name = (agencyId: string) => staff.agency(agencyId).name;
    const need = (role: string, organisations: string[], what: string) => {
      const username = staff.find(role, organisations);
      if (!username) assert.fail(where(`${what} cần vai trò ${role} tại ${organisations.map(name).join(' hoặc ')}, nhưng không có tài khoản demo nào`));
      return as(username);
    };
    const call = async (who: Requester, what: string, method: 'POST' | 'GET', url: string, payload?: object, expected = 200) => {
      const res = await who({ method, url, payload: payload as Record<string, unknown> | undefined });
      assert.equal(res.statusCode, expected, where(`${what}: ${res.statusCode} ${res.body.slice(0, 300)}`));
      return res;
    };
    const read = async (id: string) => (await call(admin, 'đọc hồ sơ', 'GET', `/api/v1/dossiers/${id}`)).json() as Dossier;

    // The competent agency: the one the catalogue names, or for a commune procedure ("Ủy ban nhân dân cấp xã") each
    // commune in turn, so that every commune's staff is walked.
    const ofLevel = staff.agencies.filter((a) => a.active && a.kind === LEVEL_KINDS[content.agencyLevel]).sort((x, y) => x.name.localeCompare(y.name, 'vi'));
    const named = ofLevel.filter((a) => a.name === content.competentAgency);
    if (!named.length && content.agencyLevel !== 'commune') assert.fail(where(`không có cơ quan "${content.competentAgency}" trong dữ liệu demo`));
    const pool = named.length ? named : ofLevel;
    const home = pool[turn % pool.length];
    const root = staff.agencies.find((a) => a.parentId === null)!;

    const applicant = { name: CITIZEN.name, idNumber: CITIZEN.idNumber, address: 'Phường Cái Khế, Thành phố Cần Thơ', phone: '0912345678' };
    const form = formData(content.formSchema, CITIZEN.idNumber);
    let id: string;
    if (content.onlineLevel !== 'offline') {
      const files = [];
      for (const [i, c] of content.components.entries()) if (c.required) files.push({ componentIndex: i, uploadId: await upload(citizen) });
      id = (
        await call(
          citizen,
          'nộp trực tuyến',
          'POST',
          '/api/v1/dossiers',
          { procedureId: summary.id, agencyId: home.id, applicant, formData: form, channel: 'online', files },
          201,
        )
      ).json().id;
      const d = await read(id);
      await call(
        await need('counter_officer', [d.receivingAgencyId, d.homeAgencyId], 'tiếp nhận hồ sơ trực tuyến'),
        'tiếp nhận',
        'POST',
        `/api/v1/dossiers/${id}/actions`,
        { action: 'accept' },
      );
    } else {
      // At the counter: the competent agency's own desk, else the province's service centre.
      const counter = await need('counter_officer', [home.id, root.id], 'tiếp nhận tại quầy');
      id = (
        await call(
          counter,
          'nộp tại quầy',
          'POST',
          '/api/v1/dossiers',
          { procedureId: summary.id, agencyId: home.id, applicant, formData: form, channel: 'counter' },
          201,
        )
      ).json().id;
    }

    const walked: number[] = [];
    for (let moves = 0; ; moves++) {
      assert.ok(moves <= content.workflow.length + 5, where('hồ sơ không đi hết quy trình'));
      const d = await read(id);
      if (d.status === 10) break;
      const desk = [d.receivingAgencyId, d.homeAgencyId];
      if (d.status === 6) {
        // Fees owed: the citizen pays through the gateway (the sandbox plays the bank); at the counter, cash.
        if (d.channel === 'online') {
          const start = (await call(citizen, 'thanh toán', 'POST', `/api/v1/dossiers/${id}/payments/vnpay`, undefined, 201)).json();
          const url = new URL(start.url, 'http://localhost');
          await call(citizen, 'trang thanh toán', 'GET', url.pathname + url.search);
          const paid = await citizen({
            method: 'POST',
            url: url.pathname,
            payload: `txnRef=${start.txnRef}&choice=pay`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          });
          assert.equal(paid.statusCode, 303, where(`thanh toán: ${paid.body.slice(0, 300)}`));
        } else {
          await call(await need('counter_officer', desk, 'thu phí, lệ phí'), 'thu phí', 'POST', `/api/v1/dossiers/${id}/actions`, {
            action: 'record_payment',
            reference: 'Biên lai thu tiền mặt',
          });
        }
      } else if ((d.status === 2 || d.status === 4) && d.step !== null) {
        const step = content.workflow[d.step];
        const label = `bước ${d.step + 1} "${step.name}"`;
        if (step.transferTo?.agencyCode)
          assert.equal(
            staff.agency(d.agencyId).code,
            step.transferTo.agencyCode,
            where(`${label} (liên thông) không ở cơ quan mã ${step.transferTo.agencyCode}`),
          );
        const body: Record<string, unknown> = { action: 'forward' };
        const next: WorkflowStep | undefined = content.workflow[d.step + 1];
        if (next?.transferTo && !next.transferTo.agencyCode) {
          // The officer chooses the receiving agency: one of the step's level with someone to do the next step.
          const choice = staff.agencies.find(
            (a) => a.active && (!next.transferTo!.agencyLevel || a.kind === LEVEL_KINDS[next.transferTo!.agencyLevel]) && staff.find(next.role, [a.id]),
          );
          if (!choice) assert.fail(where(`bước ${d.step + 2} "${next.name}" (liên thông) không có cơ quan nào có vai trò ${next.role}`));
          body.toAgencyId = choice.id;
        }
        await call(await need(step.role, [d.agencyId], label), label, 'POST', `/api/v1/dossiers/${id}/actions`, body);
        walked.push(d.step);
      } else if (d.status === 9) {
        // Approved: the approving leader of the competent agency signs the result, the desk returns it.
        const approving = content.workflow[content.workflow.length - 1].role;
        const signer = await need(approving, [d.homeAgencyId], 'ký số kết quả');
        const result = (await call(signer, 'ký số kết quả', 'POST', `/api/v1/dossiers/${id}/result`, {}, 201)).json();
        assert.ok(result.notation && result.verifyCode, where('kết quả chưa có số, ký hiệu'));
        await call(await need('counter_officer', desk, 'trả kết quả'), 'trả kết quả', 'POST', `/api/v1/dossiers/${id}/actions`, {
          action: 'return_result',
          method: d.channel === 'online' ? 'online' : 'counter',
        });
      } else {
        assert.fail(where(`hồ sơ dừng ở trạng thái ${d.status}`));
      }
    }
    // Every step after reception was done once, in order; the citizen sees the result.
    assert.deepEqual(
      walked,
      content.workflow.slice(1).map((_s, i) => i + 1),
      where('các bước đã đi'),
    );
    if (content.onlineLevel !== 'offline') {
      const mine = (await call(citizen, 'xem kết quả', 'GET', `/api/v1/dossiers/${id}/result`)).json();
      assert.ok(mine.verifyCode, where('công dân không thấy kết quả'));
    }
  }

  test('from submission to the returned, signed result, with the demo accounts', async (t) => {
    const procedures = await publishedProcedures();
    assert.ok(procedures.length >= 40, `the demo publishes its catalogue (${procedures.length})`);
    for (const [turn, p] of procedures.entries()) await t.test(`${p.code} ${p.name}`, () => walk(p, turn));
  });
});

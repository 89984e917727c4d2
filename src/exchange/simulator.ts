// A simulator of the exchange gateway (the national axis / a provincial LGSP) for development, the demo and the tests:
// `npm run sim:gateway` (simulator-cli.ts), or startGatewaySimulator() in-process. State lives in memory.
//
// The contract (what HttpGateway in gateway.ts speaks), JSON over HTTP; errors are { code, message }:
//   Every /v1 request carries `Authorization: Bearer <secret>` and `X-System-Id: <system id>` (401 otherwise).
//   POST /v1/messages      { messageKey, from, to, kind: 'document'|'status', documentId, edxml }
//                          → 201 { messageId }. Idempotent per (system, messageKey): a retry whose first answer was
//                          lost gets the same messageId and the mailbox keeps one copy.
//   GET  /v1/messages?organId=A&organId=B&limit=N
//                          → 200 { messages: [{ messageId, from, to, kind, documentId, edxml }] }: what waits in those
//                          organisations' mailboxes, oldest first; a message stays until acknowledged.
//   POST /v1/messages/ack  { messageIds } → 200 { acknowledged }
//
// Control of the simulator (no credentials; it listens on 127.0.0.1):
//   POST /sim/faults { fault, times?, delayMs? } — the next `times` (default 1) sends or polls misbehave:
//     drop         a send is swallowed: nothing stored, the connection closed without an answer (a lost message)
//     lose-answer  a send is stored, then the connection closed without an answer (a lost acknowledgement)
//     timeout      a send is answered (and stored) only after delayMs (default 5 s): the client gives up first
//     error        a send is answered 500 and not stored
//     duplicate    a stored message lands twice in the mailbox, under two message ids (the receiver must dedupe)
//     reorder      a poll returns its messages newest first (out of order)
//   DELETE /sim/faults
//   PUT  /sim/outside/{organId} { organName, replies?: ['01','03',…], recall?: '15'|'16' } — an outside agency: a
//        document reaching it is answered with those statuses (default 01, 03); a 13 (recall) with `recall` (default 15)
//   POST /sim/outside/{organId}/send { to, kind, documentId, edxml } — the outside agency sends a package or status
//   GET  /sim/mailboxes/{organId} → { messages: [{ …, acknowledged }] }: everything that reached it
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildStatusPackage, EdxmlError, parseEdxml, type DocumentRef, type Organisation, type StatusCode } from './edxml.ts';
import type { MessageKind, ReceivedMessage } from './gateway.ts';

export type Fault = 'drop' | 'lose-answer' | 'timeout' | 'error' | 'duplicate' | 'reorder';
const FAULTS: Fault[] = ['drop', 'lose-answer', 'timeout', 'error', 'duplicate', 'reorder'];

interface Stored extends ReceivedMessage {
  acknowledged: boolean;
}
interface OutsideAgency extends Organisation {
  replies: StatusCode[];
  recall: '15' | '16';
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Credentials of the systems allowed on /v1: system id → secret. */
  systems: Record<string, string>;
}

export interface GatewaySimulator {
  url: string;
  server: Server;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'BAD_JSON', 'Thân yêu cầu phải là một đối tượng JSON.');
}
const text = (body: Record<string, unknown>, name: string): string => {
  const v = body[name];
  if (typeof v !== 'string' || !v) throw new HttpError(400, 'BAD_REQUEST', `Thiếu trường ${name}.`);
  return v;
};
const kindOf = (body: Record<string, unknown>): MessageKind => {
  const kind = text(body, 'kind');
  if (kind !== 'document' && kind !== 'status') throw new HttpError(400, 'BAD_REQUEST', 'kind phải là document hoặc status.');
  return kind;
};

export async function startGatewaySimulator(opts: SimulatorOptions): Promise<GatewaySimulator> {
  const mailboxes = new Map<string, Stored[]>();
  const byKey = new Map<string, string>();
  const outside = new Map<string, OutsideAgency>();
  const faults: { fault: Fault; delayMs: number }[] = [];
  let sequence = 0;

  const takeFault = (...wanted: Fault[]) => {
    const i = faults.findIndex((f) => wanted.includes(f.fault));
    return i < 0 ? undefined : faults.splice(i, 1)[0];
  };
  const mailbox = (organId: string) => {
    const box = mailboxes.get(organId) ?? [];
    mailboxes.set(organId, box);
    return box;
  };

  /** Puts a message in its recipient's mailbox (twice under a duplicate fault) and lets an outside agency answer. */
  function deliver(m: Omit<ReceivedMessage, 'messageId'>): string {
    const messageId = `sim-${++sequence}`;
    mailbox(m.to).push({ ...m, messageId, acknowledged: false });
    if (takeFault('duplicate')) mailbox(m.to).push({ ...m, messageId: `sim-${++sequence}`, acknowledged: false });
    const agency = outside.get(m.to);
    if (agency) answerAsOutside(agency, m);
    return messageId;
  }

  /** An outside agency's document system: it confirms what arrives as its settings say, as a real one would. */
  function answerAsOutside(agency: OutsideAgency, m: Omit<ReceivedMessage, 'messageId'>) {
    let pkg: ReturnType<typeof parseEdxml>;
    try {
      pkg = parseEdxml(m.edxml);
    } catch (err) {
      if (err instanceof EdxmlError) return; // a real system would refuse it; the tests look at the mailbox instead
      throw err;
    }
    const from = { organId: agency.organId, organName: agency.organName };
    const answer = (about: DocumentRef, statusCode: StatusCode, description: string) =>
      deliver({
        from: from.organId,
        to: m.from,
        kind: 'status',
        documentId: about.documentId,
        edxml: buildStatusPackage({ responseFor: about, from, statusCode, description, timestamp: new Date(), staff: { department: 'Văn thư' } }),
      });
    if (pkg.kind === 'document') {
      const d = pkg.document;
      const about = { organId: d.from.organId, code: `${d.code.number}/${d.code.notation}`, promulgationDate: d.promulgation.date, documentId: d.documentId };
      for (const code of agency.replies) answer(about, code, `${agency.organName}: ${code === '01' ? 'văn bản đã đến' : 'đã cập nhật trạng thái'}`);
    } else if (pkg.status.statusCode === '13') {
      answer(pkg.status.responseFor, agency.recall, agency.recall === '15' ? 'Đồng ý thu hồi văn bản' : 'Không đồng ý thu hồi: văn bản đã được xử lý');
    }
  }

  function authenticate(req: IncomingMessage) {
    const system = String(req.headers['x-system-id'] ?? '');
    const expected = opts.systems[system];
    if (!expected || req.headers.authorization !== `Bearer ${expected}`) throw new HttpError(401, 'UNAUTHENTICATED', 'Sai mã hệ thống hoặc khóa bí mật.');
    return system;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<[number, unknown] | undefined> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const route = `${req.method} ${path}`;
    if (route === 'POST /v1/messages') {
      const system = authenticate(req);
      const body = await readJson(req);
      const message = { from: text(body, 'from'), to: text(body, 'to'), kind: kindOf(body), documentId: text(body, 'documentId'), edxml: text(body, 'edxml') };
      const key = `${system}\0${text(body, 'messageKey')}`;
      const fault = takeFault('drop', 'lose-answer', 'timeout', 'error');
      if (fault?.fault === 'drop') return void res.destroy();
      if (fault?.fault === 'error') throw new HttpError(500, 'GATEWAY_ERROR', 'Lỗi nội bộ của trục (mô phỏng).');
      if (fault?.fault === 'timeout') await new Promise((r) => setTimeout(r, fault.delayMs));
      const messageId = byKey.get(key) ?? deliver(message);
      byKey.set(key, messageId);
      if (fault?.fault === 'lose-answer') return void res.destroy();
      return [201, { messageId }];
    }
    if (route === 'GET /v1/messages') {
      authenticate(req);
      const organIds = url.searchParams.getAll('organId');
      const limit = Math.min(Number(url.searchParams.get('limit')) || 50, 500);
      const waiting = organIds
        .flatMap((id) => mailbox(id).filter((m) => !m.acknowledged))
        .sort((a, b) => Number(a.messageId.slice(4)) - Number(b.messageId.slice(4)))
        .slice(0, limit);
      if (takeFault('reorder')) waiting.reverse();
      return [200, { messages: waiting.map(({ acknowledged: _, ...m }) => m) }];
    }
    if (route === 'POST /v1/messages/ack') {
      authenticate(req);
      const ids = new Set((await readJson(req)).messageIds as string[]);
      let acknowledged = 0;
      for (const box of mailboxes.values())
        for (const m of box)
          if (ids.has(m.messageId) && !m.acknowledged) {
            m.acknowledged = true;
            acknowledged++;
          }
      return [200, { acknowledged }];
    }
    if (route === 'POST /sim/faults') {
      const body = await readJson(req);
      const fault = body.fault as Fault;
      if (!FAULTS.includes(fault)) throw new HttpError(400, 'BAD_REQUEST', `fault phải là một trong ${FAULTS.join(', ')}.`);
      for (let i = 0; i < Number(body.times ?? 1); i++) faults.push({ fault, delayMs: Number(body.delayMs ?? 5000) });
      return [200, { pending: faults.map((f) => f.fault) }];
    }
    if (route === 'DELETE /sim/faults') {
      faults.length = 0;
      return [200, { pending: [] }];
    }
    const agencyPath = /^\/sim\/outside\/([^/]+)(\/send)?$/.exec(path);
    if (agencyPath && req.method === 'PUT' && !agencyPath[2]) {
      const body = await readJson(req);
      const organId = decodeURIComponent(agencyPath[1]);
      const agency: OutsideAgency = {
        organId,
        organName: text(body, 'organName'),
        replies: ((body.replies as StatusCode[] | undefined) ?? ['01', '03']).slice(),
        recall: body.recall === '16' ? '16' : '15',
      };
      outside.set(organId, agency);
      return [200, agency];
    }
    if (agencyPath && req.method === 'POST' && agencyPath[2]) {
      const body = await readJson(req);
      const from = decodeURIComponent(agencyPath[1]);
      if (!outside.has(from)) throw new HttpError(404, 'NOT_FOUND', `Không có cơ quan ngoài ${from} trong mô phỏng.`);
      const messageId = deliver({ from, to: text(body, 'to'), kind: kindOf(body), documentId: text(body, 'documentId'), edxml: text(body, 'edxml') });
      return [201, { messageId }];
    }
    const box = /^\/sim\/mailboxes\/([^/]+)$/.exec(path);
    if (box && req.method === 'GET') return [200, { messages: mailbox(decodeURIComponent(box[1])) }];
    throw new HttpError(404, 'NOT_FOUND', `Không có ${route}.`);
  }

  const reply = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  const server = createServer((req, res) => {
    handle(req, res)
      .then((answer) => answer && reply(res, answer[0], answer[1]))
      .catch((err: unknown) => {
        const e = err instanceof HttpError ? err : new HttpError(500, 'INTERNAL', String((err as Error)?.message ?? err));
        if (!res.headersSent && !res.destroyed) reply(res, e.status, { code: e.code, message: e.message });
      });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

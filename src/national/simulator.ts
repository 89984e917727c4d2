// A simulator of the National Public Service Portal's sync adapter (DVCQG) for development, the demo and the tests:
// `npm run sim:dvcqg` (simulator-cli.ts), or startPortalSimulator() in-process. State lives in memory.
//
// The contract (what httpPortal in portal.ts speaks), JSON over HTTP, every request with header `dstcode: <unit code>`;
// answers are { error_code (0 = done), message?, … } with HTTP 200 (the adapter's way):
//   POST /api/auth         { username, password } → { error_code: 0, session } | { error_code: 100 } (wrong account)
//   POST /api/integration  { session, madonvi, service, … }; error_code 100 when the session is unknown or expired.
//     service DongBoHoSoMC        { messageId, isUpdating: "True"|"False", data: [hồ sơ] }
//     service CapNhatTienDoHoSoMC { messageId, data: [tiến độ] }
//                          → { error_code: 0, result: [{ MaHoSo, messageId }] }. Idempotent per messageId: a message
//                          sent again (a lost answer, a restarted sender) is acknowledged and held once. Each item
//                          carries MaHoSo, TrangThaiHoSo (1–10) and SoThuTu (the sender's sequence per dossier).
//     service TraCuuHoSo          { data: [{ MaHoSo }] } → { error_code: 0, result: [{ MaHoSo, messages: [{ messageId,
//                          TrangThaiHoSo, SoThuTu }] }] }: what the portal holds, in arrival order (reconciliation).
//   Error codes: 100 AUTHEN_ERROR, 106 AGENCY_ID_INCORRECT, 200 RECORD_UNCOMPLETE, 500 DATA_INCORRECT.
//
// Control of the simulator (no credentials; it listens on 127.0.0.1):
//   POST /sim/faults { fault, times?, delayMs?, errorCode?, status? } — the next `times` (default 1; `down`: until
//   cleared) requests misbehave:
//     down            every request (login too) is closed without an answer: the portal is down
//     timeout         a message is held, then answered only after delayMs (default 5 s): the client gives up first
//     error           a message is answered with errorCode (default 500) and not held
//     lose-answer     a message is held, then the connection closed without an answer (a lost acknowledgement)
//     duplicate       a message reaches the portal twice (its front door retried): held once, acknowledged twice
//     reorder         a TraCuuHoSo answer lists the messages newest first
//     drop            a message (the next one, or the next with TrangThaiHoSo = status) is acknowledged and not held
//     expire-session  every session ends: the next call is answered 100 and the client logs in again
//   DELETE /sim/faults
//   GET  /sim/dossiers/{MaHoSo} → { arrivals: [{ messageId, service, TrangThaiHoSo, SoThuTu, outOfOrder }],
//        deliveries }: what the portal holds of a dossier (arrival order; outOfOrder: a lower SoThuTu than one held
//        before), and how many times its messages reached it, duplicates included.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type PortalFault = 'down' | 'timeout' | 'error' | 'lose-answer' | 'duplicate' | 'reorder' | 'drop' | 'expire-session';
const FAULTS: PortalFault[] = ['down', 'timeout', 'error', 'lose-answer', 'duplicate', 'reorder', 'drop', 'expire-session'];

interface Arrival {
  messageId: string;
  service: string;
  TrangThaiHoSo: number;
  SoThuTu: number;
  outOfOrder: boolean;
  item: Record<string, unknown>;
}

export interface PortalSimulatorOptions {
  port?: number;
  host?: string;
  /** The accounts admitted at login: username → password. */
  accounts: Record<string, string>;
}

export interface PortalSimulator {
  url: string;
  server: Server;
  close(): Promise<void>;
}

class Answer {
  constructor(readonly body: Record<string, unknown>) {}
}
const refuse = (error_code: number, message: string) => new Answer({ error_code, message });

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw refuse(500, 'DATA_INCORRECT: thân yêu cầu phải là một đối tượng JSON.');
}

export async function startPortalSimulator(opts: PortalSimulatorOptions): Promise<PortalSimulator> {
  const sessions = new Set<string>();
  const dossiers = new Map<string, Arrival[]>();
  const deliveries = new Map<string, number>();
  const held = new Set<string>();
  const faults: { fault: PortalFault; delayMs: number; errorCode: number; status?: number; left: number }[] = [];

  const takeFault = (wanted: PortalFault[], item?: { TrangThaiHoSo?: unknown }) => {
    const i = faults.findIndex((f) => wanted.includes(f.fault) && (f.status === undefined || item?.TrangThaiHoSo === f.status));
    if (i < 0) return undefined;
    const f = faults[i];
    if (--f.left <= 0) faults.splice(i, 1);
    return f;
  };

  /** Holds a message's items once (by messageId); returns the acknowledgement. */
  function hold(service: string, messageId: string, items: Record<string, unknown>[]) {
    for (const item of items) {
      const code = String(item.MaHoSo);
      deliveries.set(code, (deliveries.get(code) ?? 0) + 1);
      if (held.has(messageId)) continue;
      const arrivals = dossiers.get(code) ?? [];
      dossiers.set(code, arrivals);
      const seq = Number(item.SoThuTu);
      arrivals.push({
        messageId,
        service,
        TrangThaiHoSo: Number(item.TrangThaiHoSo),
        SoThuTu: seq,
        outOfOrder: arrivals.some((a) => a.SoThuTu > seq),
        item,
      });
    }
    held.add(messageId);
    return items.map((i) => ({ MaHoSo: i.MaHoSo, messageId }));
  }

  async function integration(req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown> | undefined> {
    const body = await readJson(req);
    if (!sessions.has(String(body.session))) return { error_code: 100, message: 'AUTHEN_ERROR: phiên làm việc không hợp lệ hoặc đã hết hạn.' };
    if (!body.madonvi || body.madonvi !== req.headers.dstcode) return { error_code: 106, message: 'AGENCY_ID_INCORRECT' };
    const data = body.data;
    if (!Array.isArray(data) || !data.length || data.some((d) => !d || typeof d !== 'object' || !(d as { MaHoSo?: unknown }).MaHoSo))
      return { error_code: 200, message: 'RECORD_UNCOMPLETE: thiếu data hoặc MaHoSo.' };
    const items = data as Record<string, unknown>[];
    if (body.service === 'TraCuuHoSo') {
      const reorder = takeFault(['reorder']);
      return {
        error_code: 0,
        result: items.map(({ MaHoSo }) => {
          const messages = (dossiers.get(String(MaHoSo)) ?? []).map(({ messageId, TrangThaiHoSo, SoThuTu }) => ({ messageId, TrangThaiHoSo, SoThuTu }));
          return { MaHoSo, messages: reorder ? messages.reverse() : messages };
        }),
      };
    }
    if (body.service !== 'DongBoHoSoMC' && body.service !== 'CapNhatTienDoHoSoMC')
      return { error_code: 500, message: `DATA_INCORRECT: không có dịch vụ ${body.service}.` };
    const messageId = String(body.messageId ?? '');
    if (!messageId) return { error_code: 200, message: 'RECORD_UNCOMPLETE: thiếu messageId.' };
    if (items.some((i) => !(Number(i.TrangThaiHoSo) >= 1 && Number(i.TrangThaiHoSo) <= 10) || !Number.isInteger(i.SoThuTu)))
      return { error_code: 500, message: 'DATA_INCORRECT: TrangThaiHoSo phải từ 1 đến 10, SoThuTu là số nguyên.' };
    const fault = takeFault(['timeout', 'error', 'lose-answer', 'duplicate', 'drop'], items[0]);
    if (fault?.fault === 'error') return { error_code: fault.errorCode, message: 'Lỗi của Cổng DVCQG (mô phỏng).' };
    if (fault?.fault === 'drop') return { error_code: 0, result: items.map((i) => ({ MaHoSo: i.MaHoSo, messageId })) };
    let result = hold(String(body.service), messageId, items);
    if (fault?.fault === 'duplicate') result = [...result, ...hold(String(body.service), messageId, items)];
    if (fault?.fault === 'timeout') await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.fault === 'lose-answer') return void res.destroy();
    return { error_code: 0, result };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<[number, unknown] | undefined> {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    const route = `${req.method} ${path}`;
    if (path.startsWith('/api/')) {
      if (faults.some((f) => f.fault === 'down')) return void res.destroy();
      if (takeFault(['expire-session'])) sessions.clear();
      if (route === 'POST /api/auth') {
        const body = await readJson(req);
        const expected = opts.accounts[String(body.username)];
        if (!expected || body.password !== expected) return [200, { error_code: 100, message: 'AUTHEN_ERROR: sai tài khoản hoặc mật khẩu.' }];
        const session = randomUUID();
        sessions.add(session);
        return [200, { error_code: 0, session }];
      }
      if (route === 'POST /api/integration') {
        const answer = await integration(req, res);
        return answer && [200, answer];
      }
    }
    if (route === 'POST /sim/faults') {
      const body = await readJson(req);
      const fault = body.fault as PortalFault;
      if (!FAULTS.includes(fault)) return [400, { message: `fault phải là một trong ${FAULTS.join(', ')}.` }];
      faults.push({
        fault,
        left: fault === 'down' ? Number.POSITIVE_INFINITY : Number(body.times ?? 1),
        delayMs: Number(body.delayMs ?? 5000),
        errorCode: Number(body.errorCode ?? 500),
        status: body.status === undefined ? undefined : Number(body.status),
      });
      return [200, { pending: faults.map((f) => f.fault) }];
    }
    if (route === 'DELETE /sim/faults') {
      faults.length = 0;
      return [200, { pending: [] }];
    }
    const dossier = /^\/sim\/dossiers\/([^/]+)$/.exec(path);
    if (dossier && req.method === 'GET') {
      const code = decodeURIComponent(dossier[1]);
      return [200, { arrivals: (dossiers.get(code) ?? []).map(({ item: _, ...a }) => a), deliveries: deliveries.get(code) ?? 0 }];
    }
    return [404, { message: `Không có ${route}.` }];
  }

  const reply = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  const server = createServer((req, res) => {
    handle(req, res)
      .then((answer) => answer && reply(res, answer[0], answer[1]))
      .catch((err: unknown) => {
        const body = err instanceof Answer ? err.body : { error_code: 500, message: String((err as Error)?.message ?? err) };
        if (!res.headersSent && !res.destroyed) reply(res, 200, body);
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

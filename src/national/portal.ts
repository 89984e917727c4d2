// The National Public Service Portal (Cổng Dịch vụ công quốc gia, DVCQG) as the sync sees it: the adapter contract as
// OpenCPS implements it (session login, then services posted with the session; `error_code` 0 = done), which
// simulator.ts documents and serves. The sync talks to it only through Portal, so another transport (the LGSP in
// front of the portal) is one more implementation.

/** A service call's body without the envelope (session, madonvi): what the sync log keeps as the request. */
export interface PortalRequest {
  service: 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC';
  /** Stable per outbox row: the portal keeps one copy of a message however often it is sent. */
  messageId: string;
  /** DongBoHoSoMC: "False" for the dossier's first message, "True" after. */
  isUpdating?: 'True' | 'False';
  data: Record<string, unknown>[];
}

/** What the portal holds of one dossier: the messages it accepted, with their status and the sender's sequence. */
export interface HeldDossier {
  MaHoSo: string;
  messages: { messageId: string; TrangThaiHoSo: number; SoThuTu: number }[];
}

export interface PortalAnswer {
  error_code: number;
  message?: string;
  result?: unknown[];
}

export interface Portal {
  /** Sends one message; resolves with the portal's answer when error_code is 0, throws PortalError otherwise. */
  send(request: PortalRequest): Promise<PortalAnswer>;
  /** TraCuuHoSo: what the portal holds of these dossiers (by code). */
  held(codes: string[]): Promise<HeldDossier[]>;
}

export interface PortalSettings {
  url: string;
  username: string;
  /** Sent only in the login request; never logged, stored nor put in an error message. */
  password: string;
  /** madonvi, and the `dstcode` header. */
  unitCode: string;
  timeoutMs: number;
}

/** A refusal (error_code) or failure of the portal; the message names the service and the code, never the credentials. */
export class PortalError extends Error {
  constructor(
    message: string,
    /** The portal's error_code, or TIMEOUT / UNREACHABLE / HTTP_nnn. */
    readonly code: string,
    readonly answer?: unknown,
  ) {
    super(message);
  }
}

/** error_code 100: the session is unknown or expired (AUTHEN_ERROR); one new login is tried. */
export const AUTHEN_ERROR = 100;

/** The JSON-over-HTTP adapter (the contract in simulator.ts). */
export function httpPortal(settings: PortalSettings): Portal {
  const base = settings.url.replace(/\/+$/, '');
  let session: Promise<string> | undefined;

  async function post(path: string, body: unknown, what: string): Promise<PortalAnswer> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', dstcode: settings.unitCode },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (err) {
      // Only the cause's code (ECONNREFUSED…): a message could quote the body, and so the password or the session.
      const cause = ((err as Error).cause as { code?: string } | undefined)?.code;
      if ((err as Error).name === 'TimeoutError') throw new PortalError(`Cổng DVCQG không trả lời sau ${settings.timeoutMs} ms (${what}).`, 'TIMEOUT');
      throw new PortalError(`Không kết nối được Cổng DVCQG (${what}${cause ? `: ${cause}` : ''}).`, 'UNREACHABLE');
    }
    const text = await response.text().catch(() => '');
    let answer: PortalAnswer;
    try {
      answer = JSON.parse(text) as PortalAnswer;
    } catch {
      throw new PortalError(`Cổng DVCQG trả lời không phải JSON, HTTP ${response.status} (${what}).`, `HTTP_${response.status}`);
    }
    if (!response.ok && typeof answer?.error_code !== 'number')
      throw new PortalError(`Cổng DVCQG trả lỗi HTTP ${response.status} (${what}).`, `HTTP_${response.status}`);
    return answer;
  }

  const login = async () => {
    const answer = await post('/api/auth', { username: settings.username, password: settings.password }, 'đăng nhập');
    if (answer.error_code !== 0 || typeof (answer as { session?: unknown }).session !== 'string')
      throw new PortalError(`Cổng DVCQG từ chối đăng nhập (mã lỗi ${answer.error_code}).`, String(answer.error_code));
    return (answer as unknown as { session: string }).session;
  };

  async function call(body: Record<string, unknown>, what: string): Promise<PortalAnswer> {
    for (let attempt = 0; ; attempt++) {
      session ??= login();
      const current = session;
      const s = await current.catch((err: unknown) => {
        if (session === current) session = undefined;
        throw err;
      });
      const answer = await post('/api/integration', { session: s, madonvi: settings.unitCode, ...body }, what);
      if (answer.error_code === AUTHEN_ERROR && attempt === 0) {
        if (session === current) session = undefined;
        continue;
      }
      if (answer.error_code !== 0)
        throw new PortalError(
          `Cổng DVCQG trả mã lỗi ${answer.error_code}${answer.message ? `: ${answer.message}` : ''} (${what}).`,
          String(answer.error_code),
          answer,
        );
      return answer;
    }
  }

  return {
    send: (request) => call({ ...request }, request.service),
    async held(codes) {
      if (!codes.length) return [];
      return ((await call({ service: 'TraCuuHoSo', data: codes.map((MaHoSo) => ({ MaHoSo })) }, 'TraCuuHoSo')).result ?? []) as HeldDossier[];
    },
  };
}

// Runtime configuration: every environment variable the platform reads is declared once in VARIABLES (parser, range,
// default, required in production, meaning); loadConfig() reads and checks them all at start and builds the typed
// Config the rest of the code receives. This is the only module that reads process.env (config.test.ts checks it,
// and that the README's configuration table lists exactly these variables).
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { DEFAULT_POOL_SIZE, type DatabaseOptions } from './db/index.ts';
import { DEFAULT_CLAIMS, type ClaimMapping, type OidcSettings } from './citizens/oidc.ts';
import { SESSION_IDLE_MINUTES } from './identity/service.ts';
import { CITIZEN_SESSION_IDLE_MINUTES } from './citizens/service.ts';
import { DEFAULT_RATE_LIMITS, type SecuritySettings } from './shared/security.ts';
import { READ_YOUR_WRITES_SECONDS } from './shared/read-replica.ts';
import { DEFAULT_UPLOAD_SETTINGS, type UploadSettings } from './dossiers/files.ts';
import { paymentSettings, type PaymentSettings } from './payments/service.ts';
import type { SigningSettings } from './signing/service.ts';
import { DEFAULT_LEASE_MS, DEFAULT_POLL_MS } from './notifications/service.ts';
import type { GatewaySettings } from './exchange/gateway.ts';
import type { PortalSettings } from './national/portal.ts';

// ---- parsers: raw text → value, or an Error saying what is wrong (loadConfig adds the variable's name) -------------

type Parser<T> = (raw: string) => T;

const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new Error('phải là số nguyên');
    if (n < min || n > max) throw new Error(`phải trong khoảng ${min}–${max}`);
    return n;
  };
const text: Parser<string> = (raw) => raw;
/** 1/0 (also true/false, yes/no). */
const flag: Parser<boolean> = (raw) => {
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes'].includes(v)) return true;
  if (['0', 'false', 'no'].includes(v)) return false;
  throw new Error('phải là 1 hoặc 0');
};
const oneOf =
  <T extends string>(values: readonly T[]): Parser<T> =>
  (raw) => {
    if (!(values as readonly string[]).includes(raw)) throw new Error(`phải là một trong: ${values.join(', ')}`);
    return raw as T;
  };
const url =
  (protocols: string[]): Parser<string> =>
  (raw) => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new Error('không phải địa chỉ URL hợp lệ');
    }
    if (!protocols.includes(u.protocol)) throw new Error(`phải bắt đầu bằng ${protocols.map((p) => `${p}//`).join(' hoặc ')}`);
    return raw;
  };
/** A VNPay address: absolute, or a path on this server (the sandbox). */
const urlOrPath: Parser<string> = (raw) => (raw.startsWith('/') ? raw : url(['https:', 'http:'])(raw));
const existingPath =
  (kind: 'file' | 'directory'): Parser<string> =>
  (raw) => {
    const path = resolve(raw);
    if (!existsSync(path)) throw new Error(`không tồn tại: ${path}`);
    if (statSync(path).isDirectory() !== (kind === 'directory')) throw new Error(`phải là ${kind === 'file' ? 'một tệp' : 'một thư mục'}: ${path}`);
    return path;
  };
const minLength =
  (n: number): Parser<string> =>
  (raw) => {
    if (raw.length < n) throw new Error(`cần ít nhất ${n} ký tự`);
    return raw;
  };

export type TrustProxy = false | number | string[];

/** "2" = trust two hops; "10.0.0.5, 10.1.0.0/16" = trust those proxies only. */
export const parseTrustProxy: Parser<TrustProxy> = (raw) => {
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of list) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || rest.length || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new Error(`"${entry}" phải là địa chỉ IP, dải CIDR (10.0.0.0/8) hoặc số lượng proxy`);
    }
  }
  return list;
};

const origins: Parser<string[]> = (raw) => {
  const list = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const o of list) {
    let origin: string | undefined;
    try {
      origin = new URL(o).origin;
    } catch {
      /* reported below */
    }
    if (origin !== o) throw new Error(`"${o}" phải là một origin, ví dụ https://app.example.vn`);
  }
  return list;
};

const claimMapping: Parser<Partial<ClaimMapping>> = (raw) => {
  let claims: unknown;
  try {
    claims = JSON.parse(raw);
  } catch {
    throw new Error('phải là JSON, ví dụ {"idNumber":"sub","fullName":"name"}');
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims) || Object.values(claims).some((v) => typeof v !== 'string' || !v)) {
    throw new Error('phải là một đối tượng JSON, mỗi giá trị là tên một claim');
  }
  const unknown = Object.keys(claims).filter((k) => !(k in DEFAULT_CLAIMS));
  if (unknown.length) throw new Error(`có khóa không hỗ trợ: ${unknown.join(', ')} (được dùng: ${Object.keys(DEFAULT_CLAIMS).join(', ')})`);
  return claims as Partial<ClaimMapping>;
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// ---- the table -------------------------------------------------------------------------------------------------------

export interface Variable<T> {
  parse: Parser<T>;
  /** The value when the variable is unset (or empty). Defaults that depend on other variables are in loadConfig. */
  default?: T;
  /** Production refuses to start without it; a variable's name: without it or that one. */
  requiredInProduction?: true | string;
  /** Never echoed in an error message. */
  secret?: true;
  description: string;
}

const rateLimit = (perMinute: number, description: string) => ({ parse: integer(1, 1_000_000), default: perMinute, description });
const uploadLimit = (value: number, description: string) => ({ parse: integer(1, Number.MAX_SAFE_INTEGER), default: value, description });
const sessionIdle = (minutes: number, description: string) => ({ parse: integer(1, 43_200), default: minutes, description });

/** Every environment variable of the platform (the README's configuration table lists the same names). */
export const VARIABLES = {
  PORT: { parse: integer(0, 65535), default: 3000, description: 'cổng HTTP (0: một cổng trống bất kỳ)' },
  HOST: { parse: text, default: '0.0.0.0', description: 'địa chỉ lắng nghe' },
  NODE_ENV: { parse: text, description: '`production`: chạy chính thức (tắt dữ liệu mẫu và các tính năng chỉ dành cho phát triển)' },
  LOG_LEVEL: { parse: oneOf(LOG_LEVELS), default: 'info', description: 'mức ghi nhật ký (pino); silent: không ghi' },
  DATA_DIR: { parse: text, default: './data', description: 'thư mục dữ liệu của PostgreSQL nhúng (PGlite) và khóa lịch sử phát triển' },
  DATABASE_URL: { parse: url(['postgres:', 'postgresql:']), secret: true, description: 'máy chủ PostgreSQL ≥ 15 thay cho PGlite' },
  DATABASE_READ_URL: {
    parse: url(['postgres:', 'postgresql:']),
    secret: true,
    description: 'bản sao chỉ đọc (streaming replica) của DATABASE_URL: tra cứu công khai và số liệu Trung tâm điều hành đọc từ đây',
  },
  READ_YOUR_WRITES_SECONDS: {
    parse: integer(0, 3600),
    default: READ_YOUR_WRITES_SECONDS,
    description: 'sau khi ghi, người dùng đó đọc từ máy chủ chính bấy nhiêu giây (có DATABASE_READ_URL)',
  },
  DB_POOL_SIZE: { parse: integer(1, 1000), default: DEFAULT_POOL_SIZE, description: 'số kết nối mỗi tiến trình giữ tới máy chủ PostgreSQL' },
  DEMO_DATA: { parse: flag, description: 'nạp tỉnh mẫu (Cần Thơ) vào cơ sở dữ liệu trống; mặc định 1, trừ production' },
  DEMO_HISTORY: { parse: integer(0, 10_000_000), default: 3000, description: 'số hồ sơ quá khứ (12 tháng) sinh kèm tỉnh mẫu; 0: không sinh' },
  PUBLIC_URL: {
    parse: url(['https:', 'http:']),
    requiredInProduction: true,
    description: 'địa chỉ công khai mà trình duyệt dùng; mặc định http://localhost:$PORT',
  },
  COOKIE_SECURE: { parse: flag, default: true, description: '0: cookie phiên đi qua HTTP thường (chỉ để thử trong mạng nội bộ)' },
  TRUST_PROXY: {
    parse: parseTrustProxy,
    description: 'các proxy ngược có X-Forwarded-For được tin (địa chỉ, CIDR, hoặc số chặng); mặc định không tin proxy nào',
  },
  CORS_ORIGINS: { parse: origins, default: [], description: 'các origin của ứng dụng tích hợp được gọi API từ trình duyệt (không kèm cookie)' },
  SESSION_IDLE_MINUTES: sessionIdle(SESSION_IDLE_MINUTES, 'phiên cán bộ không dùng quá số phút này thì kết thúc'),
  CITIZEN_SESSION_IDLE_MINUTES: sessionIdle(CITIZEN_SESSION_IDLE_MINUTES, 'phiên công dân không dùng quá số phút này thì kết thúc'),
  RATE_LIMIT_STAFF_SIGNIN: rateLimit(DEFAULT_RATE_LIMITS.staffSignIn, 'yêu cầu đăng nhập cán bộ mỗi phút mỗi địa chỉ IP'),
  RATE_LIMIT_STAFF_SIGNIN_ACCOUNT: rateLimit(DEFAULT_RATE_LIMITS.staffSignInPerAccount, 'yêu cầu đăng nhập cán bộ mỗi phút mỗi tên đăng nhập'),
  RATE_LIMIT_CITIZEN_SIGNIN: rateLimit(DEFAULT_RATE_LIMITS.citizenSignIn, 'yêu cầu đăng nhập công dân mỗi phút mỗi địa chỉ IP'),
  RATE_LIMIT_CITIZEN_SIGNIN_ACCOUNT: rateLimit(DEFAULT_RATE_LIMITS.citizenSignInPerAccount, 'yêu cầu đăng nhập công dân mỗi phút mỗi số định danh'),
  RATE_LIMIT_LOOKUP: rateLimit(DEFAULT_RATE_LIMITS.lookup, 'lượt tra cứu hồ sơ công khai mỗi phút mỗi địa chỉ IP'),
  RATE_LIMIT_PAYMENT_CALLBACKS: rateLimit(DEFAULT_RATE_LIMITS.paymentCallbacks, 'yêu cầu tới /api/v1/payments/… mỗi phút mỗi địa chỉ IP'),
  UPLOAD_MAX_IMAGE_PIXELS: uploadLimit(DEFAULT_UPLOAD_SETTINGS.maxImagePixels, 'ảnh lớn nhất (rộng × cao) được nhận'),
  UPLOAD_MAX_VIDEO_BYTES: {
    parse: integer(1024 * 1024, 1024 * 1024 * 1024),
    default: DEFAULT_UPLOAD_SETTINGS.maxVideoBytes,
    description: 'video phản ánh lớn nhất (byte) được nhận',
  },
  UPLOAD_DAILY_FILES: uploadLimit(DEFAULT_UPLOAD_SETTINGS.dailyFiles, 'số tệp mỗi công dân được tải lên trong 24 giờ'),
  UPLOAD_DAILY_BYTES: uploadLimit(DEFAULT_UPLOAD_SETTINGS.dailyBytes, 'số byte mỗi công dân được tải lên trong 24 giờ'),
  UPLOAD_EXPIRY_HOURS: uploadLimit(DEFAULT_UPLOAD_SETTINGS.expiryHours, 'tệp không gắn với hồ sơ hay bản nháp nào bị xóa sau số giờ này'),
  SMTP_URL: { parse: url(['smtp:', 'smtps:']), secret: true, description: 'máy chủ SMTP gửi thư cho công dân; không có: thư ghi vào nhật ký' },
  MAIL_FROM: { parse: text, default: 'Cổng dịch vụ công <no-reply@localhost>', description: 'người gửi thư thông báo' },
  NOTIFY_INTERVAL_MS: { parse: integer(100, 3_600_000), default: DEFAULT_POLL_MS, description: 'worker:notifications: khoảng nghỉ giữa hai lần xem hàng đợi' },
  NOTIFY_LEASE_MS: {
    parse: integer(1000, 86_400_000),
    default: DEFAULT_LEASE_MS,
    description: 'một tin đã nhận giữ cho worker đó bấy lâu trước khi worker khác được thử lại',
  },
  SIGNING_P12_DIR: {
    parse: existingPath('directory'),
    requiredInProduction: true,
    description: 'thư mục PKCS#12: staff/<tên đăng nhập>.p12, seal/<mã cơ quan>.p12',
  },
  SIGNING_P12_PASSPHRASE: { parse: text, secret: true, description: 'mật khẩu các tệp PKCS#12' },
  SIGNING_TRUSTED_CA: {
    parse: existingPath('file'),
    requiredInProduction: true,
    description: 'tệp PEM các tổ chức chứng thực được tin (cần cùng SIGNING_P12_DIR)',
  },
  HISTORY_KEY: {
    parse: minLength(32),
    secret: true,
    requiredInProduction: 'HISTORY_KEY_FILE',
    description: 'khóa niêm phong lịch sử hồ sơ (HMAC), giữ ngoài cơ sở dữ liệu',
  },
  HISTORY_KEY_FILE: { parse: existingPath('file'), description: 'tệp có dòng đầu là khóa niêm phong; mặc định $DATA_DIR/history.key tự tạo (trừ production)' },
  OIDC_ISSUER: {
    parse: url(['https:', 'http:']),
    requiredInProduction: true,
    description: 'nhà cung cấp định danh OpenID Connect của công dân (VNeID); không có: nhà cung cấp thử nghiệm /idp',
  },
  OIDC_CLIENT_ID: { parse: text, description: 'mã client của nền tảng tại nhà cung cấp (cần khi có OIDC_ISSUER)' },
  OIDC_CLIENT_SECRET: { parse: text, secret: true, description: 'bí mật client; để trống với client công khai (chỉ PKCE)' },
  OIDC_SCOPE: { parse: text, default: 'openid profile phone', description: 'các scope yêu cầu' },
  OIDC_CLAIMS: { parse: claimMapping, default: {}, description: 'JSON: claim nào chứa từng thông tin (chỉ ghi những cái khác mặc định)' },
  PAYMENT_BANK_BIN: { parse: text, description: 'BIN NAPAS của ngân hàng thu (VietQR); ngoài production có tài khoản mẫu' },
  PAYMENT_ACCOUNT_NO: { parse: text, description: 'số tài khoản thu phí, lệ phí' },
  PAYMENT_ACCOUNT_NAME: { parse: text, description: 'tên chủ tài khoản thu' },
  VNPAY_TMN_CODE: { parse: text, description: 'mã website (merchant) VNPay; ngoài production có giá trị sandbox' },
  VNPAY_HASH_SECRET: { parse: text, secret: true, description: 'khóa bí mật VNPay' },
  VNPAY_PAY_URL: { parse: urlOrPath, description: 'trang thanh toán VNPay; ngoài production cổng sandbox nội bộ' },
  VNPAY_API_URL: { parse: urlOrPath, description: 'API merchant (querydr) của VNPay' },
  BANK_CALLBACK_SECRET: { parse: text, secret: true, description: 'bí mật chung ký báo có của ngân hàng (HMAC-SHA256)' },
  EXCHANGE_GATEWAY_URL: {
    parse: url(['https:', 'http:']),
    description: 'trục liên thông văn bản (trục quốc gia hoặc LGSP của tỉnh); không có: văn bản gửi ra ngoài nằm chờ trong hàng đợi',
  },
  EXCHANGE_SYSTEM_ID: { parse: text, description: 'mã hệ thống của nền tảng tại trục liên thông (cần khi có EXCHANGE_GATEWAY_URL)' },
  EXCHANGE_GATEWAY_SECRET: { parse: text, secret: true, description: 'khóa bí mật của hệ thống tại trục liên thông (cần khi có EXCHANGE_GATEWAY_URL)' },
  EXCHANGE_GATEWAY_TIMEOUT_MS: { parse: integer(100, 600_000), default: 60_000, description: 'chờ trục liên thông trả lời tối đa bấy nhiêu mili giây' },
  SIM_GATEWAY_PORT: { parse: integer(0, 65535), default: 3900, description: 'npm run sim:gateway: cổng của trục liên thông mô phỏng' },
  DVCQG_URL: {
    parse: url(['https:', 'http:']),
    description: 'Cổng Dịch vụ công quốc gia (bộ chuyển đổi đồng bộ hồ sơ); không có: không đồng bộ, hồ sơ nằm chờ trong hàng đợi',
  },
  DVCQG_USERNAME: { parse: text, description: 'tài khoản của tỉnh tại Cổng DVCQG (cần khi có DVCQG_URL)' },
  DVCQG_PASSWORD: { parse: text, secret: true, description: 'mật khẩu của tài khoản tại Cổng DVCQG (cần khi có DVCQG_URL)' },
  DVCQG_UNIT_CODE: { parse: text, default: '000.00.00.H13', description: 'mã đơn vị (madonvi, dstcode) của tỉnh tại Cổng DVCQG' },
  DVCQG_TIMEOUT_MS: { parse: integer(100, 600_000), default: 60_000, description: 'chờ Cổng DVCQG trả lời tối đa bấy nhiêu mili giây' },
  DVCQG_LEASE_MS: {
    parse: integer(1000, 3_600_000),
    default: 300_000,
    description: 'một tin đồng bộ đang gửi thuộc về tiến trình đã nhận nó trong bấy nhiêu mili giây, sau đó tiến trình khác gửi lại',
  },
  SIM_DVCQG_PORT: { parse: integer(0, 65535), default: 3901, description: 'npm run sim:dvcqg: cổng của Cổng DVCQG mô phỏng' },
} satisfies Record<string, Variable<any>>;

export type VariableName = keyof typeof VARIABLES;
type ValueOf<V> = V extends { parse: Parser<infer T>; default: unknown } ? T : V extends { parse: Parser<infer T> } ? T | undefined : never;
/** The variables, parsed: a variable with a default always has a value. */
export type Values = { [K in VariableName]: ValueOf<(typeof VARIABLES)[K]> };

export interface Config {
  port: number;
  host: string;
  production: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  database: DatabaseOptions;
  /** DATABASE_READ_URL: a streaming replica of the server database for the lookup and the operations centre's reads. */
  readDatabase?: DatabaseOptions;
  /** READ_YOUR_WRITES_SECONDS: after a write, that client reads from the primary this long. */
  readYourWritesSeconds: number;
  /** Load the demo province (Cần Thơ) into an empty database at start. */
  demoData: boolean;
  /** How many past dossiers (the last twelve months) are generated with the demo province, for the IOC; 0 for none. */
  demoHistory: number;
  publicUrl: string;
  cookieSecure: boolean;
  /** Citizens' OpenID Connect provider (OIDC_*); absent → the local development provider (refused in production). */
  oidc?: OidcSettings;
  /** CORS_ORIGINS and RATE_LIMIT_*. */
  security: SecuritySettings;
  /** UPLOAD_*: image size limit, per-citizen daily quota, expiry of unattached uploads. */
  uploads: UploadSettings;
  /** PAYMENT_*, VNPAY_*, BANK_CALLBACK_SECRET, with development defaults outside production. */
  payments: PaymentSettings;
  /** SIGNING_*: the configured certificates; absent → test certificates (refused in production). */
  signing?: SigningSettings;
  /** Citizen notifications: SMTP server (smtp://user:pass@host:587); none = emails go to the log. */
  smtpUrl?: string;
  mailFrom: string;
  /** NOTIFY_*: the outbox worker's polling (worker CLI) and lease (every worker). */
  notifications: { intervalMs: number; leaseMs: number };
  /** TRUST_PROXY: the reverse proxies whose X-Forwarded-For names the client (addresses/CIDRs, or a hop count); false = none. */
  trustProxy: TrustProxy;
  /** SESSION_IDLE_MINUTES, CITIZEN_SESSION_IDLE_MINUTES: a session unused this long ends. */
  sessionIdleMinutes: { staff: number; citizen: number };
  /** The key of the dossier history's MACs (HISTORY_KEY / HISTORY_KEY_FILE), kept outside the database. */
  historyKey: Buffer;
  /** EXCHANGE_*: the document exchange gateway; absent → outgoing packages wait in the outbox. */
  exchange?: GatewaySettings;
  /** npm run sim:gateway: its port and the one system it admits (EXCHANGE_SYSTEM_ID / SECRET, else development ones). */
  exchangeSimulator: { port: number; systems: Record<string, string> };
  /** DVCQG_*: the national portal's sync; absent → dossier messages wait in the outbox. */
  national?: PortalSettings;
  /** How long a message being sent stays with its process (DVCQG_LEASE_MS; every process that delivers). */
  nationalLeaseMs: number;
  /** npm run sim:dvcqg: its port and the one account it admits (DVCQG_USERNAME / PASSWORD, else development ones). */
  nationalSimulator: { port: number; accounts: Record<string, string> };
}

/** Parses every declared variable; all problems are reported together, each naming its variable. */
export function readVariables(env: NodeJS.ProcessEnv = process.env): Values {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const production = env.NODE_ENV === 'production';
  const table = VARIABLES as Record<string, Variable<unknown>>;
  const isSet = (name: string) => Boolean(env[name]?.trim());
  for (const [name, spec] of Object.entries(table)) {
    const raw = env[name]?.trim();
    if (!raw) {
      values[name] = spec.default;
      const alternative = typeof spec.requiredInProduction === 'string' ? spec.requiredInProduction : undefined;
      if (production && spec.requiredInProduction && !(alternative && isSet(alternative))) {
        problems.push(`${name}${alternative ? ` (hoặc ${alternative})` : ''}: bắt buộc khi NODE_ENV=production — ${spec.description}`);
      }
      continue;
    }
    try {
      values[name] = spec.parse(raw);
    } catch (err) {
      problems.push(`${name}${spec.secret ? '' : `="${raw}"`}: ${(err as Error).message}`);
    }
  }
  // Variables that only make sense together.
  const pairs: [string, string][] = [
    ['DATABASE_READ_URL', 'DATABASE_URL'],
    ['OIDC_ISSUER', 'OIDC_CLIENT_ID'],
    ['SIGNING_P12_DIR', 'SIGNING_TRUSTED_CA'],
    ['SIGNING_TRUSTED_CA', 'SIGNING_P12_DIR'],
    ['EXCHANGE_GATEWAY_URL', 'EXCHANGE_SYSTEM_ID'],
    ['EXCHANGE_GATEWAY_URL', 'EXCHANGE_GATEWAY_SECRET'],
    ['DVCQG_URL', 'DVCQG_USERNAME'],
    ['DVCQG_URL', 'DVCQG_PASSWORD'],
  ];
  for (const [given, needed] of pairs) {
    if (isSet(given) && !isSet(needed)) problems.push(`${needed}: cần đặt khi có ${given}`);
  }
  if (problems.length) throw new Error(`Cấu hình không hợp lệ (biến môi trường):\n  - ${problems.join('\n  - ')}`);
  return values as Values;
}

const historyKeys = new Map<string, Buffer>();

/**
 * The secret that keys the dossier history's hash chain and anchors (HMAC-SHA256). It must live outside the database:
 * whoever can write the database must not be able to recompute a valid chain. HISTORY_KEY or HISTORY_KEY_FILE (its
 * first line); required in production. In development a random key is created once in DATA_DIR/history.key (beside
 * the PGlite files, and also when the database is a server).
 */
function historyKey(v: Values, production: boolean): Buffer {
  const file = v.HISTORY_KEY_FILE ?? (v.HISTORY_KEY || production ? undefined : resolve(v.DATA_DIR, 'history.key'));
  const cacheKey = `${v.HISTORY_KEY ?? ''}\0${file ?? ''}`;
  const cached = historyKeys.get(cacheKey);
  if (cached) return cached;
  let key = v.HISTORY_KEY;
  if (!key && file) {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      try {
        writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
        chmodSync(file, 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process created it first
      }
    }
    key = readFileSync(file, 'utf8').split(/\r?\n/)[0].trim();
    if (key.length < 32) throw new Error(`HISTORY_KEY_FILE (${file}): khóa niêm phong lịch sử cần ít nhất 32 ký tự.`);
  }
  // readVariables has refused production without either variable.
  const digest = createHash('sha256').update(key!, 'utf8').digest();
  historyKeys.set(cacheKey, digest);
  return digest;
}

/** The credentials the simulator admits when none are configured (development only: the simulator is never production). */
export const SIMULATOR_SYSTEM = { id: 'congso', secret: 'sim-secret' };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const v = readVariables(env);
  const production = v.NODE_ENV === 'production';
  return {
    port: v.PORT,
    host: v.HOST,
    production,
    logLevel: v.LOG_LEVEL,
    database: v.DATABASE_URL ? { url: v.DATABASE_URL, poolSize: v.DB_POOL_SIZE } : { dataDir: resolve(v.DATA_DIR, 'pglite') },
    readDatabase: v.DATABASE_READ_URL ? { url: v.DATABASE_READ_URL, poolSize: v.DB_POOL_SIZE } : undefined,
    readYourWritesSeconds: v.READ_YOUR_WRITES_SECONDS,
    demoData: v.DEMO_DATA ?? !production,
    demoHistory: v.DEMO_HISTORY,
    publicUrl: v.PUBLIC_URL ?? `http://localhost:${v.PORT}`,
    cookieSecure: v.COOKIE_SECURE,
    oidc: v.OIDC_ISSUER
      ? {
          issuer: v.OIDC_ISSUER,
          clientId: v.OIDC_CLIENT_ID!,
          clientSecret: v.OIDC_CLIENT_SECRET,
          scope: v.OIDC_SCOPE,
          claims: { ...DEFAULT_CLAIMS, ...v.OIDC_CLAIMS },
        }
      : undefined,
    security: {
      corsOrigins: v.CORS_ORIGINS,
      rateLimits: {
        staffSignIn: v.RATE_LIMIT_STAFF_SIGNIN,
        staffSignInPerAccount: v.RATE_LIMIT_STAFF_SIGNIN_ACCOUNT,
        citizenSignIn: v.RATE_LIMIT_CITIZEN_SIGNIN,
        citizenSignInPerAccount: v.RATE_LIMIT_CITIZEN_SIGNIN_ACCOUNT,
        lookup: v.RATE_LIMIT_LOOKUP,
        paymentCallbacks: v.RATE_LIMIT_PAYMENT_CALLBACKS,
      },
    },
    uploads: {
      maxImagePixels: v.UPLOAD_MAX_IMAGE_PIXELS,
      dailyFiles: v.UPLOAD_DAILY_FILES,
      dailyBytes: v.UPLOAD_DAILY_BYTES,
      expiryHours: v.UPLOAD_EXPIRY_HOURS,
      maxVideoBytes: v.UPLOAD_MAX_VIDEO_BYTES,
    },
    payments: paymentSettings(
      {
        bankBin: v.PAYMENT_BANK_BIN,
        accountNo: v.PAYMENT_ACCOUNT_NO,
        accountName: v.PAYMENT_ACCOUNT_NAME,
        tmnCode: v.VNPAY_TMN_CODE,
        hashSecret: v.VNPAY_HASH_SECRET,
        payUrl: v.VNPAY_PAY_URL,
        apiUrl: v.VNPAY_API_URL,
        bankCallbackSecret: v.BANK_CALLBACK_SECRET,
      },
      production,
    ),
    signing:
      v.SIGNING_P12_DIR && v.SIGNING_TRUSTED_CA
        ? { p12Dir: v.SIGNING_P12_DIR, passphrase: v.SIGNING_P12_PASSPHRASE ?? '', trustedCa: v.SIGNING_TRUSTED_CA }
        : undefined,
    smtpUrl: v.SMTP_URL,
    mailFrom: v.MAIL_FROM,
    notifications: { intervalMs: v.NOTIFY_INTERVAL_MS, leaseMs: v.NOTIFY_LEASE_MS },
    trustProxy: v.TRUST_PROXY ?? false,
    sessionIdleMinutes: { staff: v.SESSION_IDLE_MINUTES, citizen: v.CITIZEN_SESSION_IDLE_MINUTES },
    historyKey: historyKey(v, production),
    exchange: v.EXCHANGE_GATEWAY_URL
      ? { url: v.EXCHANGE_GATEWAY_URL, systemId: v.EXCHANGE_SYSTEM_ID!, secret: v.EXCHANGE_GATEWAY_SECRET!, timeoutMs: v.EXCHANGE_GATEWAY_TIMEOUT_MS }
      : undefined,
    exchangeSimulator: {
      port: v.SIM_GATEWAY_PORT,
      systems: { [v.EXCHANGE_SYSTEM_ID ?? SIMULATOR_SYSTEM.id]: v.EXCHANGE_GATEWAY_SECRET ?? SIMULATOR_SYSTEM.secret },
    },
    national: v.DVCQG_URL
      ? { url: v.DVCQG_URL, username: v.DVCQG_USERNAME!, password: v.DVCQG_PASSWORD!, unitCode: v.DVCQG_UNIT_CODE, timeoutMs: v.DVCQG_TIMEOUT_MS }
      : undefined,
    nationalLeaseMs: v.DVCQG_LEASE_MS,
    nationalSimulator: {
      port: v.SIM_DVCQG_PORT,
      accounts: { [v.DVCQG_USERNAME ?? SIMULATOR_SYSTEM.id]: v.DVCQG_PASSWORD ?? SIMULATOR_SYSTEM.secret },
    },
  };
}

/** For entry points (server, CLIs): the config, or the list of problems on stderr and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(78);
  }
}

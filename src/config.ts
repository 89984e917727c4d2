// Runtime configuration, from the environment only.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { DatabaseOptions } from './db/index.ts';
import { oidcSettingsFromEnv, type OidcSettings } from './citizens/oidc.ts';
import { SESSION_IDLE_MINUTES } from './identity/service.ts';
import { CITIZEN_SESSION_IDLE_MINUTES } from './citizens/service.ts';
import { securitySettingsFromEnv, type SecuritySettings } from './shared/security.ts';
import { uploadSettingsFromEnv, type UploadSettings } from './dossiers/files.ts';

export interface Config {
  port: number;
  host: string;
  production: boolean;
  database: DatabaseOptions;
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
  /** Citizen notifications: SMTP server (smtp://user:pass@host:587); none = emails go to the log. */
  smtpUrl?: string;
  mailFrom: string;
  /** TRUST_PROXY: the reverse proxies whose X-Forwarded-For names the client (addresses/CIDRs, or a hop count); false = none. */
  trustProxy: TrustProxy;
  /** SESSION_IDLE_MINUTES, CITIZEN_SESSION_IDLE_MINUTES: a session unused this long ends. */
  sessionIdleMinutes: { staff: number; citizen: number };
  /** The key of the dossier history's MACs (HISTORY_KEY / HISTORY_KEY_FILE), kept outside the database. */
  historyKey: Buffer;
}

const historyKeys = new Map<string, Buffer>();

/**
 * The secret that keys the dossier history's hash chain and anchors (HMAC-SHA256). It must live outside the database:
 * whoever can write the database must not be able to recompute a valid chain. HISTORY_KEY (at least 32 characters)
 * or HISTORY_KEY_FILE (its first line); required in production. In development a random key is created once in
 * DATA_DIR/history.key (beside the PGlite files, and also when the database is a server).
 */
export function historyKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer {
  const file = env.HISTORY_KEY_FILE ?? (env.HISTORY_KEY || env.NODE_ENV === 'production' ? undefined : resolve(env.DATA_DIR ?? './data', 'history.key'));
  const cacheKey = `${env.HISTORY_KEY ?? ''}\0${file ?? ''}`;
  const cached = historyKeys.get(cacheKey);
  if (cached) return cached;
  let text = env.HISTORY_KEY;
  if (!text && !file) throw new Error('Chế độ production cần khóa niêm phong lịch sử hồ sơ: đặt HISTORY_KEY hoặc HISTORY_KEY_FILE (giữ ngoài cơ sở dữ liệu).');
  if (!text && file) {
    if (!existsSync(file) && !env.HISTORY_KEY_FILE) {
      mkdirSync(dirname(file), { recursive: true });
      try {
        writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
        chmodSync(file, 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process created it first
      }
    }
    text = readFileSync(file, 'utf8').split(/\r?\n/)[0].trim();
  }
  if (!text || text.length < 32) throw new Error('HISTORY_KEY / HISTORY_KEY_FILE: khóa niêm phong lịch sử cần ít nhất 32 ký tự.');
  const key = createHash('sha256').update(text, 'utf8').digest();
  historyKeys.set(cacheKey, key);
  return key;
}

export type TrustProxy = false | number | string[];

/** "2" = trust two hops; "10.0.0.5, 10.1.0.0/16" = trust those proxies only; unset = trust none. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  if (!value?.trim()) return false;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of list) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || rest.length || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new Error(`TRUST_PROXY: "${entry}" phải là địa chỉ IP, dải CIDR (10.0.0.0/8) hoặc số lượng proxy`);
    }
  }
  return list;
}

const positiveMinutes = (name: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} phải là số phút nguyên dương: ${value}`);
  return n;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT không hợp lệ: ${env.PORT}`);
  const production = env.NODE_ENV === 'production';
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    production,
    database: env.DATABASE_URL
      ? { url: env.DATABASE_URL }
      : { dataDir: resolve(env.DATA_DIR ?? './data', 'pglite') },
    demoData: env.DEMO_DATA ? env.DEMO_DATA !== '0' : !production,
    demoHistory: Number(env.DEMO_HISTORY ?? 3000),
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    cookieSecure: env.COOKIE_SECURE !== '0',
    oidc: oidcSettingsFromEnv(env),
    security: securitySettingsFromEnv(env),
    uploads: uploadSettingsFromEnv(env),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Cổng dịch vụ công <no-reply@localhost>',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    sessionIdleMinutes: {
      staff: positiveMinutes('SESSION_IDLE_MINUTES', env.SESSION_IDLE_MINUTES, SESSION_IDLE_MINUTES),
      citizen: positiveMinutes('CITIZEN_SESSION_IDLE_MINUTES', env.CITIZEN_SESSION_IDLE_MINUTES, CITIZEN_SESSION_IDLE_MINUTES),
    },
    historyKey: historyKeyFromEnv(env),
  };
}

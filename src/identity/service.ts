// Staff accounts, password login with throttling and lockout, and cookie sessions.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Queryable } from '../db/index.ts';
import type { UsersRow } from '../db/schema.ts';
import { type Actor, isSystemAdmin, type Role } from '../shared/actor.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { liveSession } from '../shared/sessions.ts';
import { nfc } from '../shared/text.ts';
import { agenciesById, agenciesUnder, getAgencyInScope, getAgencyRow, type Agency } from '../agencies/service.ts';

export const SESSION_HOURS = 12;
/** A session nobody used for this long ends (idle timeout), besides its absolute expiry; SESSION_IDLE_MINUTES. */
export const SESSION_IDLE_MINUTES = 30;

/**
 * Sign-in throttling: failures are counted per username and address together, per username from anywhere, and per
 * address for any username; past each threshold the next attempt must wait, a wait that doubles with every further
 * failure (429 with Retry-After). No count ever refuses the right password for good, and the account-wide and
 * address-wide counts do not hold back a user at an address they signed in from before — so a stranger cannot lock
 * someone out, nor one colleague's typing lock out a whole office behind one address. Unknown usernames are counted
 * and answered exactly like known ones.
 */
export const SIGN_IN_THROTTLE = { pair: 5, account: 10, address: 20, firstWaitSeconds: 30, maxWaitSeconds: 900, forgetAfterHours: 24 };

// argon2id with OWASP's recommended memory cost (19 MiB, 2 passes).
const ARGON2 = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };
export const hashPassword = (password: string) => hash(password, ARGON2);
// A real hash to verify unknown usernames against, so that timing does not tell which usernames exist.
let dummyHash: Promise<string> | undefined;

export function checkPasswordStrength(password: string): void {
  if (password.length < 8 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    throw badRequest('WEAK_PASSWORD', 'Mật khẩu phải có ít nhất 8 ký tự, gồm cả chữ và số.');
  }
}

export interface LoginContext {
  ip: string;
  userAgent: string | null;
}

export interface LoginResult {
  token: string;
  actor: Actor;
  expiresAt: Date;
}

const throttleKeys = (name: string, ip: string) => ({ pair: `pair:${name}|${ip}`, account: `account:${name}`, address: `ip:${ip}` });

/** Seconds until a key with `failures` (last at `last`) may try again; 0 = now. */
export function throttleWait(failures: number, threshold: number, last: Date, now = new Date()): number {
  if (failures < threshold) return 0;
  const wait = Math.min(SIGN_IN_THROTTLE.maxWaitSeconds, SIGN_IN_THROTTLE.firstWaitSeconds * 2 ** (failures - threshold));
  return Math.max(0, Math.ceil((last.getTime() + wait * 1000 - now.getTime()) / 1000));
}

export async function login(db: Queryable, username: string, password: string, ctx: LoginContext): Promise<LoginResult> {
  const name = username.trim().toLowerCase();
  dummyHash ??= hashPassword('khong-phai-mat-khau-1');
  const dummy = await dummyHash;
  const record = (userId: string | null, success: boolean, reason: string) =>
    db.query('INSERT INTO login_events (username, user_id, ip, user_agent, success, reason) VALUES ($1, $2, $3, $4, $5, $6)', [
      name,
      userId,
      ctx.ip,
      ctx.userAgent,
      success,
      reason,
    ]);
  const keys = throttleKeys(name, ctx.ip);
  const [user] = await db.query(
    `SELECT u.id, u.password_hash, u.active, u.agency_id,
            EXISTS (SELECT 1 FROM login_events e WHERE e.user_id = u.id AND e.ip = $2 AND e.success) AS known_address
       FROM users u WHERE u.username = $1`,
    [name, ctx.ip],
  );
  const counts = await db.query<{ key: string; failures: number; last_failure_at: Date }>(
    `SELECT key, failures, last_failure_at FROM login_throttles
      WHERE key = ANY($1) AND last_failure_at > now() - make_interval(hours => $2)`,
    [Object.values(keys), SIGN_IN_THROTTLE.forgetAfterHours],
  );
  const wait = Math.max(
    0,
    ...counts.map((c) => {
      if (c.key === keys.pair) return throttleWait(c.failures, SIGN_IN_THROTTLE.pair, new Date(c.last_failure_at));
      if (user?.known_address) return 0;
      return throttleWait(c.failures, c.key === keys.account ? SIGN_IN_THROTTLE.account : SIGN_IN_THROTTLE.address, new Date(c.last_failure_at));
    }),
  );
  if (wait > 0) {
    await record(user?.id ?? null, false, 'throttled');
    throw new AppError(429, 'LOGIN_THROTTLED', `Đăng nhập sai nhiều lần. Vui lòng thử lại sau ${wait} giây.`, { retryAfterSeconds: wait });
  }
  const ok = await verify(user?.password_hash ?? dummy, password).catch(() => false);
  if (!user || !ok) {
    await db.query(
      `INSERT INTO login_throttles (key, failures, last_failure_at) SELECT k, 1, now() FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET last_failure_at = now(), failures =
         CASE WHEN login_throttles.last_failure_at > now() - make_interval(hours => $2) THEN login_throttles.failures + 1 ELSE 1 END`,
      [Object.values(keys), SIGN_IN_THROTTLE.forgetAfterHours],
    );
    await record(user?.id ?? null, false, user ? 'bad_password' : 'unknown_user');
    throw new AppError(401, 'INVALID_CREDENTIALS', 'Tên đăng nhập hoặc mật khẩu không đúng.');
  }
  if (!user.active || !(await getAgencyRow(db, user.agency_id))?.active) {
    await record(user.id, false, 'inactive');
    throw new AppError(403, 'ACCOUNT_DISABLED', 'Tài khoản đã ngừng hoạt động. Vui lòng liên hệ quản trị.');
  }
  // The right password clears what counted against this account (not what counts against the address).
  await db.query('DELETE FROM login_throttles WHERE key = ANY($1)', [[keys.pair, keys.account]]);
  await record(user.id, true, 'ok');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await db.query('INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5)', [
    tokenHash(token),
    user.id,
    expiresAt,
    ctx.ip,
    ctx.userAgent,
  ]);
  const actor = await actorForUser(db, user.id);
  return { token, actor: actor!, expiresAt };
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function logout(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
}

async function actorForUser(db: Queryable, userId: string): Promise<Actor | null> {
  const [r] = await db.query('SELECT id, username, full_name, roles, agency_id FROM users WHERE id = $1 AND active', [userId]);
  const agency = r && (await getAgencyRow(db, r.agency_id));
  return agency?.active ? { userId: r.id, username: r.username, fullName: r.full_name, roles: r.roles, agencyId: r.agency_id, agencyPath: agency.path } : null;
}

/** The actor behind a session token, or null when the token is unknown, expired, idle too long or its user disabled. */
export async function actorForSession(db: Queryable, token: string, idleMinutes = SESSION_IDLE_MINUTES): Promise<Actor | null> {
  const s = await liveSession(db, 'sessions', tokenHash(token), idleMinutes);
  return s ? actorForUser(db, s.user_id) : null;
}

/** Deletes sessions past their expiry or idle timeout, and sign-in counts nobody added to for a day (scheduled: src/jobs). */
export async function deleteExpiredSessions(db: Queryable, idleMinutes = SESSION_IDLE_MINUTES): Promise<number> {
  return (await db.query(`DELETE FROM sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(mins => $1) RETURNING 1`, [idleMinutes]))
    .length;
}
export async function deleteForgottenThrottles(db: Queryable): Promise<number> {
  return (
    await db.query(`DELETE FROM login_throttles WHERE last_failure_at <= now() - make_interval(hours => $1) RETURNING 1`, [SIGN_IN_THROTTLE.forgetAfterHours])
  ).length;
}

/** Ends every session of the user except the one presenting `token`; returns how many ended. */
export async function endOtherSessions(db: Queryable, actor: Actor, token: string): Promise<number> {
  return (await db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 RETURNING 1', [actor.userId, tokenHash(token)])).length;
}

export interface Me {
  id: string;
  username: string;
  fullName: string;
  roles: Role[];
  agency: { id: string; code: string; name: string };
}
export async function describeActor(db: Queryable, actor: Actor): Promise<Me> {
  const agency = await getAgencyRow(db, actor.agencyId);
  return {
    id: actor.userId,
    username: actor.username,
    fullName: actor.fullName,
    roles: actor.roles,
    agency: { id: agency!.id, code: agency!.code, name: agency!.name },
  };
}

// ---- administration of users --------------------------------------------------------------------

export interface User {
  id: string;
  username: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  roles: Role[];
  agencyId: string;
  agencyName: string;
  active: boolean;
  lockedUntil: string | null;
}

const USER_SELECT = `SELECT u.id, u.username, u.full_name, u.email, u.phone, u.roles, u.agency_id,
  u.active, t.failures AS throttle_failures, t.last_failure_at AS throttle_last
  FROM users u LEFT JOIN login_throttles t ON t.key = 'account:' || u.username`;
type UserRow = Record<string, any>;
/** Adds each user's agency name and path (the agencies module's rows) as `agency_name` and `path`. */
const withAgency = (rows: UserRow[], agencies: Map<string, Agency & { path: string }>): UserRow[] =>
  rows.map((r) => ({ ...r, agency_name: agencies.get(r.agency_id)?.name, path: agencies.get(r.agency_id)?.path }));
async function usersById(db: Queryable, ids: string[]): Promise<UserRow[]> {
  const rows = await db.query(`${USER_SELECT} WHERE u.id = ANY($1::uuid[])`, [[...new Set(ids)]]);
  return withAgency(
    rows,
    await agenciesById(
      db,
      rows.map((r) => r.agency_id),
    ),
  );
}
/** Users of an agency and the agencies below it, by agency (in path order) then `orderBy`. */
async function usersUnder(db: Queryable, agencyPath: string, where: string, orderBy: string): Promise<UserRow[]> {
  const agencies = await agenciesUnder(db, agencyPath);
  const rows = await db.query(
    `${USER_SELECT} JOIN unnest($1::uuid[]) WITH ORDINALITY AS s (agency_id, n) ON s.agency_id = u.agency_id
      WHERE ${where} ORDER BY s.n, ${orderBy}`,
    [agencies.map((a) => a.id)],
  );
  return withAgency(rows, new Map(agencies.map((a) => [a.id, a])));
}
/** Until when sign-in to the account from a new address waits (account-wide throttle), or null. */
function heldBackUntil(failures: number | null, last: Date | null): string | null {
  const wait = failures && last ? throttleWait(failures, SIGN_IN_THROTTLE.account, new Date(last)) : 0;
  return wait > 0 ? new Date(Date.now() + wait * 1000).toISOString() : null;
}
const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  fullName: r.full_name,
  email: r.email,
  phone: r.phone ?? null,
  roles: r.roles as Role[],
  agencyId: r.agency_id,
  agencyName: r.agency_name,
  active: r.active,
  lockedUntil: heldBackUntil(r.throttle_failures, r.throttle_last),
});

function checkGrantable(actor: Actor | null, roles: Role[]) {
  if (roles.includes('system_admin') && actor && !isSystemAdmin(actor)) {
    throw forbidden('Chỉ quản trị hệ thống được cấp vai trò quản trị hệ thống.');
  }
}

export async function listUsers(db: Queryable, actor: Actor, agencyId?: string): Promise<User[]> {
  const root = agencyId ? (await getAgencyInScope(db, actor, agencyId)).path : isSystemAdmin(actor) ? '' : actor.agencyPath;
  return (await usersUnder(db, root, 'true', 'u.username')).map(toUser);
}

async function getUserInScope(db: Queryable, actor: Actor, id: string): Promise<UserRow> {
  const [r] = await db.query(`${USER_SELECT} WHERE u.id = $1`, [id]);
  if (!r) throw notFound('người dùng');
  const agency = await getAgencyInScope(db, actor, r.agency_id).catch(() => {
    throw notFound('người dùng');
  });
  return { ...r, agency_name: agency.name, path: agency.path };
}

export async function getUser(db: Queryable, actor: Actor, id: string): Promise<User> {
  return toUser(await getUserInScope(db, actor, id));
}

/** `phone`: the work phone citizens are given to call (printed on Mẫu 02 as the contact). */
export interface NewUser {
  username: string;
  password: string;
  fullName: string;
  email?: string | null;
  phone?: string | null;
  roles: Role[];
  agencyId: string;
}

/** Creates a staff account; actor null = the system itself (seeding). */
export async function createUser(db: Queryable, actor: Actor | null, input: NewUser): Promise<User> {
  if (actor) await getAgencyInScope(db, actor, input.agencyId);
  else if (!(await getAgencyRow(db, input.agencyId))) throw notFound('cơ quan');
  checkGrantable(actor, input.roles);
  checkPasswordStrength(input.password);
  const username = input.username.trim().toLowerCase();
  const [taken] = await db.query('SELECT 1 FROM users WHERE username = $1', [username]);
  if (taken) throw conflict('USERNAME_TAKEN', `Tên đăng nhập "${username}" đã được dùng.`);
  const [row] = await db.query<Pick<UsersRow, 'id'>>(
    `INSERT INTO users (username, password_hash, full_name, email, agency_id, roles, phone) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [username, await hashPassword(input.password), nfc(input.fullName), input.email ?? null, input.agencyId, [...new Set(input.roles)], input.phone ?? null],
  );
  const [r] = await usersById(db, [row.id]);
  return toUser(r);
}

export interface UserPatch {
  fullName?: string;
  email?: string | null;
  phone?: string | null;
  roles?: Role[];
  agencyId?: string;
  active?: boolean;
  password?: string;
}

export async function updateUser(db: Queryable, actor: Actor, id: string, patch: UserPatch): Promise<User> {
  const current = await getUserInScope(db, actor, id);
  if (patch.agencyId) await getAgencyInScope(db, actor, patch.agencyId);
  if (patch.roles) checkGrantable(actor, patch.roles);
  if (current.roles.includes('system_admin') && !isSystemAdmin(actor)) throw forbidden('Không thể sửa tài khoản quản trị hệ thống.');
  if (id === actor.userId && (patch.active === false || (patch.roles && !patch.roles.some((r) => r === 'agency_admin' || r === 'system_admin')))) {
    throw new AppError(409, 'CANNOT_DEMOTE_SELF', 'Không thể tự khóa hoặc tự bỏ quyền quản trị của chính mình.');
  }
  if (patch.password !== undefined) checkPasswordStrength(patch.password);
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : null;
  await db.query(
    `UPDATE users SET full_name = coalesce($2, full_name), email = CASE WHEN $3::boolean THEN $4 ELSE email END,
       roles = coalesce($5, roles), agency_id = coalesce($6, agency_id), active = coalesce($7, active),
       password_hash = coalesce($8, password_hash), phone = CASE WHEN $9::boolean THEN $10 ELSE phone END, updated_at = now()
     WHERE id = $1`,
    [
      id,
      patch.fullName ? nfc(patch.fullName) : null,
      patch.email !== undefined,
      patch.email ?? null,
      patch.roles ? [...new Set(patch.roles)] : null,
      patch.agencyId ?? null,
      patch.active ?? null,
      passwordHash,
      patch.phone !== undefined,
      patch.phone ?? null,
    ],
  );
  // A disabled account or a new password ends every open session of that user; a new password also lifts the
  // account-wide sign-in wait.
  if (patch.active === false || passwordHash) await db.query('DELETE FROM sessions WHERE user_id = $1', [id]);
  if (passwordHash) await db.query('DELETE FROM login_throttles WHERE key = $1', [throttleKeys(current.username, '').account]);
  return getUser(db, actor, id);
}

/** A staff member as other modules name them (assignment, consultation): no scope check, callers decide who may ask. */
export interface StaffMember {
  id: string;
  fullName: string;
  roles: Role[];
  agencyId: string;
  agencyName: string;
  agencyPath: string;
  active: boolean;
}
const toStaffMember = (r: UserRow): StaffMember => ({
  id: r.id,
  fullName: r.full_name,
  roles: r.roles as Role[],
  agencyId: r.agency_id,
  agencyName: r.agency_name,
  agencyPath: r.path,
  active: r.active,
});

/** Staff members by id (unknown ids are left out). */
export async function staffMembers(db: Queryable, ids: string[]): Promise<Map<string, StaffMember>> {
  if (!ids.length) return new Map();
  return new Map((await usersById(db, ids)).map((r) => [r.id as string, toStaffMember(r)]));
}

/** The active staff of an agency and its units, by agency then name. */
export async function activeStaffIn(db: Queryable, agencyPath: string): Promise<StaffMember[]> {
  return (await usersUnder(db, agencyPath, 'u.active', 'u.full_name')).map(toStaffMember);
}

/** Staff members' full names by id, for records that show who did something (unknown ids are left out). */
export async function staffNames(db: Queryable, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.query('SELECT id, full_name FROM users WHERE id = ANY($1::uuid[])', [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id as string, r.full_name as string]));
}

/** Where active staff members are reached by the notification outbox (work email and phone), by id. */
export async function staffContacts(db: Queryable, ids: string[]): Promise<{ id: string; email: string | null; phone: string | null }[]> {
  if (!ids.length) return [];
  return db.query<Pick<UsersRow, 'id' | 'email' | 'phone'>>('SELECT id, email, phone FROM users WHERE id = ANY($1::uuid[]) AND active ORDER BY id', [
    [...new Set(ids)],
  ]);
}

/** The name and work phone of a staff member, for documents that tell citizens whom to call; null for an unknown id. */
export async function staffContact(db: Queryable, userId: string): Promise<{ name: string; phone: string | null } | null> {
  const [r] = await db.query<Pick<UsersRow, 'full_name' | 'phone'>>('SELECT full_name, phone FROM users WHERE id = $1', [userId]);
  return r ? { name: r.full_name, phone: r.phone } : null;
}

// Citizens (công dân) and their sessions. Until e-ID (VNeID) sign-in exists, development builds offer a sign-in
// that creates a citizen from a 12-digit personal identification number; production refuses it.
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';

export interface Citizen { id: string; idNumber: string; fullName: string; phone: string | null; email: string | null }

const SESSION_HOURS = 8;
const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');
const toCitizen = (r: Record<string, any>): Citizen => ({ id: r.id, idNumber: r.id_number, fullName: r.full_name, phone: r.phone, email: r.email });

export async function developmentSignIn(db: Queryable, production: boolean, input: { idNumber: string; fullName: string }) {
  if (production) throw new AppError(403, 'DEV_SIGNIN_DISABLED', 'Đăng nhập thử nghiệm không dùng được khi hệ thống chạy chính thức.');
  const [row] = await db.query(
    `INSERT INTO citizens (id_number, full_name) VALUES ($1, $2)
     ON CONFLICT (id_number) DO UPDATE SET full_name = citizens.full_name RETURNING *`, [input.idNumber, nfc(input.fullName)]);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await db.query('INSERT INTO citizen_sessions (token_hash, citizen_id, expires_at) VALUES ($1, $2, $3)', [tokenHash(token), row.id, expiresAt]);
  return { token, expiresAt, citizen: toCitizen(row) };
}

export async function citizenForSession(db: Queryable, token: string): Promise<Citizen | null> {
  const [row] = await db.query(
    `SELECT c.* FROM citizen_sessions s JOIN citizens c ON c.id = s.citizen_id WHERE s.token_hash = $1 AND s.expires_at > now()`, [tokenHash(token)]);
  return row ? toCitizen(row) : null;
}

export async function citizenSignOut(db: Queryable, token: string) {
  await db.query('DELETE FROM citizen_sessions WHERE token_hash = $1', [tokenHash(token)]);
}

export function requireCitizen(citizen: Citizen | null): Citizen {
  if (!citizen) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập bằng tài khoản công dân.');
  return citizen;
}

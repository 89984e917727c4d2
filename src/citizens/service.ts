// Citizens (công dân) and their sessions. A citizen signs in at an OpenID Connect identity provider (VNeID, or the
// local development provider); the provider's verified claims create or update the citizen, and the session records
// the identity level of that sign-in.
import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { Queryable } from '../db/index.ts';
import type { CitizensRow, CitizenSignInAttemptsRow } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { liveSession } from '../shared/sessions.ts';
import { mapClaims, type CitizenOidc, type VerifiedIdentity } from './oidc.ts';

export interface Citizen {
  id: string;
  idNumber: string;
  fullName: string;
  birthDate: string | null;
  phone: string | null;
  email: string | null;
  /** Identity level (mức định danh) of the current sign-in, when the provider states one. */
  identityLevel: number | null;
}

const SESSION_HOURS = 8;
/** How long the provider's login may take before the callback is refused. */
const ATTEMPT_MINUTES = 10;
export const DEFAULT_AFTER_SIGN_IN = '/ho-so-cua-toi';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');
const newToken = () => randomBytes(32).toString('base64url');

/** A path of this site to return to after sign-in; anything else (other sites, the API) → the citizen's dossiers. */
export const safeNextPath = (next: string | undefined) =>
  next?.startsWith('/') && !next.startsWith('//') && !next.includes('\\') && !next.startsWith('/api/') ? next : DEFAULT_AFTER_SIGN_IN;

const unavailable = (err: unknown) =>
  new AppError(502, 'IDP_UNAVAILABLE', 'Không kết nối được với hệ thống định danh điện tử. Vui lòng thử lại sau ít phút.', { reason: (err as Error).message });

/**
 * Starts a sign-in: fresh state, nonce and PKCE verifier are kept server-side under a random token that the browser
 * holds in a cookie, binding the callback to the browser that started it. Returns where to send the browser.
 */
export async function beginSignIn(db: Queryable, oidc: CitizenOidc, next: string | undefined) {
  const config = await oidc.configuration().catch((err) => {
    throw unavailable(err);
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: oidc.redirectUri,
    scope: oidc.settings.scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const attemptToken = newToken();
  const expiresAt = new Date(Date.now() + ATTEMPT_MINUTES * 60_000);
  await db.query('DELETE FROM citizen_sign_in_attempts WHERE expires_at < now()');
  await db.query('INSERT INTO citizen_sign_in_attempts (token_hash, state, nonce, code_verifier, next_path, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    tokenHash(attemptToken),
    state,
    nonce,
    verifier,
    safeNextPath(next),
    expiresAt,
  ]);
  return { attemptToken, expiresAt, authorizationUrl: authorizationUrl.href };
}

/** Why a callback was refused, in the citizen's words; `details.reason` keeps the library's account for the log. */
function refusal(err: unknown): AppError {
  if (err instanceof client.AuthorizationResponseError) {
    return err.error === 'access_denied'
      ? new AppError(400, 'SIGN_IN_CANCELLED', 'Bạn đã hủy đăng nhập.', { reason: err.error })
      : new AppError(400, 'IDP_ERROR', 'Hệ thống định danh điện tử từ chối đăng nhập. Vui lòng thử lại.', { reason: err.error_description ?? err.error });
  }
  if (err instanceof client.ResponseBodyError) {
    return new AppError(400, 'SIGN_IN_REJECTED', 'Mã đăng nhập không còn hiệu lực (đã dùng hoặc hết hạn). Vui lòng đăng nhập lại.', { reason: err.error });
  }
  if (err instanceof client.ClientError) {
    // The innermost error names the failed check ("JWT signature verification failed", the "nonce" claim…).
    let inner: Error = err;
    while (inner.cause instanceof Error) inner = inner.cause;
    return new AppError(400, 'ID_TOKEN_INVALID', 'Thông tin đăng nhập nhận từ hệ thống định danh không hợp lệ. Vui lòng đăng nhập lại.', {
      reason: inner.message,
      check: err.code ?? null,
    });
  }
  return unavailable(err);
}

/**
 * Finishes a sign-in at the callback: takes the attempt once (a replayed callback finds nothing), exchanges the code
 * with the PKCE verifier, checks state, nonce and the ID token (signature, issuer, audience, expiry), maps the claims
 * and opens a session.
 */
export async function completeSignIn(db: Queryable, oidc: CitizenOidc, attemptToken: string | undefined, callbackQuery: string) {
  const [attempt] = attemptToken
    ? await db.query<CitizenSignInAttemptsRow & { fresh: boolean }>(
        'DELETE FROM citizen_sign_in_attempts WHERE token_hash = $1 RETURNING *, expires_at > now() AS fresh',
        [tokenHash(attemptToken)],
      )
    : [];
  if (!attempt?.fresh) throw new AppError(400, 'SIGN_IN_EXPIRED', 'Phiên đăng nhập đã hết hạn hoặc đã được dùng. Vui lòng đăng nhập lại.');
  const config = await oidc.configuration().catch((err) => {
    throw unavailable(err);
  });
  const callbackUrl = new URL(oidc.redirectUri);
  callbackUrl.search = callbackQuery;
  const tokens = await client
    .authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: attempt.code_verifier,
      expectedState: attempt.state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    })
    .catch((err) => {
      throw refusal(err);
    });
  const idToken = tokens.claims()!;
  const mapping = oidc.settings.claims;
  // Providers that keep profile claims out of the ID token serve them at userinfo; the ID token's own claims win.
  const wanted = [mapping.idNumber, mapping.fullName, mapping.birthDate, mapping.phone];
  const userinfo =
    wanted.some((name) => !(name.split('.')[0] in idToken)) && config.serverMetadata().userinfo_endpoint
      ? await client.fetchUserInfo(config, tokens.access_token, idToken.sub).catch((err) => {
          throw refusal(err);
        })
      : {};
  const identity = mapClaims({ ...userinfo, ...idToken }, mapping);
  if ('missing' in identity) {
    throw new AppError(403, 'IDENTITY_INCOMPLETE', 'Tài khoản định danh không cung cấp đủ số định danh cá nhân (12 chữ số) và họ tên để nộp hồ sơ.', {
      claim: identity.missing,
    });
  }
  return { ...(await openCitizenSession(db, identity)), next: attempt.next_path };
}

/** Creates or updates the citizen from the provider's verified identity and opens a session. */
export async function openCitizenSession(db: Queryable, identity: VerifiedIdentity) {
  // The provider is the authority on name and birth date; a phone it does not share keeps the one on file.
  const [row] = await db.query<Pick<CitizensRow, 'id'>>(
    `INSERT INTO citizens (id_number, full_name, birth_date, phone) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id_number) DO UPDATE SET full_name = EXCLUDED.full_name, birth_date = COALESCE(EXCLUDED.birth_date, citizens.birth_date),
       phone = COALESCE(EXCLUDED.phone, citizens.phone)
     RETURNING id`,
    [identity.idNumber, identity.fullName, identity.birthDate, identity.phone],
  );
  const token = newToken();
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await db.query('INSERT INTO citizen_sessions (token_hash, citizen_id, expires_at, identity_level) VALUES ($1, $2, $3, $4)', [
    tokenHash(token),
    row.id,
    expiresAt,
    identity.identityLevel,
  ]);
  return { token, expiresAt, citizen: (await citizenForSession(db, token))! };
}

/** A session nobody used for this long ends (idle timeout), besides its absolute expiry; CITIZEN_SESSION_IDLE_MINUTES. */
export const CITIZEN_SESSION_IDLE_MINUTES = 30;

export async function citizenForSession(db: Queryable, token: string, idleMinutes = CITIZEN_SESSION_IDLE_MINUTES): Promise<Citizen | null> {
  const s = await liveSession(db, 'citizen_sessions', tokenHash(token), idleMinutes);
  if (!s) return null;
  const [r] = await db.query<Pick<CitizensRow, 'id' | 'id_number' | 'full_name' | 'phone' | 'email'> & { birth_date: string | null }>(
    `SELECT id, id_number, full_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, phone, email FROM citizens WHERE id = $1`,
    [s.citizen_id],
  );
  return r
    ? { id: r.id, idNumber: r.id_number, fullName: r.full_name, birthDate: r.birth_date, phone: r.phone, email: r.email, identityLevel: s.identity_level }
    : null;
}

/** Deletes sessions past their expiry or idle timeout (scheduled: src/jobs). */
export async function deleteExpiredCitizenSessions(db: Queryable, idleMinutes = CITIZEN_SESSION_IDLE_MINUTES): Promise<number> {
  return (
    await db.query(`DELETE FROM citizen_sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(mins => $1) RETURNING 1`, [idleMinutes])
  ).length;
}

/** Ends every session of the citizen except the one presenting `token`; returns how many ended. */
export async function endOtherCitizenSessions(db: Queryable, citizen: Citizen, token: string): Promise<number> {
  return (await db.query('DELETE FROM citizen_sessions WHERE citizen_id = $1 AND token_hash <> $2 RETURNING 1', [citizen.id, tokenHash(token)])).length;
}

/** Ends the session here; returns the provider's sign-out address (RP-initiated logout) when it has one. */
export async function citizenSignOut(db: Queryable, oidc: CitizenOidc, token: string | undefined): Promise<{ endSessionUrl: string | null }> {
  if (token) await db.query('DELETE FROM citizen_sessions WHERE token_hash = $1', [tokenHash(token)]);
  const config = await oidc.configuration().catch(() => null);
  if (!config?.serverMetadata().end_session_endpoint) return { endSessionUrl: null };
  return { endSessionUrl: client.buildEndSessionUrl(config, { client_id: oidc.settings.clientId, post_logout_redirect_uri: oidc.postLogoutRedirectUri }).href };
}

export function requireCitizen(citizen: Citizen | null): Citizen {
  if (!citizen) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập bằng tài khoản công dân.');
  return citizen;
}

/** The identification number of a citizen account (other modules check whether a dossier's applicant is its submitter). */
export async function citizenIdNumber(db: Queryable, citizenId: string): Promise<string | null> {
  const [r] = await db.query<Pick<CitizensRow, 'id_number'>>('SELECT id_number FROM citizens WHERE id = $1', [citizenId]);
  return r?.id_number ?? null;
}

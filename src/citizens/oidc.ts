// The platform as an OpenID Connect relying party for citizen sign-in (VNeID or any standards-compliant provider):
// discovery, authorization code with PKCE, state and nonce, signed ID token checks, and a configurable mapping from
// the provider's claims to a citizen. With no provider configured, a development build runs the local one (src/idp).
import type { FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import type { InProcessFetch, LocalIdentityProvider } from '../idp/provider.ts';

/** Which claim holds each fact about the citizen. A dotted name reads a nested claim (`address.formatted`). */
export interface ClaimMapping {
  idNumber: string;
  fullName: string;
  birthDate: string;
  phone: string;
  identityLevel: string;
}

export const DEFAULT_CLAIMS: ClaimMapping = { idNumber: 'sub', fullName: 'name', birthDate: 'birthdate', phone: 'phone_number', identityLevel: 'acr' };

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE only). */
  clientSecret?: string;
  scope: string;
  claims: ClaimMapping;
}

export interface CitizenOidc {
  settings: OidcSettings;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** The provider's metadata and this client, discovered once (retried after a failure). */
  configuration(): Promise<client.Configuration>;
  /** Set when the local development provider is in use. */
  local?: LocalIdentityProvider;
}

export const CALLBACK_PATH = '/api/v1/citizen/oidc/callback';

export function createCitizenOidc(settings: OidcSettings, opts: { publicUrl: string; fetch?: InProcessFetch; local?: LocalIdentityProvider }): CitizenOidc {
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () =>
    (discovered ??= client
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
        {
          // Check the ID token's signature too, not only TLS to the token endpoint: a token altered anywhere is refused.
          execute: [client.enableNonRepudiationChecks, ...(new URL(settings.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [])],
          ...(opts.fetch && { [client.customFetch]: opts.fetch as client.CustomFetch }),
        },
      )
      .catch((err) => {
        discovered = undefined;
        throw err;
      }));
  return {
    settings,
    configuration,
    local: opts.local,
    redirectUri: new URL(CALLBACK_PATH, opts.publicUrl).href,
    postLogoutRedirectUri: new URL('/', opts.publicUrl).href,
  };
}

/**
 * The configured provider, or — outside production only — the local development provider mounted under /idp.
 * Production without a configured provider refuses to start.
 */
export async function setupCitizenSignIn(app: FastifyInstance, opts: { oidc?: OidcSettings; production: boolean; publicUrl: string }): Promise<CitizenOidc> {
  if (opts.oidc) return createCitizenOidc(opts.oidc, { publicUrl: opts.publicUrl });
  if (opts.production) {
    throw new Error(
      'Chạy chính thức (NODE_ENV=production) cần nhà cung cấp định danh thật: đặt OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET. Nhà cung cấp định danh thử nghiệm không được bật khi chạy chính thức.',
    );
  }
  const redirectUri = new URL(CALLBACK_PATH, opts.publicUrl).href;
  // Loaded here only: a production process never loads the development provider.
  const { registerLocalIdentityProvider } = await import('../idp/provider.ts');
  const local = await registerLocalIdentityProvider(app, { publicUrl: opts.publicUrl, redirectUri, postLogoutRedirectUri: new URL('/', opts.publicUrl).href });
  return createCitizenOidc(
    { issuer: local.issuer, clientId: local.clientId, clientSecret: local.clientSecret, scope: local.scope, claims: DEFAULT_CLAIMS },
    { publicUrl: opts.publicUrl, fetch: local.fetch, local },
  );
}

/** What the provider vouches for about the citizen, in the platform's terms. */
export interface VerifiedIdentity {
  idNumber: string;
  fullName: string;
  birthDate: string | null;
  phone: string | null;
  identityLevel: number | null;
}

const claimAt = (claims: Record<string, unknown>, name: string): unknown =>
  name.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), claims);

/** The identity level is the last number in the claim (`2`, `urn:…:muc-2`, `loa2` → 2); none → unknown (null). */
export function identityLevelOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const m = typeof value === 'string' ? /(\d+)\D*$/.exec(value) : null;
  return m ? Number(m[1]) : null;
}

/** Maps claims to an identity (null where the provider does not share a fact), or names the claim that is missing or unusable. */
export function mapClaims(claims: Record<string, unknown>, mapping: ClaimMapping): VerifiedIdentity | { missing: string } {
  const text = (name: string) => {
    const v = claimAt(claims, name);
    return typeof v === 'string' && v.trim() ? v.trim().normalize('NFC') : null;
  };
  const idNumber = text(mapping.idNumber);
  if (!idNumber || !/^[0-9]{12}$/.test(idNumber)) return { missing: mapping.idNumber };
  const fullName = text(mapping.fullName);
  if (!fullName) return { missing: mapping.fullName };
  const birthDate = text(mapping.birthDate);
  return {
    idNumber,
    fullName,
    birthDate: birthDate && /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? birthDate : null,
    phone: text(mapping.phone),
    identityLevel: identityLevelOf(claimAt(claims, mapping.identityLevel)),
  };
}

// The local development identity provider: a standards-compliant OpenID Connect provider (oidc-provider, Koa inside)
// standing in for VNeID, with demo citizens and a Vietnamese login/consent page. It is mounted under /idp on the
// platform's own Fastify server rather than on a port of its own, so `npm start` stays one process on one port and the
// browser, the tests (app.inject) and the relying party reach it at the same address. Never in production (app.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type OidcContext } from 'oidc-provider';
import { acrForLevel, DEMO_CITIZENS, type LocalAccount } from './demo-citizens.ts';

export const IDP_PATH = '/idp';
const CLIENT_ID = 'congso';
const SCOPE = 'openid profile phone';
const DEMO_BY_ID = new Map(DEMO_CITIZENS.map((c) => [c.idNumber, c]));

/** A fetch for the relying party's back-channel calls (discovery, token, keys), answered in-process by `app.inject`. */
export type InProcessFetch = (url: string, init: { method: string; headers: Record<string, string>; body?: unknown }) => Promise<Response>;

export interface LocalIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  fetch: InProcessFetch;
  /** The private key that signs ID tokens (tests forge tokens with it). */
  signingKey(): Promise<JWK>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const PAGE_STYLE = `body{font-family:system-ui,"Segoe UI",Roboto,Arial,sans-serif;margin:0;background:#f4f6f8;color:#1b1f24;line-height:1.5}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem}h1{font-size:1.4rem;margin:.5rem 0 1rem}
.note{background:#fff4d6;border-left:4px solid #d99a00;padding:.6rem .8rem;font-size:.95rem}
.error{background:#fde7e7;border-left:4px solid #c62828;padding:.6rem .8rem}
ul{list-style:none;padding:0;margin:0 0 1rem}li{margin:.5rem 0}
button{font:inherit;cursor:pointer;border-radius:6px;border:1px solid #b7c2cc;background:#fff;padding:.6rem .9rem}
.citizen{display:block;width:100%;text-align:left}.citizen strong{display:block}.citizen span{color:#4b5560;font-size:.9rem}
.primary{background:#c62828;border-color:#c62828;color:#fff;font-weight:600}
fieldset{border:1px solid #d0d7de;border-radius:6px;background:#fff;margin:1rem 0}label{display:block;margin:.5rem 0 .2rem;font-weight:600}
input,select{font:inherit;width:100%;box-sizing:border-box;padding:.45rem;border:1px solid #b7c2cc;border-radius:4px}`;

function page(title: string, body: string) {
  return `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function loginPage(uid: string, error?: string, entered: { idNumber?: string; fullName?: string } = {}) {
  const action = `${IDP_PATH}/interaction/${encodeURIComponent(uid)}`;
  const citizens = DEMO_CITIZENS.map(
    (c) => `<li><button type="submit" class="citizen" name="idNumber" value="${c.idNumber}">
<strong>${escapeHtml(c.fullName)}</strong><span>Số định danh ${c.idNumber} · mức ${c.level}</span></button></li>`,
  ).join('');
  return page(
    'Đăng nhập định danh điện tử (thử nghiệm)',
    `
<h1>Đăng nhập bằng tài khoản định danh điện tử</h1>
<p class="note">Nhà cung cấp định danh <strong>thử nghiệm</strong> của congso, thay cho VNeID khi phát triển và kiểm thử.
Không có mật khẩu; không chạy được khi hệ thống chạy chính thức.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p>Cổng dịch vụ công đề nghị nhận: số định danh cá nhân, họ và tên, ngày sinh, số điện thoại và mức định danh của bạn.
Chọn một công dân để đăng nhập và đồng ý chia sẻ các thông tin này.</p>
<form method="post" action="${action}/login"><ul>${citizens}</ul></form>
<form method="post" action="${action}/login"><fieldset><legend>Công dân thử nghiệm khác</legend>
<label for="idNumber">Số định danh cá nhân</label><input id="idNumber" name="idNumber" inputmode="numeric" maxlength="12" value="${escapeHtml(entered.idNumber ?? '')}">
<label for="fullName">Họ và tên</label><input id="fullName" name="fullName" maxlength="200" value="${escapeHtml(entered.fullName ?? '')}">
<label for="level">Mức định danh</label><select id="level" name="level"><option value="2">Mức 2</option><option value="1">Mức 1</option></select>
<p><button type="submit" class="primary">Đăng nhập và đồng ý</button></p></fieldset></form>
<form method="post" action="${action}/abort"><button type="submit">Hủy, quay lại Cổng dịch vụ công</button></form>`,
  );
}

/** Mounts the provider under /idp and returns what the relying party needs to use it. */
export async function registerLocalIdentityProvider(
  app: FastifyInstance,
  opts: { publicUrl: string; redirectUri: string; postLogoutRedirectUri: string },
): Promise<LocalIdentityProvider> {
  const issuer = new URL(IDP_PATH, opts.publicUrl).href;
  const clientSecret = randomBytes(32).toString('base64url');
  const accounts = new Map<string, LocalAccount>(DEMO_BY_ID);

  // Built on first use: tests that never sign a citizen in pay nothing for it.
  let built: Promise<{ provider: Provider; jwk: JWK; handle: ReturnType<Provider['callback']> }> | undefined;
  const build = () =>
    (built ??= (async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk: JWK = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: CLIENT_ID,
            client_secret: clientSecret,
            redirect_uris: [opts.redirectUri],
            post_logout_redirect_uris: [opts.postLogoutRedirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            id_token_signed_response_alg: 'ES256',
          },
        ],
        jwks: { keys: [jwk] },
        cookies: { keys: [randomBytes(32).toString('base64url')] },
        pkce: { required: () => true },
        acrValues: [acrForLevel(1), acrForLevel(2)],
        claims: { openid: ['sub', 'acr'], profile: ['name', 'birthdate'], phone: ['phone_number'] },
        // The ID token carries the claims, as a VNeID-style token would; the relying party reads userinfo only for missing ones.
        conformIdTokenClaims: false,
        features: {
          devInteractions: { enabled: false },
          rpInitiatedLogout: {
            enabled: true,
            logoutSource: async (ctx: OidcContext, form: string) => {
              ctx.body = page(
                'Đăng xuất',
                `<h1>Đăng xuất khỏi tài khoản định danh thử nghiệm?</h1>${form}
<p><button type="submit" class="primary" form="op.logoutForm" name="logout" value="yes" autofocus>Đăng xuất</button>
<button type="submit" form="op.logoutForm">Giữ đăng nhập</button></p>`,
              );
            },
            postLogoutSuccessSource: async (ctx: OidcContext) => {
              ctx.body = page('Đã đăng xuất', '<h1>Bạn đã đăng xuất.</h1>');
            },
          },
        },
        interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `${IDP_PATH}/interaction/${interaction.uid}` },
        findAccount: async (_ctx: unknown, sub: string) => {
          const account = accounts.get(sub);
          if (!account) return undefined;
          return {
            accountId: sub,
            claims: async () => ({
              sub,
              name: account.fullName,
              ...(account.birthDate && { birthdate: account.birthDate }),
              ...(account.phone && { phone_number: account.phone }),
            }),
          };
        },
        // The platform is this provider's only client, a first-party one: consent is given on the login page.
        loadExistingGrant: async (ctx: OidcContext) => {
          const { session, client } = ctx.oidc;
          if (!client || !session.accountId) return undefined;
          const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
          if (grantId) return ctx.oidc.provider.Grant.find(grantId);
          const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
          grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
          await grant.save();
          return grant;
        },
        renderError: async (ctx: OidcContext, out: Record<string, string>) => {
          ctx.type = 'html';
          ctx.body = page(
            'Không đăng nhập được',
            `<h1>Không đăng nhập được</h1><p class="error" role="alert">${escapeHtml(out.error_description ?? out.error ?? 'Lỗi không xác định')}</p>
<p><a href="/">Về Cổng dịch vụ công</a></p>`,
          );
        },
        ttl: { AuthorizationCode: 60, IdToken: 600, AccessToken: 600, Interaction: 900, Session: 3600, Grant: 3600 },
      });
      provider.on('server_error', (_ctx: unknown, err: Error) => app.log.error({ err }, 'local identity provider error'));
      return { provider, jwk, handle: provider.callback() };
    })());

  // biome-ignore lint/nursery/noMisusedPromises: Fastify's register takes an async plugin; Biome's inference sees only the callback overload
  await app.register(async (idp) => {
    await idp.register(formbody);
    const hidden = { hide: true, tags: ['Định danh thử nghiệm'] };

    idp.get<{ Params: { uid: string } }>(
      `${IDP_PATH}/interaction/:uid`,
      {
        schema: { ...hidden, summary: 'Trang đăng nhập và đồng ý của nhà cung cấp định danh thử nghiệm' },
      },
      async (req, reply) => {
        const { provider } = await build();
        const details = await provider.interactionDetails(req.raw, reply.raw).catch(() => null);
        if (!details) return expired(reply);
        return reply.type('text/html; charset=utf-8').send(loginPage(details.uid));
      },
    );

    idp.post<{ Params: { uid: string }; Body: { idNumber?: string; fullName?: string; level?: string } }>(
      `${IDP_PATH}/interaction/:uid/login`,
      {
        schema: {
          ...hidden,
          summary: 'Đăng nhập một công dân thử nghiệm và đồng ý chia sẻ thông tin',
          body: {
            type: 'object',
            properties: { idNumber: { type: 'string', maxLength: 20 }, fullName: { type: 'string', maxLength: 200 }, level: { type: 'string', maxLength: 1 } },
          },
        },
      },
      async (req, reply) => {
        const { provider } = await build();
        const details = await provider.interactionDetails(req.raw, reply.raw).catch(() => null);
        if (!details) return expired(reply);
        const idNumber = (req.body.idNumber ?? '').trim();
        const fullName = (req.body.fullName ?? '').trim().normalize('NFC');
        // A demo citizen as listed; any other 12-digit number becomes a test citizen with the name typed in.
        let account = DEMO_BY_ID.get(idNumber);
        if (!account) {
          const problem = !/^[0-9]{12}$/.test(idNumber)
            ? 'Số định danh cá nhân phải gồm đúng 12 chữ số.'
            : fullName.length < 2
              ? 'Vui lòng nhập họ và tên.'
              : null;
          if (problem)
            return reply
              .status(400)
              .type('text/html; charset=utf-8')
              .send(loginPage(details.uid, problem, { idNumber, fullName }));
          account = { idNumber, fullName, birthDate: null, phone: null, level: req.body.level === '1' ? 1 : 2 };
          accounts.set(idNumber, account);
        }
        const returnTo = await provider.interactionResult(
          req.raw,
          reply.raw,
          { login: { accountId: account.idNumber, acr: acrForLevel(account.level), amr: ['pwd'] } },
          { mergeWithLastSubmission: false },
        );
        return reply.redirect(returnTo, 303);
      },
    );

    idp.post<{ Params: { uid: string } }>(
      `${IDP_PATH}/interaction/:uid/abort`,
      {
        schema: { ...hidden, summary: 'Hủy đăng nhập ở nhà cung cấp định danh thử nghiệm' },
      },
      async (req, reply) => {
        const { provider } = await build();
        const returnTo = await provider
          .interactionResult(
            req.raw,
            reply.raw,
            { error: 'access_denied', error_description: 'Người dùng đã hủy đăng nhập.' },
            { mergeWithLastSubmission: false },
          )
          .catch(() => null);
        return returnTo ? reply.redirect(returnTo, 303) : expired(reply);
      },
    );

    // Everything else under /idp is the provider's own (discovery, authorize, token, keys, userinfo, end session).
    // It is handed the raw request before Fastify reads the body; the headers Fastify has prepared (security
    // headers) go along. The path is rewritten as a mounting framework would, keeping originalUrl for its links.
    idp.route({
      method: ['GET', 'POST'],
      url: `${IDP_PATH}/*`,
      schema: { ...hidden, summary: 'Các điểm cuối OpenID Connect của nhà cung cấp định danh thử nghiệm' },
      onRequest: async (req, reply) => {
        const { handle } = await build();
        reply.hijack();
        for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
        const raw = req.raw as IncomingMessage & { originalUrl?: string };
        raw.originalUrl = raw.url;
        raw.url = raw.url!.slice(IDP_PATH.length) || '/';
        await new Promise<void>((resolve) => {
          reply.raw.once('finish', resolve);
          reply.raw.once('close', resolve);
          handle(raw, reply.raw);
        });
        return reply;
      },
      handler: async () => undefined,
    });
  });

  const issuerOrigin = new URL(issuer).origin;
  const inProcessFetch: InProcessFetch = async (url, init) => {
    const target = new URL(url);
    // Only the provider's own endpoints are answered in-process; anything else is a misconfiguration.
    if (target.origin !== issuerOrigin || !target.pathname.startsWith(`${IDP_PATH}/`))
      throw new Error(`không phải địa chỉ của nhà cung cấp định danh thử nghiệm: ${url}`);
    const res = await app.inject({
      method: init.method as 'GET' | 'POST',
      url: target.pathname + target.search,
      headers: { ...init.headers, host: target.host },
      payload: init.body === undefined || init.body === null ? undefined : String(init.body),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) headers.append(name, String(v));
    }
    return new Response(res.statusCode === 204 || res.statusCode === 304 ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };

  return { issuer, clientId: CLIENT_ID, clientSecret, scope: SCOPE, fetch: inProcessFetch, signingKey: async () => (await build()).jwk };
}

function expired(reply: FastifyReply) {
  return reply
    .status(400)
    .type('text/html; charset=utf-8')
    .send(
      page(
        'Phiên đăng nhập đã hết hạn',
        '<h1>Phiên đăng nhập đã hết hạn</h1><p>Vui lòng quay lại Cổng dịch vụ công và đăng nhập lại.</p><p><a href="/">Về Cổng dịch vụ công</a></p>',
      ),
    );
}

// The reference world's Authority built on oidc-provider, the way a platform team would build one:
// the library answers discovery, JWKS, authorization (PKCE), the token endpoint and refresh; this
// file adds what the platform's tenancy needs and the library does not know.
//   - Users, clients, tenants and profiles are the reference fixtures (TC_FIXTURES).
//   - The password grant (the console client uses it), as a registered grant type.
//   - Tenant selection (A5) at the token endpoint, with the tenant claims of A6, kept across a
//     refresh; a tenant asked at authorization is bound into the code.
//   - Sign-in without a page: the user named by login_hint is signed in (capability login-hint).
//   - The console endpoints of A7-A9 (tenants, profile, introspection) as its own routes.
//   - The test-only endpoints of A10 when TC_ENABLE_MINT=1.
//   - The correlation id of E1 on every answer, and in every error body.
// Header, claim and pattern spellings come from the profile (TC_PROFILE); oidc-provider's own
// paths are kept, and profile.yaml beside this file spells them for tenantcheck.
// Environment: TC_PORT (required), TC_FIXTURES, TC_PROFILE, TC_ENABLE_MINT, TC_AUDIENCE.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as querystring from 'node:querystring';

import * as jose from 'jose';
import Provider, { errors } from 'oidc-provider';
import YAML from 'yaml';

const env = process.env;
const port = Number(env.TC_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('authority: TC_PORT must be a port number');
  process.exit(2);
}
const need = (name) => {
  if (!env[name]) {
    console.error(`authority: ${name} is required`);
    process.exit(2);
  }
  return env[name];
};
const readYaml = (file) => {
  try {
    return YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`authority: cannot read ${file}: ${err.message}`);
    process.exit(2);
  }
};

// ---- the world: fixtures and the profile's spellings ----------------------------------------
const fixtures = need('TC_FIXTURES');
const profile = readYaml(need('TC_PROFILE'));
const users = readYaml(path.join(fixtures, 'users.yaml')).users;
const clients = readYaml(path.join(fixtures, 'clients.yaml')).clients;
const tenants = readYaml(path.join(fixtures, 'tenants.yaml')).tenants;
const profiles = readYaml(path.join(fixtures, 'profiles.yaml')).profiles ?? {};
const allScopes = readYaml(path.join(fixtures, 'scopes.yaml')).scopes;

const H = profile.headers;
const C = profile.claims;
const E = profile.errors;
const S = profile.status;
const tenantPattern = new RegExp(profile.patterns.tenant_id);
const correlationPattern = new RegExp(profile.patterns.correlation_id);
const leeway = profile.windows.token_leeway_seconds;
const audience = env.TC_AUDIENCE || profile.values.default_audience;
const issuer = `http://127.0.0.1:${port}`;
const mintEnabled = env.TC_ENABLE_MINT === '1';

const userBySub = new Map(users.map((u) => [u.sub, u]));
const userByName = new Map(users.map((u) => [u.username, u]));
const clientById = new Map(clients.map((c) => [c.client_id, c]));
const refreshScope = profile.values.refresh_scope;   // A4: the scope whose grant brings a refresh token
const oidcScopes = new Set(['openid', 'profile', refreshScope]);   // the library's own scopes
// The one API the platform's tokens are for: oidc-provider issues JWT access tokens only to a
// resource server, so every request is for this one (RFC 8707 resource indicator).
const RESOURCE = 'urn:tenantcheck:api';
const apiScopes = allScopes.filter((s) => !oidcScopes.has(s));

// ---- signing keys ----------------------------------------------------------------------------
// oidc-provider reads its key set once. Rotation (A10, test-only) therefore publishes the next keys
// ahead: the set holds KEY_RING keys from the start, the first signs, and each rotation moves
// signing to the next one (a pre-published rollover key); the old keys stay published.
const KEY_RING = 4;
const ring = [];
for (let i = 0; i < KEY_RING; i += 1) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = crypto.randomBytes(8).toString('hex');
  ring.push({ kid, privateKey, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } });
}
let signing = 0;
const currentKey = () => ring[signing];
const publicKeys = new Map(ring.map((k) => [k.kid, crypto.createPublicKey(k.privateKey)]));

// ---- revoked tokens, grants' tenants ---------------------------------------------------------
const revoked = new Set();          // jti of tokens revoked through the test-only endpoint
const boundTenant = new Map();      // grantId -> the tenant asked at authorization
const selectedTenant = new Map();   // grantId -> the tenant selected when the grant's first token was issued

// oidc-provider's own routes, kept at the library's defaults (profile.yaml spells them).
const ROUTES = { authorization: '/auth', token: '/token', jwks: '/jwks' };

// The API's scopes a client may have (the library checks only its own scopes against the client).
const resourceServerInfo = (clientId) => ({
  scope: apiScopes.filter((s) => clientById.get(clientId)?.scopes.includes(s)).join(' '),
  audience,
  accessTokenTTL: profile.windows.access_token_ttl_seconds,
  accessTokenFormat: 'jwt',
  jwt: { sign: { alg: 'RS256', kid: currentKey().kid } },
});

class TenantError extends errors.CustomOIDCProviderError {}

// A5: the tenant for principal p (a user or a client) when `asked` (undefined when not asked).
function selectTenant(p, asked) {
  const assigned = p.tenants ?? [];
  if (asked !== undefined) {
    if (!assigned.includes(asked)) {
      throw new TenantError(E.tenant_forbidden, 'the tenant asked is not assigned to this principal');
    }
    return asked;
  }
  if (assigned.length === 0) return null;
  if (assigned.length === 1) return assigned[0];
  if (p.default_tenant) return p.default_tenant;
  throw new TenantError(E.tenant_ambiguous, 'several tenants are assigned and none is the default: ask one');
}

function tenantClaims(p, selected) {
  const assigned = p.tenants ?? [];
  const out = {};
  if (selected) out[C.tenant] = selected;
  if (assigned.length > 1) out[C.allowed_tenants] = assigned;
  return out;
}

// A4: the scopes a user may have through a client (both must have them).
function allowedScopes(user, clientId) {
  const client = clientById.get(clientId);
  return user.scopes.filter((s) => client?.scopes.includes(s));
}

// A grant of `requested` to the user through the client: the library's scopes as OIDC scopes, the
// rest as the API's resource scopes. Returns its id.
function saveGrant(sub, clientId, requested) {
  const grant = new provider.Grant({ accountId: sub, clientId });
  grant.addOIDCScope(requested.filter((s) => oidcScopes.has(s)).join(' '));
  grant.addResourceScope(RESOURCE, requested.filter((s) => !oidcScopes.has(s)).join(' '));
  return grant.save();
}

// ---- the provider ----------------------------------------------------------------------------
const clientMetadata = clients.map((c) => {
  const base = {
    client_id: c.client_id,
    grant_types: c.grants,
    response_types: c.grants.includes('authorization_code') ? ['code'] : [],
    redirect_uris: c.redirect_uris ?? [],
    scope: c.scopes.filter((s) => oidcScopes.has(s)).join(' ') || undefined,   // the library's own scopes
  };
  return c.public
    ? { ...base, token_endpoint_auth_method: 'none' }
    : { ...base, client_secret: c.secret, token_endpoint_auth_method: 'client_secret_basic' };
});

const provider = new Provider(issuer, {
  clients: clientMetadata,
  routes: ROUTES,
  jwks: { keys: ring.map((k) => k.jwk) },
  scopes: [...oidcScopes],
  responseTypes: ['code'],
  claims: { openid: ['sub'] },
  findAccount: async (_ctx, sub) => (userBySub.has(sub) ? { accountId: sub, claims: async () => ({ sub }) } : undefined),
  pkce: { required: () => true },
  ttl: {
    AccessToken: profile.windows.access_token_ttl_seconds,
    ClientCredentials: profile.windows.access_token_ttl_seconds,
    RefreshToken: profile.windows.refresh_token_ttl_seconds,
    AuthorizationCode: profile.windows.authorization_code_ttl_seconds,
    Grant: profile.windows.refresh_token_ttl_seconds,
    Interaction: 60,
    Session: 600,
    IdToken: 900,
  },
  extraParams: ['tenant', 'login_hint'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },   // the console's own introspection (A9) is served below
    revocation: { enabled: false },
    userinfo: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, indicator, client) => {
        if (indicator !== RESOURCE) throw new errors.InvalidTarget();
        return resourceServerInfo(client.clientId);
      },
    },
  },
  discovery: { introspection_endpoint: `${issuer}${profile.paths.introspect}` },
  issueRefreshToken: async (_ctx, client, source) =>
    client.grantTypeAllowed('refresh_token') && source.scopes.has(refreshScope),
  // A5 and A6: the selection runs when the access token is made, after client authentication and
  // grant validation (O1); its errors are the token endpoint's 400s.
  extraTokenClaims: async (ctx, token) => {
    const asked = ctx.state?.form?.tenant;
    if (token.kind === 'ClientCredentials') {
      const p = clientById.get(token.clientId);
      const selected = selectTenant(p, asked);
      Object.assign(ctx.state, { sub: token.clientId, selected });
      return tenantClaims(p, selected);
    }
    const p = userBySub.get(token.accountId);
    const bound = boundTenant.get(token.grantId);
    let selected;
    if (bound !== undefined) {
      if (asked !== undefined && asked !== bound) {
        throw new errors.InvalidGrant('the tenant asked is not the one bound at authorization');
      }
      selected = bound;
    } else if (token.gty?.includes('refresh_token') && asked === undefined && selectedTenant.has(token.grantId)) {
      selected = selectedTenant.get(token.grantId);
    } else {
      selected = selectTenant(p, asked);
    }
    selectedTenant.set(token.grantId, selected);
    Object.assign(ctx.state, { sub: token.accountId, selected });
    return tenantClaims(p, selected);
  },
  formats: {
    customizers: {
      // A6 asks for nbf too; oidc-provider's JWT access tokens carry iat only.
      jwt: async (_ctx, _token, jwt) => {
        jwt.payload.nbf = jwt.payload.iat;
      },
    },
  },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },   // per process: sessions do not outlive it
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // Errors that cannot go back to the client (unknown client, unregistered redirect_uri) are JSON.
  renderError: async (ctx, out) => {
    ctx.type = 'application/json';
    ctx.body = out;
  },
});
provider.proxy = false;

// ---- the password grant -----------------------------------------------------------------------
provider.registerGrantType('password', async (ctx) => {
  const { client } = ctx.oidc;
  const { username, password, scope } = ctx.oidc.params;
  const user = username ? userByName.get(username) : undefined;
  const okPassword = user && password !== undefined
    && crypto.timingSafeEqual(crypto.createHash('sha256').update(user.password).digest(),
      crypto.createHash('sha256').update(String(password)).digest());
  if (!okPassword) throw new errors.InvalidGrant('unknown user or wrong password');
  const allowed = allowedScopes(user, client.clientId);
  const requested = scope ? scope.split(' ').filter(Boolean) : allowed;
  const outside = requested.find((s) => !allowed.includes(s));
  if (outside) throw new errors.InvalidScope('requested scope is not allowed', outside);

  const grantId = await saveGrant(user.sub, client.clientId, requested);

  const at = new provider.AccessToken({ accountId: user.sub, client, grantId, gty: 'password' });
  at.resourceServer = new provider.ResourceServer(RESOURCE, resourceServerInfo(client.clientId));
  at.scope = requested.filter((s) => !oidcScopes.has(s)).join(' ') || undefined;
  ctx.oidc.entity('AccessToken', at);
  const accessToken = await at.save();

  let refreshToken;
  if (requested.includes(refreshScope) && client.grantTypeAllowed('refresh_token')) {
    const rt = new provider.RefreshToken({
      accountId: user.sub, client, grantId, gty: 'password', scope: requested.join(' '),
      resource: RESOURCE, rotations: 0,
    });
    ctx.oidc.entity('RefreshToken', rt);
    refreshToken = await rt.save();
  }
  ctx.body = {
    access_token: accessToken,
    token_type: profile.values.token_type,
    expires_in: at.expiration,
    scope: requested.join(' '),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
  };
}, ['username', 'password', 'scope']);

// ---- audit records (U1), served at paths.audit (U2) -------------------------------------------
// Each decision is recorded before its answer is sent, so the source is synchronous. The last
// AUDIT_RETENTION records are kept; they hold no secret (no token, password or client secret).
const EV = profile.events;
const OUT = profile.outcomes;
const AUDIT_RETENTION = 10000;
const records = [];

// The decision a request made, recorded by the middleware once the answer is known.
function decide(ctx, decision) {
  ctx.state.decision = decision;
  return undefined;
}

function actorOf(claims) {
  return claims ? { sub: claims[C.subject] ?? null, client_id: claims[C.client_id] ?? null, tenant: claims[C.tenant] ?? null } : null;
}

function record(ctx, cid, d) {
  records.push({
    ts: new Date().toISOString(),
    component: 'authority',
    event: d.event,
    outcome: d.outcome,
    status: ctx.status,
    correlation_id: cid,
    actor: d.actor ?? { sub: null, client_id: null, tenant: null },
    resolved_tenant: d.resolved ?? null,
    attempted_tenant: d.attempted ?? null,
    target_tenant: null,
    reason: d.outcome === OUT.deny ? (d.reason ?? null) : null,
    method: ctx.method,
    path: ctx.path,
    change_summary: d.change ?? null,
  });
  if (records.length > AUDIT_RETENTION) records.splice(0, records.length - AUDIT_RETENTION);
}

// The token endpoint's decision, read off its answer (A4, A5).
function tokenDecision(ctx) {
  const form = ctx.state.form ?? {};
  const actor = { sub: ctx.state.sub ?? null, client_id: ctx.oidc?.client?.clientId ?? form.client_id ?? null, tenant: ctx.state.selected ?? null };
  const attempted = typeof form.tenant === 'string' ? form.tenant : null;
  if (ctx.status === S.ok) return { event: EV.token_issued, outcome: OUT.allow, resolved: ctx.state.selected ?? null, attempted, actor };
  return { event: EV.token_rejected, outcome: OUT.deny, reason: ctx.body?.error ?? null, attempted, actor };
}

function auditQuery(ctx) {
  if (ctx.method !== 'GET') {
    return fail(ctx, S.method_not_allowed, E.method_not_allowed, `${ctx.path} answers GET only`, { [H.allow]: 'GET' });
  }
  const { correlation_id: cid, event } = ctx.query;
  ctx.status = S.ok;
  ctx.body = { records: records.filter((r) => (!cid || r.correlation_id === cid) && (!event || r.event === event)) };
  return undefined;
}

// ---- helpers for the platform's own routes --------------------------------------------------
function correlationId(ctx) {
  const given = ctx.get(H.correlation_id);
  return given && correlationPattern.test(given) ? given : crypto.randomUUID();
}

function fail(ctx, status, code, description, extraHeaders = {}) {
  ctx.status = status;
  for (const [k, v] of Object.entries(extraHeaders)) ctx.set(k, v);
  ctx.type = 'application/json';
  ctx.body = { error: code, error_description: description };
}

async function readBody(ctx) {
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new errors.OIDCProviderError(S.payload_too_large, E.payload_too_large);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// The values of the tenant header and its aliases, any letter case, repeated or comma-joined.
function tenantHeaderValues(ctx) {
  const names = [H.tenant, ...(H.tenant_aliases ?? [])].map((n) => n.toLowerCase());
  const values = [];
  for (const name of names) {
    const got = ctx.req.headersDistinct[name];
    if (got) for (const v of got) values.push(...v.split(',').map((s) => s.trim()));
  }
  return values;
}

// A7: the tenant a console request selects against an entitlement, or an error answer.
function consoleSelection(ctx, claimTenant, entitlement) {
  const values = tenantHeaderValues(ctx);
  if (values.length === 0) return { tenant: claimTenant ?? null, attempted: null };
  const bad = values.find((v) => !tenantPattern.test(v));
  if (bad !== undefined) {
    return { error: [S.tenant_invalid, E.tenant_invalid, 'the tenant header is empty or malformed'], event: EV.tenant_invalid, attempted: bad };
  }
  const distinct = [...new Set(values)];
  if (distinct.length > 1) {
    return { error: [S.tenant_conflict, E.tenant_conflict, 'the tenant headers name several tenants'], event: EV.tenant_conflict, attempted: distinct.sort() };
  }
  if (!entitlement.includes(distinct[0])) {
    return { error: [S.tenant_forbidden, E.tenant_forbidden, 'the tenant is not one this token is entitled to'], event: EV.tenant_forbidden, attempted: distinct[0] };
  }
  return { tenant: distinct[0], attempted: distinct[0] };
}

// A denial of the console's tenant selection, answered and recorded (A7).
function refuseSelection(ctx, sel, claims) {
  decide(ctx, { event: sel.event, outcome: OUT.deny, reason: sel.error[1], attempted: sel.attempted, actor: actorOf(claims) });
  return fail(ctx, ...sel.error);
}

// A token of this Authority: its keys, exp/nbf within the leeway, not revoked. Null otherwise.
async function verifyOwnToken(token) {
  if (!token) return null;
  try {
    const { payload } = await jose.jwtVerify(token, async (header) => {
      const key = publicKeys.get(header.kid);
      if (!key) throw new Error('unknown kid');
      return key;
    }, { issuer, algorithms: ['RS256'], clockTolerance: leeway, requiredClaims: ['exp'] });
    if (payload.jti && revoked.has(payload.jti)) return null;
    return payload;
  } catch {
    return null;
  }
}

// The credentials of an Authorization header in `scheme` (the profile's spelling, any letter case).
function credentials(ctx, scheme) {
  const [given, value, ...rest] = (ctx.get(H.authorization) || '').trim().split(/\s+/);
  return given?.toLowerCase() === scheme.toLowerCase() && value && rest.length === 0 ? value : null;
}

const bearer = (ctx) => credentials(ctx, profile.values.bearer_scheme);

// client_secret_basic's id and secret (RFC 6749 §2.3.1: each form-encoded, the secret may hold ':').
function basicClient(ctx) {
  const value = credentials(ctx, profile.values.basic_scheme);
  if (!value) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const unform = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

function entitlementOf(claims) {
  const out = [];
  if (typeof claims[C.tenant] === 'string') out.push(claims[C.tenant]);
  for (const t of Array.isArray(claims[C.allowed_tenants]) ? claims[C.allowed_tenants] : []) {
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

// A7's 401: no token of this Authority, answered with the Bearer challenge and recorded.
function invalidToken(ctx) {
  decide(ctx, { event: EV.authn_failed, outcome: OUT.deny, reason: E.invalid_token });
  return fail(ctx, S.invalid_token, E.invalid_token, 'the access token is missing, expired, revoked or not issued here',
    { [H.www_authenticate]: `${profile.values.bearer_scheme} error="${E.invalid_token}"` });
}

async function consoleRoute(ctx, answer) {
  const claims = await verifyOwnToken(bearer(ctx));
  if (!claims) return invalidToken(ctx);
  const entitlement = entitlementOf(claims);
  const sel = consoleSelection(ctx, claims[C.tenant], entitlement);
  if (sel.error) return refuseSelection(ctx, sel, claims);
  decide(ctx, { event: EV.tenant_selected, outcome: OUT.allow, resolved: sel.tenant, attempted: sel.attempted, actor: actorOf(claims) });
  ctx.status = S.ok;
  ctx.body = answer(claims, sel.tenant, entitlement);
  return undefined;
}

// The confidential client that authenticated (client_secret_basic or client_secret_post), or null.
function authenticatedClient(ctx, form) {
  const { id, secret } = basicClient(ctx) ?? { id: form.client_id, secret: form.client_secret };
  const c = typeof id === 'string' ? clientById.get(id) : undefined;
  return c && !c.public && typeof secret === 'string' && secret === c.secret ? c : null;
}

const ownRoutes = new Map([
  [`GET ${profile.paths.console_tenants}`, (ctx) => consoleRoute(ctx, (_claims, selected, entitlement) => ({
    tenants: tenants.filter((t) => entitlement.includes(t.id)).map((t) => ({ id: t.id, displayName: t.displayName })),
    selectedTenant: selected,
  }))],
  [`GET ${profile.paths.console_profile}`, (ctx) => consoleRoute(ctx, (claims, selected) => {
    const layers = profiles[claims[C.subject]] ?? {};
    return { sub: claims[C.subject], tenant: selected, profile: { ...(layers.global ?? {}), ...((selected && layers.tenants?.[selected]) ?? {}) } };
  })],
  [`POST ${profile.paths.introspect}`, async (ctx) => {
    const form = querystring.parse(await readBody(ctx));
    const caller = bearer(ctx) ? await verifyOwnToken(bearer(ctx)) : authenticatedClient(ctx, form);
    if (!caller) {
      if (bearer(ctx)) return invalidToken(ctx);
      decide(ctx, { event: EV.authn_failed, outcome: OUT.deny, reason: E.invalid_client });
      return fail(ctx, S.invalid_client, E.invalid_client, 'introspection needs a bearer token of this Authority or client credentials',
          { [H.www_authenticate]: profile.values.basic_scheme });
    }
    const claims = typeof form.token === 'string' ? await verifyOwnToken(form.token) : null;
    if (!claims) {
      decide(ctx, { event: EV.token_introspected, outcome: OUT.allow, change: { active: false } });
      ctx.status = S.ok;
      ctx.body = { active: false };
      return undefined;
    }
    const sel = consoleSelection(ctx, claims[C.tenant], entitlementOf(claims));
    if (sel.error) return refuseSelection(ctx, sel, claims);
    decide(ctx, { event: EV.token_introspected, outcome: OUT.allow, resolved: sel.tenant, attempted: sel.attempted,
      actor: actorOf(claims), change: { active: true } });
    ctx.status = S.ok;
    ctx.body = { active: true, ...claims, selected_tenant: sel.tenant };
    return undefined;
  }],
]);

if (mintEnabled) {
  ownRoutes.set(`POST ${profile.paths.mint}`, async (ctx) => {
    let req;
    try {
      req = JSON.parse(await readBody(ctx));
    } catch {
      return fail(ctx, S.bad_request, E.invalid_request, 'the body is not JSON');
    }
    if (!req || typeof req !== 'object' || typeof req.sub !== 'string') {
      return fail(ctx, S.bad_request, E.invalid_request, 'sub is required');
    }
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      [C.issuer]: req.iss ?? issuer,
      [C.subject]: req.sub,
      [C.audience]: req.aud ?? audience,
      [C.scope]: req.scope ?? apiScopes.join(' '),
      iat: now + (req.iat_in ?? 0),
      nbf: now + (req.nbf_in ?? 0),
      exp: now + (req.exp_in ?? profile.windows.access_token_ttl_seconds),
      jti: crypto.randomUUID(),
    };
    if (typeof req.client_id === 'string') payload[C.client_id] = req.client_id;   // none unless asked (A10)
    if (req.tenant) payload[C.tenant] = req.tenant;
    if (Array.isArray(req.allowed_tenants)) payload[C.allowed_tenants] = req.allowed_tenants;
    Object.assign(payload, req.claims ?? {});
    const token = await new jose.SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: currentKey().kid, typ: 'JWT' })
      .sign(currentKey().privateKey);
    ctx.status = S.ok;
    ctx.body = { access_token: token };
    return undefined;
  });
  ownRoutes.set(`POST ${profile.paths.revoke}`, async (ctx) => {
    const form = querystring.parse(await readBody(ctx));
    const claims = typeof form.token === 'string' ? jose.decodeJwt(form.token) : null;
    if (claims?.jti) revoked.add(claims.jti);
    ctx.status = S.ok;
    ctx.body = { revoked: Boolean(claims?.jti) };
  });
  ownRoutes.set(`POST ${profile.paths.rotate}`, async (ctx) => {
    if (signing + 1 >= ring.length) {
      return fail(ctx, S.internal_error, E.internal_error, `every one of the ${KEY_RING} published keys has signed; restart to rotate again`);
    }
    signing += 1;
    ctx.status = S.ok;
    ctx.body = { kid: currentKey().kid };
    return undefined;
  });
}

// I3 (Interpretation 20): a refresh whose tenant is forbidden is refused before oidc-provider
// spends the refresh token (it rotates the token before the access token, and so the selection, is
// made). Only for a live token of the calling client; anything else is the library's to answer.
async function refusedRefreshSpendsNothing(ctx) {
  const { form } = ctx.state;
  if (form.grant_type !== 'refresh_token' || typeof form.tenant !== 'string' || typeof form.refresh_token !== 'string') return;
  const rt = await provider.RefreshToken.find(form.refresh_token);
  const caller = basicClient(ctx)?.id ?? form.client_id;
  if (!rt || rt.isExpired || rt.consumed || rt.clientId !== caller) return;
  const client = clientById.get(rt.clientId);
  if (client && !client.public && !authenticatedClient(ctx, form)) return;   // client authentication first (O1)
  const user = userBySub.get(rt.accountId);
  if (user) selectTenant(user, form.tenant);
}

// Sign-in without a page: the interaction a browser would see signs in the login_hint user at once.
async function interaction(ctx) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { params } = details;
  const user = params.login_hint ? userByName.get(params.login_hint) : undefined;
  let result;
  const requested = String(params.scope ?? '').split(' ').filter(Boolean);
  const allowed = user ? allowedScopes(user, params.client_id) : [];
  if (!user) {
    result = { error: E.login_required, error_description: 'login_hint names no user' };
  } else if (requested.some((s) => !allowed.includes(s))) {
    result = { error: E.invalid_scope, error_description: 'requested scope is not allowed' };
  } else if (params.tenant !== undefined && !(user.tenants ?? []).includes(params.tenant)) {
    result = { error: E.tenant_forbidden, error_description: 'the tenant asked is not assigned to this user' };
  } else {
    const grantId = await saveGrant(user.sub, params.client_id, requested);
    if (params.tenant !== undefined) boundTenant.set(grantId, params.tenant);
    result = { login: { accountId: user.sub }, consent: { grantId } };
  }
  await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
}

// One GET to this server, under a deadline: {status, headers, body}.
function getOnce(url, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, timeout: 5000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('the authorization step did not answer within 5 s')));
    req.on('error', reject);
  });
}

// The authorization endpoint as one answer: the provider's redirects through its own interaction
// and resume steps are followed here, so the client sees the final redirect to its redirect_uri.
const hopSecret = crypto.randomBytes(16).toString('hex');
async function authorizeInOneAnswer(ctx, cid) {
  const first = new URL(`${issuer}${ctx.originalUrl}`);
  const clientId = first.searchParams.get('client_id');
  const user = userByName.get(first.searchParams.get('login_hint'));
  const client = clientById.get(clientId);
  if (!first.searchParams.get('scope') && client) {
    // A4: no scope asked means every scope the principal and the client both have.
    first.searchParams.set('scope', (user ? allowedScopes(user, clientId) : client.scopes).join(' '));
  }
  let url = first.href;
  const jar = new Map();
  for (let hop = 0; hop < 6; hop += 1) {
    const res = await getOnce(url, {
      'x-tenantcheck-hop': hopSecret,
      [H.correlation_id]: cid,
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    });
    for (const c of res.headers['set-cookie'] ?? []) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const { location } = res.headers;
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin === issuer) {
        url = next.href;
        continue;
      }
      const answer = new URL(location).searchParams;
      const asked = first.searchParams.get('tenant');
      const actor = { sub: user?.sub ?? null, client_id: clientId, tenant: null };
      decide(ctx, answer.has('code')
        ? { event: EV.authorize_code_issued, outcome: OUT.allow, resolved: asked, attempted: asked, actor }
        : { event: EV.authorize_rejected, outcome: OUT.deny, reason: answer.get('error'), attempted: asked, actor });
      ctx.set(H.location, location);
      ctx.body = '';                  // no body: the error, if any, is in the Location (E1)
      ctx.status = S.redirect;
      return;
    }
    ctx.status = res.status;
    ctx.type = res.headers['content-type'] ?? 'application/json';
    ctx.body = res.body;
    let error = null;
    try { error = JSON.parse(res.body).error ?? null; } catch { /* not JSON */ }
    decide(ctx, { event: EV.authorize_rejected, outcome: OUT.deny, reason: error, attempted: first.searchParams.get('tenant'),
      actor: { sub: null, client_id: clientId, tenant: null } });
    return;
  }
  fail(ctx, S.internal_error, E.internal_error, 'the authorization did not settle');
}

// E1: the correlation id on every answer and in every error body; then the platform's own routes.
provider.use(async (ctx, next) => {
  const cid = correlationId(ctx);
  ctx.set(H.correlation_id, cid);
  const own = ownRoutes.get(`${ctx.method} ${ctx.path}`);
  try {
    if (ctx.path === profile.paths.audit) {
      await auditQuery(ctx);
    } else if (own) {
      await own(ctx);
    } else if (ctx.path.startsWith('/interaction/') && ctx.method === 'GET') {
      await interaction(ctx);
    } else if (ctx.method === 'GET' && ctx.path === ROUTES.authorization && ctx.get('x-tenantcheck-hop') !== hopSecret) {
      await authorizeInOneAnswer(ctx, cid);
    } else {
      if (ctx.method === 'POST' && ctx.path === ROUTES.token && ctx.is('application/x-www-form-urlencoded')) {
        // The tenant parameter is read here: oidc-provider passes a grant only its own parameters.
        const raw = await readBody(ctx);
        ctx.state.form = querystring.parse(raw);
        ctx.req.body = raw;
        await refusedRefreshSpendsNothing(ctx);
      }
      await next();
    }
  } catch (err) {
    if (err instanceof errors.OIDCProviderError) {
      fail(ctx, err.status, err.error, err.error_description);
    } else {
      console.error(`authority: ${ctx.method} ${ctx.path}: ${err.stack ?? err}`);
      fail(ctx, S.internal_error, E.internal_error, 'the request could not be answered');
    }
  }
  if (ctx.status >= 400 && ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body) && ctx.body.error) {
    ctx.body = { ...ctx.body, correlation_id: cid };
  }
  if (ctx.method === 'POST' && ctx.path === ROUTES.token) decide(ctx, tokenDecision(ctx));
  if (ctx.state.decision) record(ctx, cid, ctx.state.decision);
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(issuer);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// An independent Gateway for the tenantcheck reference contract (docs/contract.md O1, E1, G1–G6,
// U1–U2, I1–I4), written from the contract text, the profile and the fixtures alone. Node.js 18 or later,
// built-in modules only. Configuration comes from the environment (run-gateway, topology.yaml):
//   TC_PORT            port to listen on (127.0.0.1)
//   TC_AUTHORITY       the Authority's base URL (discovery gives issuer and jwks_uri)
//   TC_BACKENDS        "role=URL role=URL …": the backend of each role the route table names
//   TC_PROFILE         the contract profile (every spelling)
//   TC_FIXTURES        the fixtures folder (routes.yaml: the route table)
//   TC_SHARED_SECRET   the context-signature secret shared with the backends (B1, G5); never logged
//   TC_AUDIT_FILE      where the audit records are appended as JSON lines (U2); optional
//   TC_COMPONENT       the component name of the records (default gateway)
import http from 'node:http';
import https from 'node:https';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------------------------------------
// A YAML subset reader: block mappings and sequences by indentation, flow collections (possibly
// over several lines), quoted and plain scalars, comments. Enough for the profile and the fixtures.

function stripComment(line) {
  let inS = false, inD = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inD) { if (c === '\\') i++; else if (c === '"') inD = false; continue; }
    if (inS) { if (c === "'") inS = false; continue; }
    if (c === '"') inD = true;
    else if (c === "'") inS = true;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

function flowBalance(text) {
  let depth = 0, inS = false, inD = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inD) { if (c === '\\') i++; else if (c === '"') inD = false; continue; }
    if (inS) { if (c === "'") inS = false; continue; }
    if (c === '"') inD = true; else if (c === "'") inS = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth;
}

function plainScalar(s) {
  s = s.trim();
  if (s === '' || s === '~' || s === 'null') return null;
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?\d+$/.test(s)) return parseInt(s, 10);
  if (/^-?\d+\.\d+$/.test(s)) return parseFloat(s);
  return s;
}

function quoted(text, i) {
  const q = text[i];
  let out = '';
  i++;
  while (i < text.length) {
    const c = text[i];
    if (q === '"' && c === '\\') {
      const n = text[i + 1];
      const esc = { n: '\n', t: '\t', '"': '"', '\\': '\\', '/': '/', r: '\r', '0': '\0' };
      if (n === 'u') { out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)); i += 6; continue; }
      out += esc[n] ?? n; i += 2; continue;
    }
    if (c === q) {
      if (q === "'" && text[i + 1] === "'") { out += "'"; i += 2; continue; }
      return [out, i + 1];
    }
    out += c; i++;
  }
  throw new Error('unterminated quoted scalar');
}

function parseFlow(text) {
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  function value(stops) {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const obj = {};
      for (;;) {
        ws();
        if (text[i] === '}') { i++; return obj; }
        const k = value(':,}');
        ws();
        let v = null;
        if (text[i] === ':') { i++; v = value(',}'); }
        obj[String(k)] = v;
        ws();
        if (text[i] === ',') i++;
      }
    }
    if (c === '[') {
      i++; const arr = [];
      for (;;) {
        ws();
        if (text[i] === ']') { i++; return arr; }
        arr.push(value(',]'));
        ws();
        if (text[i] === ',') i++;
      }
    }
    if (c === '"' || c === "'") { const [s, j] = quoted(text, i); i = j; return s; }
    let start = i;
    while (i < text.length) {
      const ch = text[i];
      if (stops.includes(ch)) {
        if (ch === ':' && !(i + 1 >= text.length || /[\s,}\]]/.test(text[i + 1]))) { i++; continue; }
        break;
      }
      i++;
    }
    return plainScalar(text.slice(start, i));
  }
  return value('');
}

function scalarOrFlow(text) {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) return parseFlow(t);
  if (t.startsWith('"') || t.startsWith("'")) return quoted(t, 0)[0];
  return plainScalar(t);
}

function parseYaml(src) {
  // logical lines: comments stripped, flow collections joined
  const raw = src.split(/\r?\n/);
  const lines = [];
  for (let n = 0; n < raw.length; n++) {
    let l = stripComment(raw[n]).replace(/\s+$/, '');
    if (l.trim() === '' || l.trim() === '---') continue;
    while (flowBalance(l) > 0 && n + 1 < raw.length) l += ' ' + stripComment(raw[++n]).trim();
    lines.push({ indent: l.length - l.trimStart().length, text: l.trim() });
  }
  let p = 0;
  function keyValue(text) {
    let k, rest;
    if (text.startsWith('"') || text.startsWith("'")) {
      const [s, j] = quoted(text, 0); k = s; rest = text.slice(j).replace(/^\s*:/, '');
    } else {
      const m = /^([^:]+?):(\s|$)(.*)$/.exec(text);
      if (!m) return null;
      k = m[1].trim(); rest = m[3];
    }
    return [k, rest.trim()];
  }
  function block(indent) {
    if (p >= lines.length) return null;
    const first = lines[p];
    if (first.text.startsWith('- ') || first.text === '-') {
      const arr = [];
      while (p < lines.length && lines[p].indent === first.indent && (lines[p].text.startsWith('- ') || lines[p].text === '-')) {
        const item = lines[p].text.slice(1).trim();
        const itemIndent = lines[p].indent + 2;
        if (item === '') { p++; arr.push(p < lines.length && lines[p].indent > first.indent ? block(lines[p].indent) : null); continue; }
        const kv = !/^[{\["']/.test(item) ? keyValue(item) : null;
        if (kv) {
          // a mapping that starts on the dash line
          lines[p] = { indent: itemIndent, text: item };
          arr.push(mapping(itemIndent));
        } else {
          p++; arr.push(scalarOrFlow(item));
        }
      }
      return arr;
    }
    return mapping(first.indent);
  }
  function mapping(indent) {
    const obj = {};
    while (p < lines.length && lines[p].indent === indent && !lines[p].text.startsWith('- ')) {
      const kv = keyValue(lines[p].text);
      if (!kv) throw new Error('cannot read YAML line: ' + lines[p].text);
      const [k, rest] = kv;
      p++;
      if (rest === '') {
        if (p < lines.length && (lines[p].indent > indent || (lines[p].indent === indent && lines[p].text.startsWith('- '))))
          obj[k] = block(lines[p].indent);
        else obj[k] = null;
      } else obj[k] = scalarOrFlow(rest);
    }
    return obj;
  }
  return block(0);
}

// ---------------------------------------------------------------------------------------------
// Configuration

const env = process.env;
const COMPONENT = env.TC_COMPONENT || 'gateway';
const profile = parseYaml(fs.readFileSync(env.TC_PROFILE, 'utf8'));
const routesDoc = parseYaml(fs.readFileSync(path.join(env.TC_FIXTURES, 'routes.yaml'), 'utf8'));
const SECRET = env.TC_SHARED_SECRET || '';
delete process.env.TC_SHARED_SECRET;            // nothing started later inherits it
const AUTHORITY = (env.TC_AUTHORITY || '').replace(/\/+$/, '');
const BACKENDS = {};
for (const pair of (env.TC_BACKENDS || '').split(/\s+/).filter(Boolean)) {
  const eq = pair.indexOf('=');
  BACKENDS[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/\/+$/, '');
}

const H = profile.headers;
const lc = (s) => String(s).toLowerCase();
const TENANT_HEADERS = [H.tenant, ...(H.tenant_aliases || [])].map(lc);
const STRIPPED = new Set([...TENANT_HEADERS, lc(H.actor), ...(H.identity || []).map(lc), lc(H.context_signature),
                          lc(H.authorization)]);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding',
                            'upgrade', 'proxy-authorization', 'proxy-authenticate', 'host', 'content-length']);
const TENANT_RE = new RegExp(profile.patterns.tenant_id);
const CID_RE = new RegExp(profile.patterns.correlation_id);
const LEEWAY = Number(profile.windows.token_leeway_seconds);
const STRICT = profile.switches?.strict_claim_match === true;
const C = profile.claims;
const AUDIENCE = profile.values.default_audience;
const AUDIT_PATH = profile.paths.audit;
const MAX_BODY = 1024 * 1024;
const MAX_HEADER = 16 * 1024;
const RETENTION = 10000;

const own = profile.components?.[COMPONENT] || {};
const event = (k) => own.events?.[k] ?? profile.events[k];
const error = (k) => own.errors?.[k] ?? profile.errors[k];
const status = (k) => profile.status[k];
const tokens = (v) => String(v).split(',').map((s) => s.trim()).filter(Boolean);

// Route table: each route as segments; a {name} segment matches one non-empty segment.
const ROUTES = (routesDoc.routes || []).map((r) => ({
  ...r,
  segs: r.path.split('/'),
  upstreamSegs: (r.upstream || r.path).split('/'),
}));
for (const r of ROUTES)
  if (!BACKENDS[r.backend]) throw new Error(`route ${r.method} ${r.path}: no backend for role ${r.backend} in TC_BACKENDS`);

function matchPath(route, segs) {
  if (route.segs.length !== segs.length) return null;
  const params = {};
  for (let i = 0; i < segs.length; i++) {
    const t = route.segs[i];
    if (/^\{[^}]+\}$/.test(t)) {
      if (segs[i] === '') return null;
      params[t.slice(1, -1)] = segs[i];
    } else if (t !== segs[i]) return null;
  }
  return params;
}

// ---------------------------------------------------------------------------------------------
// Audit (U1, U2): one JSON line per record, written before the answer; the last RETENTION records
// are kept in memory with an index by correlation id for GET paths.audit.

let auditFd = null;
if (env.TC_AUDIT_FILE) {
  fs.mkdirSync(path.dirname(env.TC_AUDIT_FILE), { recursive: true });
  auditFd = fs.openSync(env.TC_AUDIT_FILE, 'a', 0o600);
}
const recent = [];             // ring of records
const byCid = new Map();       // correlation id -> records (those still in the ring)

function audit(ctx, ev, outcome, fields = {}) {
  const rec = {
    ts: new Date().toISOString(),
    component: COMPONENT,
    event: event(ev),
    outcome: profile.outcomes[outcome],
    status: fields.status ?? null,
    correlation_id: ctx.cid,
    actor: ctx.actor ?? { sub: null, client_id: null, tenant: null },
    resolved_tenant: fields.resolved ?? null,
    attempted_tenant: fields.attempted ?? null,
    target_tenant: null,
    reason: outcome === 'deny' ? (fields.reason ?? null) : null,
    method: ctx.method,
    path: ctx.path,
    change_summary: null,
  };
  if (auditFd !== null) fs.writeSync(auditFd, JSON.stringify(rec) + '\n');   // throws: answered 500 (E1)
  recent.push(rec);
  if (!byCid.has(rec.correlation_id)) byCid.set(rec.correlation_id, []);
  byCid.get(rec.correlation_id).push(rec);
  if (recent.length > RETENTION) {
    const old = recent.shift();
    const list = byCid.get(old.correlation_id);
    list.shift();
    if (!list.length) byCid.delete(old.correlation_id);
  }
}

// ---------------------------------------------------------------------------------------------
// Answers (E1)

function envelope(res, ctx, code, errKey, extra = {}, headers = {}) {
  const body = JSON.stringify({ error: error(errKey), error_description: DESCRIPTIONS[errKey] || errKey,
                                correlation_id: ctx.cid, ...extra });
  res.writeHead(code, { 'Content-Type': 'application/json', [H.correlation_id]: ctx.cid,
                        'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const DESCRIPTIONS = {
  unauthenticated: 'a bearer token is required',
  invalid_token: 'the access token is not valid',
  tenant_invalid: 'a tenant value is empty or malformed',
  tenant_conflict: 'the request names a tenant other than the one it may use',
  tenant_forbidden: 'the tenant is not one the token may use',
  tenant_missing: 'this route needs a tenant and the request resolves none',
  insufficient_scope: 'the token lacks the scope this route needs',
  not_found: 'no such resource',
  method_not_allowed: 'the method is not allowed on this path',
  upstream_unavailable: 'the upstream service could not be reached',
  internal_error: 'the request could not be answered',
  invalid_request: 'the request could not be parsed',
  invalid_encoding: 'the request holds a value that is not UTF-8',
  payload_too_large: 'the request body is too large',
  header_too_large: 'the request header fields are too large',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8Latin1(s) {       // Node gives header bytes as latin1 characters
  try { utf8.decode(Buffer.from(s, 'latin1')); return true; } catch { return false; }
}
function percentDecodesToUtf8(s) {
  try { decodeURIComponent(s.replace(/\+/g, ' ')); return true; } catch { return false; }
}

// ---------------------------------------------------------------------------------------------
// G1: tokens

let issuer = null, jwksUri = null;
let keys = new Map();          // kid -> KeyObject
let jwksFetch = null;

function getJson(url) {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { timeout: 5000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${url}: ${res.statusCode}`));
        try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e); }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function discover() {
  const d = await getJson(AUTHORITY + profile.paths.discovery);
  issuer = d.issuer; jwksUri = d.jwks_uri;
  await refetchJwks();
}

function refetchJwks() {
  if (!jwksFetch)
    jwksFetch = getJson(jwksUri).then((doc) => {
      const next = new Map();
      for (const jwk of doc.keys || []) {
        if (jwk.kty !== 'RSA' || !jwk.kid || (jwk.use && jwk.use !== 'sig') || (jwk.alg && jwk.alg !== 'RS256')) continue;
        try { next.set(jwk.kid, crypto.createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' })); } catch {}
      }
      keys = next;
    }).finally(() => { jwksFetch = null; });
  return jwksFetch;
}

const b64json = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

async function verifyToken(token) {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[0] || !parts[1] || !parts[2]) return null;
  let header, payload;
  try { header = b64json(parts[0]); payload = b64json(parts[1]); } catch { return null; }
  if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object' || Array.isArray(payload)) return null;
  if (header.alg !== 'RS256' || typeof header.kid !== 'string') return null;
  if (!issuer) { try { await discover(); } catch { return null; } }
  let key = keys.get(header.kid);
  if (!key) { try { await refetchJwks(); } catch { return null; } key = keys.get(header.kid); }
  if (!key) return null;
  const ok = crypto.verify('RSA-SHA256', Buffer.from(parts[0] + '.' + parts[1]), key, Buffer.from(parts[2], 'base64url'));
  if (!ok) return null;
  if (payload[C.issuer] !== issuer) return null;
  const aud = payload[C.audience];
  if (!(aud === AUDIENCE || (Array.isArray(aud) && aud.includes(AUDIENCE)))) return null;
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp !== 'number' || now > payload.exp + LEEWAY) return null;
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || now < payload.nbf - LEEWAY)) return null;
  if (typeof payload[C.subject] !== 'string' || payload[C.subject] === '') return null;
  return payload;
}

// ---------------------------------------------------------------------------------------------
// The request pipeline: frame checks (E1) → G1 → route → G2 → G3 → G4 → G5, one answer, records
// in check order (O1, G6).

function rawHeaderPairs(req) {
  const out = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  return out;
}

async function handle(req, res, body) {
  const pairs = rawHeaderPairs(req);
  const callerCids = pairs.filter(([n]) => lc(n) === lc(H.correlation_id)).map(([, v]) => v);
  const ctx = {
    cid: callerCids.length === 1 && CID_RE.test(callerCids[0]) ? callerCids[0] : crypto.randomUUID(),
    method: req.method,
    path: null,
    actor: null,
  };
  const url = req.url || '';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  ctx.path = rawPath;

  // Frame (E1): values that are not UTF-8.
  if (!pairs.every(([n, v]) => isUtf8Latin1(n) && isUtf8Latin1(v)) || !isUtf8Latin1(url) ||
      !percentDecodesToUtf8(rawPath) || !query.slice(1).split('&').every(percentDecodesToUtf8)) {
    ctx.path = Buffer.from(rawPath, 'latin1').toString('utf8');
    return envelope(res, ctx, status('invalid_encoding'), 'invalid_encoding');
  }
  if (!rawPath.startsWith('/')) return envelope(res, ctx, status('bad_request'), 'invalid_request');

  // Test machinery (U2): the audit query, before any clause, no authentication.
  if (rawPath === AUDIT_PATH) {
    if (req.method !== 'GET') return envelope(res, ctx, status('method_not_allowed'), 'method_not_allowed', {}, { Allow: 'GET' });
    const params = new URLSearchParams(query.slice(1));
    const cid = params.get('correlation_id');
    const ev = params.get('event');
    let records = cid !== null ? (byCid.get(cid) || []) : recent;
    if (ev !== null) records = records.filter((r) => r.event === ev);
    const out = JSON.stringify({ records });
    res.writeHead(200, { 'Content-Type': 'application/json', [H.correlation_id]: ctx.cid, 'Cache-Control': 'no-store',
                         'Content-Length': Buffer.byteLength(out) });
    return res.end(out);
  }

  // G1 — authentication
  const auths = pairs.filter(([n]) => lc(n) === lc(H.authorization)).map(([, v]) => v);
  const scheme = lc(profile.values.bearer_scheme);
  const bearer = auths.filter((v) => lc(v.split(' ')[0]) === scheme);
  if (bearer.length === 0) {
    audit(ctx, 'authn_failed', 'deny', { status: status('unauthenticated'), reason: error('unauthenticated') });
    return envelope(res, ctx, status('unauthenticated'), 'unauthenticated', {},
                    { [H.www_authenticate]: profile.values.bearer_scheme });
  }
  const claims = bearer.length === 1 && auths.length === 1
    ? await verifyToken(bearer[0].slice(bearer[0].indexOf(' ') + 1).trim()) : null;
  if (!claims) {
    audit(ctx, 'authn_failed', 'deny', { status: status('invalid_token'), reason: error('invalid_token') });
    return envelope(res, ctx, status('invalid_token'), 'invalid_token', {},
                    { [H.www_authenticate]: `${profile.values.bearer_scheme} error="invalid_token"` });
  }
  const claimTenant = typeof claims[C.tenant] === 'string' ? claims[C.tenant] : null;
  ctx.actor = { sub: claims[C.subject], client_id: claims[C.client_id] ?? null, tenant: claimTenant };

  // Route (Interpretations 4, 12): after G1, no record.
  const segs = rawPath.split('/');
  let route = null, params = null;
  const methods = new Set();
  for (const r of ROUTES) {
    const p = matchPath(r, segs);
    if (!p) continue;
    methods.add(r.method);
    if (r.method === req.method && !route) { route = r; params = p; }
  }
  if (!route) {
    if (methods.size === 0) return envelope(res, ctx, status('not_found'), 'not_found');
    return envelope(res, ctx, status('method_not_allowed'), 'method_not_allowed', {}, { [H.allow]: [...methods].join(', ') });
  }

  // G2 — set the caller's tenant values aside (canonical and aliases, comma-split, trimmed, empty kept)
  const values = [];
  for (const [n, v] of pairs) if (TENANT_HEADERS.includes(lc(n))) for (const part of v.split(',')) values.push(part.trim());
  if (route.tenant_param) values.push(params[route.tenant_param]);

  // G3 — tenant resolution
  let allowed = claims[C.allowed_tenants];
  if (typeof allowed === 'string') allowed = allowed.split(/[\s,]+/).filter(Boolean);
  if (!Array.isArray(allowed)) allowed = [];
  const entitlement = new Set([...(claimTenant ? [claimTenant] : []), ...(STRICT ? [] : allowed.filter((t) => typeof t === 'string'))]);
  const distinct = [...new Set(values)].sort();
  const attemptedAll = distinct.length === 0 ? null : distinct.length === 1 ? distinct[0] : distinct;
  let tenant = null;
  if (values.some((v) => v === '' || !TENANT_RE.test(v))) {
    audit(ctx, 'tenant_invalid', 'deny', { status: status('tenant_invalid'), reason: error('tenant_invalid'),
                                           attempted: attemptedAll, resolved: claimTenant });
    return envelope(res, ctx, status('tenant_invalid'), 'tenant_invalid');
  }
  if (distinct.length > 1) {
    audit(ctx, 'tenant_conflict', 'deny', { status: status('tenant_conflict'), reason: error('tenant_conflict'),
                                            attempted: distinct, resolved: claimTenant });
    return envelope(res, ctx, status('tenant_conflict'), 'tenant_conflict');
  }
  if (distinct.length === 1) {
    const v = distinct[0];
    if (entitlement.has(v)) {
      tenant = v;
      audit(ctx, 'tenant_selected', 'allow', { attempted: v, resolved: v });
    } else if (claimTenant) {
      audit(ctx, 'tenant_override_rejected', 'deny', { status: status('tenant_conflict'), reason: error('tenant_conflict'),
                                                       attempted: v, resolved: claimTenant });
      return envelope(res, ctx, status('tenant_conflict'), 'tenant_conflict');
    } else {
      audit(ctx, 'tenant_forbidden', 'deny', { status: status('tenant_forbidden'), reason: error('tenant_forbidden'),
                                               attempted: v, resolved: null });
      return envelope(res, ctx, status('tenant_forbidden'), 'tenant_forbidden');
    }
  } else {
    tenant = claimTenant;
    if (!tenant && route.tenant_scoped) {
      audit(ctx, 'tenant_missing', 'deny', { status: status('tenant_missing'), reason: error('tenant_missing') });
      return envelope(res, ctx, status('tenant_missing'), 'tenant_missing');
    }
  }

  // G4 — scope
  let granted = claims[C.scope];
  granted = typeof granted === 'string' ? granted.split(' ').filter(Boolean) : Array.isArray(granted) ? granted : [];
  if (route.scope && !granted.includes(route.scope)) {
    audit(ctx, 'authz_denied', 'deny', { status: status('insufficient_scope'), reason: error('insufficient_scope'),
                                         resolved: tenant, attempted: distinct[0] ?? null });
    return envelope(res, ctx, status('insufficient_scope'), 'insufficient_scope',
                    { [profile.values.required_scope_field]: route.scope, [profile.values.granted_scopes_field]: granted },
                    { [H.www_authenticate]: `${profile.values.bearer_scheme} error="insufficient_scope", scope="${route.scope}"` });
  }

  // G5 — forward
  const upstreamPath = route.upstreamSegs.map((s) => (/^\{[^}]+\}$/.test(s) ? params[s.slice(1, -1)] : s)).join('/');
  const connectionNamed = new Set(pairs.filter(([n]) => lc(n) === 'connection').flatMap(([, v]) => tokens(v).map(lc)));
  const out = {};
  for (const [n, v] of pairs) {
    const k = lc(n);
    if (STRIPPED.has(k) || HOP_BY_HOP.has(k) || connectionNamed.has(k) || k === lc(H.correlation_id)) continue;
    (out[k] ||= []).push(v);
  }
  const t = Math.floor(Date.now() / 1000);
  if (tenant) for (const name of [H.tenant, ...(H.tenant_aliases || [])]) out[lc(name)] = tenant;
  out[lc(H.actor)] = ctx.actor.sub;
  out[lc(H.correlation_id)] = ctx.cid;
  if (SECRET) {
    const mac = crypto.createHmac('sha256', SECRET)
      .update([req.method, upstreamPath, tenant ?? '', ctx.actor.sub, ctx.cid, String(t)].join('\n')).digest('hex');
    out[lc(H.context_signature)] = `t=${t},v1=${mac}`;
  }
  if (body.length || req.headers['content-length'] !== undefined) out['content-length'] = String(body.length);
  const scopedAnswer = route.tenant_scoped || tenant !== null;
  const target = new URL(BACKENDS[route.backend] + upstreamPath + query);

  let upstream;
  try {
    upstream = await new Promise((resolve, reject) => {
      const r = http.request(target, { method: req.method, headers: out, timeout: 30000 }, (ures) => {
        const chunks = [];
        ures.on('data', (c) => chunks.push(c));
        ures.on('end', () => resolve({ status: ures.statusCode, rawHeaders: ures.rawHeaders, body: Buffer.concat(chunks) }));
        ures.on('error', reject);
      });
      r.on('timeout', () => r.destroy(new Error('upstream timeout')));
      r.on('error', reject);
      r.end(body);
    });
  } catch {
    audit(ctx, 'request_forwarded', 'deny', { status: status('upstream_unavailable'), reason: error('upstream_unavailable'),
                                              resolved: tenant });
    return envelope(res, ctx, status('upstream_unavailable'), 'upstream_unavailable', {},
                    { ...(tenant ? { [H.tenant]: tenant } : {}),
                      ...(scopedAnswer ? { [H.cache_control]: profile.values.tenant_scoped_cache_control,
                                           [H.vary]: profile.values.tenant_scoped_vary } : {}) });
  }
  audit(ctx, 'request_forwarded', 'allow', { status: upstream.status, resolved: tenant });

  // The answer: the backend's status, body and headers (hop-by-hop and identity headers dropped),
  // then ours: correlation id, tenant, and on tenant-scoped answers Cache-Control and Vary (G5).
  const respHeaders = [];
  const uConnection = new Set();
  for (let i = 0; i < upstream.rawHeaders.length; i += 2)
    if (lc(upstream.rawHeaders[i]) === 'connection') tokens(upstream.rawHeaders[i + 1]).forEach((x) => uConnection.add(lc(x)));
  const vary = [];
  for (let i = 0; i < upstream.rawHeaders.length; i += 2) {
    const n = upstream.rawHeaders[i], v = upstream.rawHeaders[i + 1], k = lc(n);
    if (HOP_BY_HOP.has(k) || uConnection.has(k) || k === lc(H.correlation_id) || TENANT_HEADERS.includes(k) ||
        k === lc(H.actor) || k === lc(H.context_signature)) continue;
    if (scopedAnswer && k === lc(H.vary)) { vary.push(...tokens(v)); continue; }
    if (scopedAnswer && k === lc(H.cache_control)) continue;
    respHeaders.push(n, v);
  }
  respHeaders.push(H.correlation_id, ctx.cid);
  if (tenant) respHeaders.push(H.tenant, tenant);
  if (scopedAnswer) {
    respHeaders.push(H.cache_control, profile.values.tenant_scoped_cache_control);
    const need = tokens(profile.values.tenant_scoped_vary);
    const all = [...need, ...vary.filter((x) => !need.some((y) => lc(y) === lc(x)))];
    respHeaders.push(H.vary, all.join(', '));
  }
  respHeaders.push('Content-Length', String(upstream.body.length));
  res.writeHead(upstream.status, respHeaders);
  res.end(req.method === 'HEAD' ? undefined : upstream.body);
}

// ---------------------------------------------------------------------------------------------
// Server

function frameError(socket, code, errKey) {
  const cid = crypto.randomUUID();
  const body = JSON.stringify({ error: error(errKey), error_description: DESCRIPTIONS[errKey], correlation_id: cid });
  if (socket.writable)
    socket.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code] || ''}\r\nContent-Type: application/json\r\n` +
               `${H.correlation_id}: ${cid}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  else socket.destroy();
}

const server = http.createServer({ maxHeaderSize: MAX_HEADER, requestTimeout: 60000 }, (req, res) => {
  const chunks = [];
  let size = 0, tooLarge = false;
  const declared = Number(req.headers['content-length'] || 0);
  const fail = (e) => {
    try {
      if (!res.headersSent) envelope(res, { cid: crypto.randomUUID() }, status('internal_error'), 'internal_error');
      else res.destroy();
    } catch { res.destroy(); }
    console.error(`internal error: ${e && e.message}`);
  };
  if (declared > MAX_BODY) {
    tooLarge = true;
  }
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) tooLarge = true;
    else if (!tooLarge) chunks.push(c);
  });
  req.on('end', () => {
    if (tooLarge) {
      const ctx = { cid: crypto.randomUUID() };
      res.setHeader('Connection', 'close');
      return envelope(res, ctx, status('payload_too_large'), 'payload_too_large');
    }
    handle(req, res, Buffer.concat(chunks)).catch(fail);
  });
  req.on('error', () => res.destroy());
});

server.on('clientError', (err, socket) => {
  if (err.code === 'HPE_HEADER_OVERFLOW') return frameError(socket, status('header_too_large'), 'header_too_large');
  if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
  const raw = err.rawPacket ? Buffer.from(err.rawPacket) : null;
  let encoding = false;
  if (raw) { try { utf8.decode(raw.subarray(0, raw.indexOf('\r\n') > 0 ? raw.indexOf('\r\n') : raw.length)); } catch { encoding = true; } }
  frameError(socket, encoding ? status('invalid_encoding') : status('bad_request'), encoding ? 'invalid_encoding' : 'invalid_request');
});

try { await discover(); } catch (e) { console.error(`authority not ready yet (${e.message}); will retry on the first token`); }
server.listen(Number(env.TC_PORT || 0), '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0); });

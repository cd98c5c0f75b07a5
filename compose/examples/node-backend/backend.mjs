// An independent Backend of the reference platform, written from docs/contract.md (B1–B5, U1–U2, E1,
// I1–I4) and the fixtures alone, with the built-in modules of Node.js 18 or later only. One program for the three
// roles (platform, scanner, graph): `node backend.mjs --role platform` or TC_ROLE=platform.
//
// Settings (argument, else environment):
//   --role R          TC_ROLE          platform | scanner | graph (a key of routes.yaml `backends`)
//   --port N          TC_PORT          port on 127.0.0.1 (0: any free port)
//   --fixtures DIR    TC_FIXTURES      routes.yaml and items.yaml are read from there
//   --profile FILE    TC_PROFILE       the contract profile: every spelling, pattern and window
//   --audit-file F    TC_AUDIT_FILE    JSON lines, one per record, appended and written before the answer
//   --audit-retention N TC_AUDIT_RETENTION  records the audit query sees (default 10000)
//                     TC_SHARED_SECRET the gateway–backend context-signature secret (B1); environment
//                                      only, never an argument, never printed or recorded
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------------------------------------
// Settings
function setting(flag, envName, fallback) {
  const i = process.argv.indexOf(flag);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (process.env[envName] !== undefined && process.env[envName] !== '') return process.env[envName];
  return fallback;
}
function die(msg) {
  process.stderr.write(`backend: ${msg}\n`);
  process.exit(2);
}
const ROLE = setting('--role', 'TC_ROLE', process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : undefined);
const PORT = Number(setting('--port', 'TC_PORT', '0'));
const FIXTURES = setting('--fixtures', 'TC_FIXTURES');
const PROFILE = setting('--profile', 'TC_PROFILE');
const AUDIT_FILE = setting('--audit-file', 'TC_AUDIT_FILE');
const RETENTION = Number(setting('--audit-retention', 'TC_AUDIT_RETENTION', '10000'));
const SECRET = process.env.TC_SHARED_SECRET || '';
if (!ROLE) die('no role: --role platform|scanner|graph or TC_ROLE');
if (!FIXTURES) die('no fixtures folder: --fixtures DIR or TC_FIXTURES');
if (!PROFILE) die('no profile: --profile FILE or TC_PROFILE');
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) die('bad port');
if (!Number.isInteger(RETENTION) || RETENTION < 1) die('bad audit retention');

// ---------------------------------------------------------------------------------------------
// A small YAML reader: block maps and lists, flow maps and lists (also over several lines), plain,
// single- and double-quoted scalars, comments. Enough for the profile and the fixtures.
function parseYaml(text, file) {
  const fail = (line, msg) => { throw new Error(`${file}:${line}: ${msg}`); };
  // Strip a comment that starts outside quotes; track flow depth to join multi-line flow values.
  function scan(s) {
    let out = '', depth = 0, q = null;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (q) {
        out += c;
        if (q === '"' && c === '\\') { out += s[++i] ?? ''; continue; }
        if (c === q) {
          if (q === "'" && s[i + 1] === "'") { out += s[++i]; continue; }
          q = null;
        }
        continue;
      }
      if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) break;
      if ((c === '"' || c === "'") && (i === 0 || /[\s,[{:-]/.test(s[i - 1]))) q = c;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      out += c;
    }
    return { text: out.replace(/\s+$/, ''), depth };
  }
  const raw = text.split(/\r?\n/);
  const lines = [];
  for (let i = 0; i < raw.length; i++) {
    let { text: t, depth } = scan(raw[i]);
    const lineNo = i + 1;
    while (depth > 0 && i + 1 < raw.length) {
      const more = scan(raw[++i]);
      t += ' ' + more.text.trim();
      depth += more.depth;
    }
    if (t.trim() === '' || t.trim() === '---') continue;
    const indent = t.length - t.trimStart().length;
    lines.push({ indent, text: t.trim(), line: lineNo });
  }
  function scalar(s, line) {
    s = s.trim();
    if (s === '' || s === '~' || s === 'null') return null;
    if (s.startsWith('"')) {
      try { return JSON.parse(s); } catch { fail(line, `bad double-quoted scalar ${s}`); }
    }
    if (s.startsWith("'")) {
      if (!s.endsWith("'")) fail(line, `bad single-quoted scalar ${s}`);
      return s.slice(1, -1).replace(/''/g, "'");
    }
    if (s === 'true') return true;
    if (s === 'false') return false;
    if (/^-?\d+$/.test(s)) return Number(s);
    if (/^-?\d+\.\d+$/.test(s)) return Number(s);
    return s;
  }
  function flow(s, line) {
    let i = 0;
    const ws = () => { while (i < s.length && /\s/.test(s[i])) i++; };
    function value(stop) {
      ws();
      if (s[i] === '{') {
        i++; const o = {};
        for (;;) {
          ws();
          if (s[i] === '}') { i++; return o; }
          const k = value(':,}');
          ws();
          if (s[i] !== ':') fail(line, `expected ':' in flow map`);
          i++;
          o[String(k)] = value(',}');
          ws();
          if (s[i] === ',') { i++; continue; }
          if (s[i] === '}') { i++; return o; }
          fail(line, `expected ',' or '}' in flow map`);
        }
      }
      if (s[i] === '[') {
        i++; const a = [];
        for (;;) {
          ws();
          if (s[i] === ']') { i++; return a; }
          a.push(value(',]'));
          ws();
          if (s[i] === ',') { i++; continue; }
          if (s[i] === ']') { i++; return a; }
          fail(line, `expected ',' or ']' in flow list`);
        }
      }
      if (s[i] === '"' || s[i] === "'") {
        const q = s[i]; let j = i + 1;
        while (j < s.length) {
          if (q === '"' && s[j] === '\\') { j += 2; continue; }
          if (s[j] === q) { if (q === "'" && s[j + 1] === "'") { j += 2; continue; } break; }
          j++;
        }
        const tok = s.slice(i, j + 1); i = j + 1;
        return scalar(tok, line);
      }
      let j = i;
      while (j < s.length) {
        const c = s[j];
        if (stop.includes(c) && (c !== ':' || j + 1 >= s.length || /[\s,}\]]/.test(s[j + 1]))) break;
        j++;
      }
      const tok = s.slice(i, j); i = j;
      return scalar(tok, line);
    }
    const v = value('');
    ws();
    if (i !== s.length) fail(line, `trailing text after flow value`);
    return v;
  }
  function inlineValue(s, line) {
    s = s.trim();
    if (s.startsWith('{') || s.startsWith('[')) return flow(s, line);
    return scalar(s, line);
  }
  // key: value split (key plain or quoted)
  function splitKey(t) {
    let m;
    if (t.startsWith('"') || t.startsWith("'")) {
      const q = t[0]; let j = 1;
      while (j < t.length && t[j] !== q) j += t[j] === '\\' ? 2 : 1;
      const key = scalar(t.slice(0, j + 1));
      const rest = t.slice(j + 1);
      if (!rest.startsWith(':')) return null;
      return [String(key), rest.slice(1)];
    }
    if ((m = /^([^\s:{}[\],][^:]*?):(\s|$)/.exec(t))) return [m[1], t.slice(m[0].length - (m[2] ? 1 : 0))];
    return null;
  }
  let pos = 0;
  function block(indent) {
    const first = lines[pos];
    if (first.text.startsWith('- ') || first.text === '-') {
      const arr = [];
      while (pos < lines.length && lines[pos].indent === indent && (lines[pos].text.startsWith('- ') || lines[pos].text === '-')) {
        const l = lines[pos];
        const rest = l.text === '-' ? '' : l.text.slice(2);
        if (rest.trim() === '') {
          pos++;
          arr.push(pos < lines.length && lines[pos].indent > indent ? block(lines[pos].indent) : null);
          continue;
        }
        const kv = rest.startsWith('{') || rest.startsWith('[') ? null : splitKey(rest);
        if (kv) {
          // a map starting on the dash line: its keys are indented to the text after "- "
          const inner = indent + 2 + (rest.length - rest.trimStart().length);
          lines[pos] = { indent: inner, text: rest.trim(), line: l.line };
          arr.push(block(inner));
        } else {
          arr.push(inlineValue(rest, l.line));
          pos++;
        }
      }
      return arr;
    }
    const obj = {};
    while (pos < lines.length && lines[pos].indent === indent) {
      const l = lines[pos];
      const kv = splitKey(l.text);
      if (!kv) fail(l.line, `expected 'key: value', got ${l.text}`);
      const [k, rest] = kv;
      pos++;
      if (rest.trim() === '') {
        if (pos < lines.length && lines[pos].indent > indent) obj[k] = block(lines[pos].indent);
        else if (pos < lines.length && lines[pos].indent === indent && lines[pos].text.startsWith('- ')) obj[k] = block(indent);
        else obj[k] = null;
      } else obj[k] = inlineValue(rest, l.line);
    }
    if (pos < lines.length && lines[pos].indent > indent) fail(lines[pos].line, 'bad indentation');
    return obj;
  }
  if (lines.length === 0) return null;
  const doc = block(lines[0].indent);
  if (pos < lines.length) fail(lines[pos].line, 'bad indentation');
  return doc;
}
function readYaml(file) {
  try { return parseYaml(fs.readFileSync(file, 'utf8'), file); } catch (e) { die(e.message); }
}

// ---------------------------------------------------------------------------------------------
// Profile and fixtures
const profile = readYaml(PROFILE);
const routesDoc = readYaml(path.join(FIXTURES, 'routes.yaml'));
const itemsDoc = readYaml(path.join(FIXTURES, 'items.yaml'));
const need = (obj, keys, what) => {
  let v = obj;
  for (const k of keys) {
    if (v === null || typeof v !== 'object' || !(k in v)) die(`${what}: missing ${keys.join('.')}`);
    v = v[k];
  }
  return v;
};
const P = (...keys) => need(profile, keys, PROFILE);
const own = (profile.components && profile.components[ROLE]) || {};
// Spellings per component: components.<role>.errors|events before the shared ones.
const ERR = (k) => (own.errors && own.errors[k]) || P('errors', k);
const EVT = (k) => (own.events && own.events[k]) || P('events', k);
const ST = (k) => P('status', k);
const H = {
  tenant: P('headers', 'tenant'),
  actor: P('headers', 'actor'),
  signature: P('headers', 'context_signature'),
  cid: P('headers', 'correlation_id'),
  idem: P('headers', 'idempotency_key'),
  replayed: P('headers', 'idempotent_replayed'),
  allow: P('headers', 'allow'),
  cacheControl: P('headers', 'cache_control'),
  vary: P('headers', 'vary'),
};
const CID_PATTERN = new RegExp(P('patterns', 'correlation_id'));
const TENANT_PATTERN = new RegExp(P('patterns', 'tenant_id'));
const SKEW = Number(P('windows', 'signature_skew_seconds'));
const REQUIRE_SIGNATURE = P('switches', 'backend_requires_signature') !== false;
const MASKED = P('values', 'masked');
const V = {
  itemsPointer: P('values', 'items_pointer'),
  idField: P('values', 'item_id_field'),
  tenantField: P('values', 'item_tenant_field'),
  nameField: P('values', 'item_name_field'),
  replayed: String(P('values', 'idempotent_replayed')),
  cacheControl: P('values', 'tenant_scoped_cache_control'),
};
const ECHO = profile.echo || { headers_at: '/headers', values: 'list', names: 'lower' };
const OUTCOME = { allow: P('outcomes', 'allow'), deny: P('outcomes', 'deny') };
const AUDIT_PATH = P('paths', 'audit');
for (const k of ['ok', 'created', 'bad_request', 'context_unverified', 'not_found', 'method_not_allowed', 'tenant_missing',
                 'tenant_invalid', 'idempotency_key_reused', 'internal_error', 'header_too_large', 'payload_too_large',
                 'invalid_encoding']) { ST(k); if (k !== 'ok' && k !== 'created' && k !== 'bad_request') ERR(k); }
ERR('invalid_request');
for (const k of ['context_unverified', 'tenant_missing', 'tenant_invalid', 'data_read', 'data_write', 'data_not_found',
                 'idempotency_replayed', 'idempotency_rejected']) EVT(k);
if (REQUIRE_SIGNATURE && !SECRET) die('TC_SHARED_SECRET is not set and the profile requires the context signature (B1)');

const backendPaths = need(routesDoc, ['backends', ROLE], 'routes.yaml');
for (const k of ['collection', 'item', 'echo', 'status'])
  if (typeof backendPaths[k] !== 'string') die(`routes.yaml: backends.${ROLE}.${k} is missing`);
const itemTemplate = backendPaths.item;
const itemMatch = /^(.*\/)\{[^}/]+\}$/.exec(itemTemplate);
if (!itemMatch) die(`routes.yaml: backends.${ROLE}.item must end with its {id}`);
const ITEM_PREFIX = itemMatch[1];

// The store: fixture items of this role, then what is written, in order. Ids compare exactly.
const items = [];
for (const it of need(itemsDoc, ['items', ROLE], 'items.yaml'))
  items.push({ id: String(it.id), tenant: String(it.tenant), name: String(it.name) });
const idempotency = new Map();   // tenant \n key -> { body: Buffer, status, answer }

// ---------------------------------------------------------------------------------------------
// Audit (U1, U2): records are written to the file before the answer is sent, and kept in memory
// (the last RETENTION of them) for GET paths.audit, indexed by correlation id.
let auditFd = null;
if (AUDIT_FILE) {
  fs.mkdirSync(path.dirname(AUDIT_FILE), { recursive: true });
  auditFd = fs.openSync(AUDIT_FILE, 'a');
}
const retained = [];               // ring of records, oldest first (trimmed in chunks)
let retainedStart = 0;
const byCid = new Map();           // correlation id -> records still retained
function audit(fields) {
  const rec = {
    ts: new Date().toISOString(),
    component: ROLE,
    event: fields.event,
    outcome: fields.outcome,
    status: fields.status ?? null,
    correlation_id: fields.cid ?? null,
    actor: { sub: fields.actor ?? null, client_id: null, tenant: null },
    resolved_tenant: fields.resolved ?? null,
    attempted_tenant: fields.attempted ?? null,
    target_tenant: fields.target ?? null,
    reason: fields.reason ?? null,
    method: fields.method ?? null,
    path: fields.path ?? null,
    change_summary: fields.change_summary ?? null,
  };
  if (auditFd !== null) fs.writeSync(auditFd, JSON.stringify(rec) + '\n');   // throws: the answer is a 500
  retained.push(rec);
  const key = rec.correlation_id ?? '';
  if (!byCid.has(key)) byCid.set(key, []);
  byCid.get(key).push(rec);
  if (retained.length - retainedStart > RETENTION) {
    const old = retained[retainedStart];
    retained[retainedStart++] = undefined;
    const list = byCid.get(old.correlation_id ?? '');
    if (list) { list.shift(); if (list.length === 0) byCid.delete(old.correlation_id ?? ''); }
    if (retainedStart > RETENTION) { retained.splice(0, retainedStart); retainedStart = 0; }
  }
  return rec;
}

// B5: the request's JSON fields, every field whose name holds secret, password, token or key masked.
const SECRET_NAME = /secret|password|token|key/i;
function masked(v) {
  if (Array.isArray(v)) return v.map(masked);
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = SECRET_NAME.test(k) ? MASKED : masked(x);
    return o;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Answers
const utf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8(buf) { try { utf8.decode(buf); return true; } catch { return false; } }
function newCid() { return crypto.randomUUID(); }
function envelope(code, description, cid) {
  return { error: code, error_description: description, correlation_id: cid };
}
function send(res, status, body, cid, extra = {}) {
  const text = JSON.stringify(body);
  const headers = { 'Content-Type': 'application/json', [H.cid]: cid, 'Content-Length': Buffer.byteLength(text), ...extra };
  res.writeHead(status, headers);
  res.end(text);
}
// An answer's status key and its error key; they differ only where the profile names them apart.
const ERROR_OF = { bad_request: 'invalid_request' };
function sendError(res, key, description, cid, extra = {}) {
  send(res, ST(key), envelope(ERR(ERROR_OF[key] || key), description, cid), cid, extra);
}
function setAtPointer(root, pointer, value) {
  // JSON pointer, "" is the root itself
  if (pointer === '' || pointer === undefined) return value;
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let o = root;
  for (let i = 0; i < parts.length - 1; i++) { o[parts[i]] ??= {}; o = o[parts[i]]; }
  o[parts[parts.length - 1]] = value;
  return root;
}
function itemView(it) {
  return { [V.idField]: it.id, [V.tenantField]: it.tenant, [V.nameField]: it.name };
}

// Raw header values by lower-case name, every field line kept apart, as Buffers of the bytes sent.
function rawHeaderMap(req) {
  const m = new Map();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (!m.has(name)) m.set(name, []);
    m.get(name).push(req.rawHeaders[i + 1]);
  }
  return m;
}
function percentDecodeBytes(s) {
  // percent-decoding to bytes; a '%' not followed by two hex digits stays as it is
  const out = [];
  const b = Buffer.from(s, 'latin1');
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x25 && i + 2 < b.length && /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(b[i + 1], b[i + 2]))) {
      out.push(parseInt(String.fromCharCode(b[i + 1], b[i + 2]), 16));
      i += 2;
    } else out.push(b[i]);
  }
  return Buffer.from(out);
}

// B1: the context signature over METHOD\nPATH\nTENANT\nACTOR\nCORRELATION_ID\nt, as received.
const SIGNATURE_FORMAT = /^t=(\d{1,15}),v1=([0-9a-fA-F]{64})$/;
function verifySignature(req, rawPath, hm) {
  const one = (name) => {
    const v = hm.get(name.toLowerCase());
    if (!v) return { ok: true, value: '' };
    if (v.length !== 1) return { ok: false };   // a value repeated cannot be the one that was signed
    return { ok: true, value: v[0] };
  };
  const sig = one(H.signature), tenant = one(H.tenant), actor = one(H.actor), cid = one(H.cid);
  if (!sig.ok || !tenant.ok || !actor.ok || !cid.ok || sig.value === '') return false;
  const m = SIGNATURE_FORMAT.exec(sig.value);
  if (!m) return false;
  const t = Number(m[1]);
  const now = Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(t) || Math.abs(now - t) > SKEW) return false;
  const payload = Buffer.concat([
    Buffer.from(`${req.method}\n`, 'latin1'), Buffer.from(rawPath, 'latin1'), Buffer.from('\n'),
    Buffer.from(tenant.value, 'latin1'), Buffer.from('\n'), Buffer.from(actor.value, 'latin1'), Buffer.from('\n'),
    Buffer.from(cid.value, 'latin1'), Buffer.from(`\n${m[1]}`, 'latin1'),
  ]);
  const expected = crypto.createHmac('sha256', SECRET).update(payload).digest();
  const given = Buffer.from(m[2], 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

// ---------------------------------------------------------------------------------------------
// The request
const BODY_LIMIT = 1024 * 1024;        // bytes; more is payload_too_large (E1)
const HEADER_LIMIT = 16 * 1024;        // bytes of the header block; more is request_header_too_large (E1)

function routeOf(rawPath) {
  if (rawPath === backendPaths.collection) return { name: 'collection', methods: ['GET', 'POST'], scoped: true };
  if (rawPath === backendPaths.echo) return { name: 'echo', methods: ['GET'], scoped: true };
  if (rawPath === backendPaths.status) return { name: 'status', methods: ['GET'], scoped: false };
  if (rawPath.startsWith(ITEM_PREFIX)) {
    const seg = rawPath.slice(ITEM_PREFIX.length);
    if (seg !== '' && !seg.includes('/')) return { name: 'item', methods: ['GET'], scoped: true, idRaw: seg };
  }
  return null;
}

async function handle(req, res) {
  const hm = rawHeaderMap(req);
  const cidValues = hm.get(H.cid.toLowerCase()) || [];
  const cid = cidValues.length === 1 && CID_PATTERN.test(cidValues[0]) ? cidValues[0] : newCid();
  const target = req.url || '/';
  const q = target.indexOf('?');
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  const rawQuery = q >= 0 ? target.slice(q + 1) : '';

  // The request frame (E1): encoding of headers, path and query; the body's size.
  for (const [, values] of hm)
    for (const v of values)
      if (!isUtf8(Buffer.from(v, 'latin1'))) return sendError(res, 'invalid_encoding', 'a header value is not UTF-8', cid);
  if (!isUtf8(Buffer.from(rawPath, 'latin1')) || !isUtf8(percentDecodeBytes(rawPath)))
    return sendError(res, 'invalid_encoding', 'the path is not UTF-8', cid);
  for (const part of rawQuery.split('&'))
    if (!isUtf8(Buffer.from(part, 'latin1')) || !isUtf8(percentDecodeBytes(part.replace(/\+/g, ' '))))
      return sendError(res, 'invalid_encoding', 'a query value is not UTF-8', cid);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > BODY_LIMIT) {
    req.resume();
    return sendError(res, 'payload_too_large', 'the request body is too large', cid, { Connection: 'close' });
  }
  let body;
  try {
    body = await readBody(req);
  } catch (e) {
    if (e.tooLarge) return sendError(res, 'payload_too_large', 'the request body is too large', cid, { Connection: 'close' });
    return sendError(res, 'bad_request', 'the request could not be read', cid);
  }

  // U2: the audit query (test machinery: no signature, no record).
  if (rawPath === AUDIT_PATH) {
    if (req.method !== 'GET')
      return sendError(res, 'method_not_allowed', `${req.method} is not allowed here`, cid, { [H.allow]: 'GET' });
    const params = new URLSearchParams(rawQuery);
    const wantCid = params.get('correlation_id');
    const wantEvent = params.get('event');
    let records = wantCid !== null ? (byCid.get(wantCid) || []) : retained.slice(retainedStart);
    if (wantEvent !== null) records = records.filter((r) => r.event === wantEvent);
    return send(res, ST('ok'), { records }, cid);
  }

  const actorValues = hm.get(H.actor.toLowerCase()) || [];
  const tenantValues = hm.get(H.tenant.toLowerCase()) || [];
  const actor = actorValues.length ? actorValues.join(', ') : null;
  const headerTenant = tenantValues.length ? tenantValues.join(', ') : null;
  const base = { cid, actor, method: req.method, path: rawPath };

  // B1: the signed context, before anything else of the role.
  if (REQUIRE_SIGNATURE && !verifySignature(req, rawPath, hm)) {
    audit({ ...base, event: EVT('context_unverified'), outcome: OUTCOME.deny, status: ST('context_unverified'),
            resolved: headerTenant, reason: ERR('context_unverified') });
    return sendError(res, 'context_unverified', 'the request context is not signed by the gateway, or the signature is stale', cid);
  }

  // Routes: an unknown path is not_found, a known one with another method 405 (Interpretation 12).
  const route = routeOf(rawPath);
  if (!route) return sendError(res, 'not_found', 'no such resource', cid);
  if (!route.methods.includes(req.method))
    return sendError(res, 'method_not_allowed', `${req.method} is not allowed here`, cid, { [H.allow]: route.methods.join(', ') });

  // B2: the resolved tenant is the tenant header as the gateway set (and signed) it.
  const tenant = headerTenant === null || headerTenant === '' ? null : headerTenant;
  if (route.scoped && tenant === null) {
    audit({ ...base, event: EVT('tenant_missing'), outcome: OUTCOME.deny, status: ST('tenant_missing'),
            reason: ERR('tenant_missing') });
    return sendError(res, 'tenant_missing', 'the request names no tenant', cid);
  }
  if (tenant !== null && (tenantValues.length !== 1 || !TENANT_PATTERN.test(tenant))) {
    // Defence in depth: a signed tenant that is no tenant id (the gateway's G3 stops this first).
    audit({ ...base, event: EVT('tenant_invalid'), outcome: OUTCOME.deny, status: ST('tenant_invalid'),
            resolved: null, attempted: tenant, reason: ERR('tenant_invalid') });
    return sendError(res, 'tenant_invalid', 'the tenant is not a tenant id', cid);
  }
  const scopedHeaders = route.scoped ? { [H.cacheControl]: V.cacheControl } : {};
  base.resolved = tenant;

  if (route.name === 'status') {
    const answer = { status: 'ok', role: ROLE };
    audit({ ...base, event: EVT('data_read'), outcome: OUTCOME.allow, status: ST('ok') });
    return send(res, ST('ok'), answer, cid);
  }
  if (route.name === 'echo') return echo(req, res, hm, rawPath, base, cid, scopedHeaders);
  if (route.name === 'item') {
    let id;
    try { id = utf8.decode(percentDecodeBytes(route.idRaw)); } catch { id = null; }
    const found = id === null ? undefined : items.find((it) => it.id === id);
    if (found && found.tenant === tenant) {
      audit({ ...base, event: EVT('data_read'), outcome: OUTCOME.allow, status: ST('ok') });
      return send(res, ST('ok'), itemView(found), cid, scopedHeaders);
    }
    // I2: another tenant's item is answered exactly as a missing one; the owner is in the record only.
    audit({ ...base, event: EVT('data_not_found'), outcome: OUTCOME.deny, status: ST('not_found'),
            target: found ? found.tenant : null, reason: ERR('not_found') });
    return sendError(res, 'not_found', 'no such item', cid, scopedHeaders);
  }
  if (req.method === 'GET') {
    const list = items.filter((it) => it.tenant === tenant).map(itemView);
    audit({ ...base, event: EVT('data_read'), outcome: OUTCOME.allow, status: ST('ok') });
    return send(res, ST('ok'), setAtPointer({}, V.itemsPointer, list), cid, scopedHeaders);
  }
  return create(req, res, hm, body, base, cid, scopedHeaders, tenant);
}

function create(req, res, hm, body, base, cid, scopedHeaders, tenant) {
  let doc;
  try { doc = JSON.parse(utf8.decode(body)); } catch { doc = undefined; }
  const name = doc && typeof doc === 'object' && !Array.isArray(doc) ? doc[V.nameField] : undefined;
  if (typeof name !== 'string' || name === '')
    return sendError(res, 'bad_request', `the body is not a JSON object with a string '${V.nameField}'`, cid, scopedHeaders);
  // B3: keyed per (tenant, key); the same body again is the first answer, another body is refused.
  const keys = hm.get(H.idem.toLowerCase()) || [];
  if (keys.length > 1) return sendError(res, 'bad_request', `one ${H.idem} at most`, cid, scopedHeaders);
  const key = keys.length ? keys[0] : null;
  const slot = key !== null ? `${tenant}\n${key}` : null;
  if (slot !== null && idempotency.has(slot)) {
    const first = idempotency.get(slot);
    if (first.body.equals(body)) {
      audit({ ...base, event: EVT('idempotency_replayed'), outcome: OUTCOME.allow, status: first.status });
      return send(res, first.status, first.answer, cid, { ...scopedHeaders, [H.replayed]: V.replayed });
    }
    audit({ ...base, event: EVT('idempotency_rejected'), outcome: OUTCOME.deny, status: ST('idempotency_key_reused'),
            reason: ERR('idempotency_key_reused') });
    return sendError(res, 'idempotency_key_reused', `the ${H.idem} was used with another body`, cid, scopedHeaders);
  }
  const item = { id: `${ROLE}-${crypto.randomUUID()}`, tenant, name };
  const answer = itemView(item);
  audit({ ...base, event: EVT('data_write'), outcome: OUTCOME.allow, status: ST('created'), change_summary: masked(doc) });
  items.push(item);
  if (slot !== null) idempotency.set(slot, { body: Buffer.from(body), status: ST('created'), answer });
  return send(res, ST('created'), answer, cid, scopedHeaders);
}

// B4: what was received, every value of every header, in the profile's echo shape.
function echo(req, res, hm, rawPath, base, cid, scopedHeaders) {
  const headers = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const rawName = req.rawHeaders[i];
    const name = ECHO.names === 'upper' ? rawName.toUpperCase() : ECHO.names === 'as_received' ? rawName : rawName.toLowerCase();
    const value = utf8.decode(Buffer.from(req.rawHeaders[i + 1], 'latin1'));
    (headers[name] ??= []).push(value);
  }
  if (ECHO.values === 'string') for (const k of Object.keys(headers)) headers[k] = headers[k].join(', ');
  const answer = setAtPointer({ method: req.method, path: rawPath }, ECHO.headers_at, headers);
  audit({ ...base, event: EVT('data_read'), outcome: OUTCOME.allow, status: ST('ok') });
  return send(res, ST('ok'), answer, cid, scopedHeaders);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0, failed = false;
    req.on('data', (c) => {
      if (failed) return;
      size += c.length;
      if (size > BODY_LIMIT) { failed = true; reject(Object.assign(new Error('too large'), { tooLarge: true })); return; }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolve(Buffer.concat(chunks)); });
    req.on('error', (e) => { if (!failed) { failed = true; reject(e); } });
  });
}

// ---------------------------------------------------------------------------------------------
// The server
const server = http.createServer({ maxHeaderSize: HEADER_LIMIT, requestTimeout: 30000 }, (req, res) => {
  handle(req, res).catch((e) => {
    // A failure while answering (an audit record that cannot be written included): 500, no reason.
    process.stderr.write(`backend: internal error: ${e && e.code ? e.code : 'error'}\n`);
    if (!res.headersSent) {
      const cid = newCid();
      try { sendError(res, 'internal_error', 'the request could not be answered', cid); } catch { res.destroy(); }
    } else res.destroy();
  });
});
// Requests the parser refuses (E1's request frame): header block too large, not HTTP, bytes that
// are not UTF-8 in the request line.
server.on('clientError', (err, socket) => {
  if (!socket.writable || err.code === 'ECONNRESET') { socket.destroy(); return; }
  const cid = newCid();
  let key = 'bad_request', text = 'the request could not be parsed';
  if (err.code === 'HPE_HEADER_OVERFLOW') { key = 'header_too_large'; text = 'the request header block is too large'; }
  else if (err.rawPacket && !isUtf8(err.rawPacket.subarray(0, Math.max(0, err.rawPacket.indexOf('\r\n')))))
    { key = 'invalid_encoding'; text = 'the request line is not UTF-8'; }
  const body = JSON.stringify(envelope(ERR(ERROR_OF[key] || key), text, cid));
  const status = ST(key);
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] || 'Error'}\r\nContent-Type: application/json\r\n` +
             `${H.cid}: ${cid}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
});
server.listen(PORT, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`backend ${ROLE} listening on http://127.0.0.1:${port}\n`);
});
const stop = () => {
  server.close();
  if (auditFd !== null) { try { fs.closeSync(auditFd); } catch { /* already closed */ } }
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', stop);

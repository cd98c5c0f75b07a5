// Template functions. The crafted tokens (token_*) are contract A10's negative cases: they decode the
// given token (no verification) and re-craft it with common/jwt.h; none needs a private key.
#include "harness/template/functions.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <string_view>

#include "common/crypto.h"
#include "common/document.h"
#include "common/encoding.h"
#include "common/json_text.h"
#include "common/jwt.h"
#include "common/text.h"

namespace tc::tmpl {
namespace {

// ASCII case mapping (header names are ASCII; other bytes are kept).
std::string ascii_case(std::string s, bool upper) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 128) c = static_cast<char>(upper ? std::toupper(c) : std::tolower(c));
  return s;
}

// A regular expression (ECMAScript, as `matches` reads it) that matches `s` exactly, every special
// character escaped; with `any_case`, each ASCII letter a class of both cases — for what a standard
// says is case-insensitive, such as an HTTP authentication scheme (RFC 9110 §11.1).
std::string literal_regex(const std::string& s, bool any_case) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (any_case && u < 128 && std::isalpha(u)) {
      out += '[';
      out += static_cast<char>(std::toupper(u));
      out += static_cast<char>(std::tolower(u));
      out += ']';
    } else {
      if (std::string_view("\\^$.|?*+()[]{}/").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}

FunctionResult ok(json v) { return {std::move(v), {}}; }
FunctionResult fail(std::string msg) { return {nullptr, std::move(msg)}; }

FunctionResult random_chars(const std::vector<json>& a, const TemplateContext&) {
  if (!a[0].is_number_integer() || a[0].get<long long>() < 1 || a[0].get<long long>() > 4096)
    return fail("random(n) needs an integer n in 1..4096");
  auto n = static_cast<std::size_t>(a[0].get<long long>());
  std::string s = random_token(n);  // base64url of n bytes: at least n characters
  return ok(s.substr(0, n));
}

FunctionResult now_seconds(const std::vector<json>& a, const TemplateContext&) {
  long long now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  if (a.empty()) return ok(now);
  if (!a[0].is_number_integer()) return fail("now(offset) needs an integer number of seconds");
  return ok(now + a[0].get<long long>());
}

// Integer arithmetic, for values derived from the profile (a time just outside a window):
// `name` over integer arguments, or a message naming the call.
constexpr unsigned long long kBound = 1ULL << 53;

FunctionResult integers(const char* signature, const std::vector<json>& a, long long (*op)(const std::vector<long long>&)) {
  std::vector<long long> n;
  for (const auto& v : a) {
    if (!v.is_number_integer()) return fail(std::string(signature) + " needs integers, got " + shortened(json_text(v), 80));
    // Beyond 2^53 is far from any window, and an unsigned value there would wrap as a signed one.
    const bool out_of_range = v.is_number_unsigned()
                                  ? v.get<unsigned long long>() > kBound
                                  : (v.get<long long>() > static_cast<long long>(kBound) || v.get<long long>() < -static_cast<long long>(kBound));
    if (out_of_range)
      return fail(std::string(signature) + ": " + json_text(v) + " is out of range");
    n.push_back(v.get<long long>());
  }
  return ok(op(n));
}

// An integer drawn uniformly from [low, high] (from the OS CSPRNG; draws past the largest whole
// multiple of the span are drawn again, so no value is likelier than another).
FunctionResult random_integer(const std::vector<json>& a, const TemplateContext&) {
  auto bounds = integers("random_int(low, high)", a, [](const auto& n) { return n[1] - n[0]; });
  if (!bounds.error.empty()) return bounds;
  if (bounds.value.get<long long>() < 0) return fail("random_int(low, high) needs low <= high, got " + json_text(a[0]) + " > " + json_text(a[1]));
  const auto span = static_cast<unsigned long long>(bounds.value.get<long long>()) + 1;  // at most 2^54 + 1
  const unsigned long long limit = ~0ULL - ~0ULL % span;
  unsigned long long draw = 0;
  do {
    const std::string bytes = random_bytes(sizeof draw);
    std::memcpy(&draw, bytes.data(), sizeof draw);
  } while (draw >= limit);
  return ok(a[0].get<long long>() + static_cast<long long>(draw % span));
}

FunctionResult pkce(const std::vector<json>&, const TemplateContext&) {
  std::string verifier = random_token(32);  // 43 characters, RFC 7636 §4.1
  return ok(json{{"verifier", verifier}, {"challenge", base64url_encode(sha256(verifier))}});
}

Result<Jwt> token_arg(const json& v) {
  if (!v.is_string()) return input_error({}, "expects a token (a string), got " + json_text(v));
  return decode_jwt(v.get<std::string>());
}

FunctionResult alg_none(const std::vector<json>& a, const TemplateContext&) {
  auto jwt = token_arg(a[0]);
  if (!jwt) return fail("token_alg_none: " + jwt.error().message);
  return ok(craft_alg_none(jwt->payload));
}

FunctionResult unknown_kid(const std::vector<json>& a, const TemplateContext&) {
  auto jwt = token_arg(a[0]);
  if (!jwt) return fail("token_unknown_kid: " + jwt.error().message);
  return ok(craft_unknown_kid(a[0].get<std::string>()));
}

// HS256 keyed with the Authority's public key as PEM text: the classic algorithm-confusion attack.
FunctionResult hs256_public(const std::vector<json>& a, const TemplateContext& ctx) {
  auto jwt = token_arg(a[0]);
  if (!jwt) return fail("token_hs256_public: " + jwt.error().message);
  if (!ctx.fetch_json) return fail("token_hs256_public: no way to fetch the JWKS here");
  auto jwks = ctx.fetch_json(value_text(a[1]));
  if (!jwks) return fail("token_hs256_public: fetching " + value_text(a[1]) + ": " + jwks.error().message);
  if (!jwks->is_object() || !jwks->contains("keys") || !(*jwks)["keys"].is_array())
    return fail("token_hs256_public: " + value_text(a[1]) + " is not a JWKS (no \"keys\" array)");
  const json* chosen = nullptr;
  std::string kid = jwt->header.value("kid", std::string());
  for (const auto& k : (*jwks)["keys"]) {
    if (!k.is_object() || k.value("kty", std::string()) != "RSA") continue;
    if (!chosen) chosen = &k;
    if (!kid.empty() && k.value("kid", std::string()) == kid) {
      chosen = &k;
      break;
    }
  }
  if (!chosen) return fail("token_hs256_public: the JWKS has no RSA key");
  auto pem = jwk_to_pem(*chosen);
  if (!pem) return fail("token_hs256_public: the JWKS key is not a valid RSA key");
  return ok(craft_hs256_with_key(jwt->payload, *pem));
}

FunctionResult tampered(const std::vector<json>& a, const TemplateContext&) {
  auto jwt = token_arg(a[0]);
  if (!jwt) return fail("token_tampered: " + jwt.error().message);
  return ok(craft_tampered(a[0].get<std::string>(), json{{value_text(a[1]), a[2]}}));
}

// A bound route ("/api/items/{id}") with its {placeholders} filled in order, each value encoded as one
// path segment: the pack names routes, the platform's bindings spell them (docs/scenario-format.md).
FunctionResult fill_path(const std::vector<json>& a, const TemplateContext&) {
  const std::string route = value_text(a[0]);
  std::string out;
  std::size_t next = 1, i = 0;
  while (i < route.size()) {
    const std::size_t open = route.find('{', i);
    if (open == std::string::npos) break;
    const std::size_t close = route.find('}', open);
    if (close == std::string::npos) return fail("path: unclosed '{' in route \"" + route + "\"");
    if (next >= a.size())
      return fail("path: route \"" + route + "\" has more placeholders than the " + std::to_string(a.size() - 1) +
                  " value(s) given");
    out += route.substr(i, open - i) + url_encode(value_text(a[next++]));
    i = close + 1;
  }
  if (next != a.size())
    return fail("path: route \"" + route + "\" has " + std::to_string(next - 1) + " placeholder(s), " +
                std::to_string(a.size() - 1) + " value(s) given");
  return ok(out + route.substr(std::min(i, route.size())));
}

std::vector<Function> make_table() {
  return {
      {"uuid", 0, 0, "uuid()", [](const auto&, const auto&) { return ok(uuid_v4()); }},
      {"random", 1, 1, "random(n)", random_chars},
      {"random_int", 2, 2, "random_int(low, high)", random_integer},
      {"now", 0, 1, "now() | now(±seconds)", now_seconds, true},
      {"sha256", 1, 1, "sha256(x)",
       [](const auto& a, const auto&) { return ok(hex_encode(sha256(value_text(a[0])))); }},
      {"hmac_sha256", 2, 2, "hmac_sha256(key, data)",
       [](const auto& a, const auto&) { return ok(hex_encode(hmac_sha256(value_text(a[0]), value_text(a[1])))); }},
      {"base64url", 1, 1, "base64url(x)",
       [](const auto& a, const auto&) { return ok(base64url_encode(value_text(a[0]))); }},
      {"pkce", 0, 0, "pkce()", pkce},
      {"add", 2, 2, "add(a, b)",
       [](const auto& a, const auto&) { return integers("add(a, b)", a, [](const auto& n) { return n[0] + n[1]; }); }},
      {"sub", 2, 2, "sub(a, b)",
       [](const auto& a, const auto&) { return integers("sub(a, b)", a, [](const auto& n) { return n[0] - n[1]; }); }},
      {"div", 2, 2, "div(a, b)",
       [](const auto& a, const auto&) {
         if (a[1] == json(0)) return fail("div(a, b) by 0");
         return integers("div(a, b)", a, [](const auto& n) { return n[0] / n[1]; });
       }},
      {"clamp", 3, 3, "clamp(x, low, high)",
       [](const auto& a, const auto&) {
         return integers("clamp(x, low, high)", a, [](const auto& n) { return std::max(n[1], std::min(n[0], n[2])); });
       }},
      // RFC 7617's credentials; the scheme before them is the profile's (contract.values.basic_scheme).
      {"basic_credentials", 2, 2, "basic_credentials(user, password)",
       [](const auto& a, const auto&) { return ok(base64_encode(value_text(a[0]) + ":" + value_text(a[1]))); }},
      {"token_alg_none", 1, 1, "token_alg_none(token)", alg_none},
      {"token_unknown_kid", 1, 1, "token_unknown_kid(token)", unknown_kid},
      {"token_hs256_public", 2, 2, "token_hs256_public(token, jwks_url)", hs256_public},
      {"token_tampered", 3, 3, "token_tampered(token, claim, value)", tampered},
      {"path", 1, 8, "path(route, value, …)", fill_path},
      {"json", 1, 1, "json(x)", [](const auto& a, const auto&) { return ok(json_text(a[0])); }},
      {"lower", 1, 1, "lower(x)", [](const auto& a, const auto&) { return ok(ascii_case(value_text(a[0]), false)); }},
      {"upper", 1, 1, "upper(x)", [](const auto& a, const auto&) { return ok(ascii_case(value_text(a[0]), true)); }},
      {"caseless", 1, 1, "caseless(x)", [](const auto& a, const auto&) { return ok(literal_regex(value_text(a[0]), true)); }},
      {"regex_escape", 1, 1, "regex_escape(x)",
       [](const auto& a, const auto&) { return ok(literal_regex(value_text(a[0]), false)); }},
      {"url_encode", 1, 1, "url_encode(x)", [](const auto& a, const auto&) { return ok(url_encode(value_text(a[0]))); }},
      {"url_decode", 1, 1, "url_decode(x)", [](const auto& a, const auto&) { return ok(url_decode(value_text(a[0]))); }},
      // A JSON pointer of the keys in order, each escaped (RFC 6901): a claim named by a URL is one key.
      {"pointer", 1, 8, "pointer(key, …)",
       [](const auto& a, const auto&) {
         std::string out;
         for (const auto& key : a) out = pointer_join(out, value_text(key));
         return ok(out);
       }},
      // As the json check `length`: a list's entries, a map's keys, a string's bytes.
      {"length", 1, 1, "length(x)",
       [](const auto& a, const auto&) {
         const json& x = a[0];
         if (x.is_string()) return ok(x.template get_ref<const std::string&>().size());
         if (x.is_array() || x.is_object()) return ok(x.size());
         return fail("length(x) of " + std::string(x.type_name()) + " " + json_text(x) + ": a list, a map or a string");
       }},
  };
}

}  // namespace

const std::vector<Function>& functions() {
  static const std::vector<Function> table = make_table();
  return table;
}

const Function* find_function(const std::string& name) {
  for (const auto& f : functions())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace tc::tmpl

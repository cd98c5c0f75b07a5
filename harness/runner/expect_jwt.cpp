// expect: jwt — the token at `from` ("json:/pointer" or "header:Name", a Bearer prefix dropped) must
// verify against the JWKS at `jwks` (fetched once per run), carry `claims` (subset match, claim by
// claim) and none of `absent_claims`.
#include <algorithm>

#include "common/json_match.h"
#include "common/jwt.h"
#include "harness/runner/capture.h"
#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kKind = "jwt";

Result<Unit> validate(const json& spec, const Document& doc, const std::string& pointer) {
  if (!spec.is_object()) return spec_error(doc, pointer, "jwt must be a map with from, jwks, claims, absent_claims");
  for (const auto& [key, arg] : spec.items()) {
    const std::string kp = pointer_join(pointer, key);
    if (key == "from" || key == "jwks") {
      if (!arg.is_string()) return spec_error(doc, kp, key + " must be a string");
      const auto& s = arg.get_ref<const std::string&>();
      if (key == "from" && !is_template(arg) && s.rfind("json:", 0) != 0 && s.rfind("header:", 0) != 0)
        return spec_error(doc, kp, "from is \"json:/pointer\" or \"header:Name\"");
    } else if (key == "claims") {
      if (!arg.is_object() && !is_template(arg)) return spec_error(doc, kp, "claims must be a map of claim to value");
    } else if (key == "absent_claims") {
      if (!arg.is_array() || !std::all_of(arg.begin(), arg.end(), [](const json& n) { return n.is_string(); }))
        return spec_error(doc, kp, "absent_claims must be a list of claim names");
    } else {
      return spec_error(doc, kp, "unknown jwt key '" + key + "' (from, jwks, claims, absent_claims)");
    }
  }
  if (!spec.contains("from")) return spec_error(doc, pointer, "jwt needs from");
  if (!spec.contains("jwks")) return spec_error(doc, pointer, "jwt needs jwks: the signature must verify");
  return Unit{};
}

std::vector<Outcome> evaluate(const StepContext& c) {
  const std::string from = c.spec.value("from", std::string());
  const std::string jwks_url = c.spec.value("jwks", std::string());
  auto token = response_token(c.response, from);
  if (!token) return {failed_outcome(kKind, "token at " + from, "a JWT", token.error().message)};
  auto jwt = decode_jwt(*token);
  if (!jwt) return {failed_outcome(kKind, "token at " + from, "a JWT", jwt.error().message)};

  std::vector<Outcome> out;
  auto jwks = c.run.fetch_json(jwks_url);
  if (!jwks) {
    if (jwks.error().kind == ErrorKind::environment) c.run.record_environment_error(jwks.error());
    out.push_back(failed_outcome(kKind, "signature", "verified with " + jwks_url, "JWKS unavailable: " + jwks.error().to_string()));
  } else {
    std::string why = verify_jwt_signature(*jwt, *jwks);
    // The cached JWKS may predate a key rotation: fetch it again once before failing.
    if (!why.empty())
      if (auto fresh = c.run.fetch_json(jwks_url, true)) why = verify_jwt_signature(*jwt, *fresh);
    std::string expected = "verified with " + jwks_url;
    out.push_back(why.empty() ? passed_outcome(kKind, "signature", expected, "verified")
                              : failed_outcome(kKind, "signature", expected, why));
  }
  if (auto claims = c.spec.find("claims"); claims != c.spec.end() && claims->is_object()) {
    for (const auto& [name, want] : claims->items()) {
      auto it = jwt->payload.find(name);
      std::string actual = it == jwt->payload.end() ? "(absent)" : brief(*it);
      bool ok = it != jwt->payload.end() && !subset_mismatch(want, *it);
      out.push_back(ok ? passed_outcome(kKind, "claim " + name, brief(want), actual)
                       : failed_outcome(kKind, "claim " + name, brief(want), actual));
    }
  }
  if (auto absent = c.spec.find("absent_claims"); absent != c.spec.end() && absent->is_array()) {
    for (const auto& n : *absent) {
      std::string name = n.is_string() ? n.get<std::string>() : n.dump();
      auto it = jwt->payload.find(name);
      bool ok = it == jwt->payload.end();
      out.push_back(ok ? passed_outcome(kKind, "claim " + name + " absent", "(absent)", "(absent)")
                       : failed_outcome(kKind, "claim " + name + " absent", "(absent)", brief(*it)));
    }
  }
  return out;
}
}  // namespace

void register_expect_jwt() {
  register_expectation_kind({kKind, validate});
  register_expectation_evaluator(kKind, evaluate);
}

}  // namespace tc

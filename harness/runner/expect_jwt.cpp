// expect: jwt — the token at `from` ("json:/pointer" or "header:Name", the profile's Bearer scheme
// dropped; harness/runner/response_source.h) must
// verify against the JWKS at `jwks` (fetched once per run), carry `claims` (subset match, claim by
// claim; a claim written as a list has those elements and no other, in any order; the profile's
// audience claim written as one value may be a list holding it) and none of `absent_claims`; its
// JOSE `header` has the members given (subset match: `header: {kid: "{{new_kid}}"}`).
#include <algorithm>

#include "common/json_match.h"
#include "common/json_text.h"
#include "common/jwt.h"
#include "harness/runner/expectation.h"
#include "harness/runner/response_source.h"

namespace tc {

namespace {
constexpr const char* kKind = "jwt";

void read(const json& spec, const StrictReader& r, const std::string& pointer) {
  r.object(spec, pointer, {"from", "jwks", "claims", "absent_claims", "header"}, {"from", "jwks"});
  const std::string& from = r.string(spec["from"], pointer_join(pointer, "from"));
  if (!is_template(spec["from"]) && from.rfind("json:", 0) != 0 && from.rfind("header:", 0) != 0)
    r.fail(pointer_join(pointer, "from"), "from is \"json:/pointer\" or \"header:Name\"");
  r.string(spec["jwks"], pointer_join(pointer, "jwks"));
  if (spec.contains("claims") && !is_template(spec["claims"])) r.map(spec["claims"], pointer_join(pointer, "claims"));
  if (spec.contains("absent_claims")) r.strings(spec["absent_claims"], pointer_join(pointer, "absent_claims"));
  if (spec.contains("header") && !is_template(spec["header"])) r.map(spec["header"], pointer_join(pointer, "header"));
}

std::vector<Outcome> evaluate(const StepContext& c) {
  const std::string from = c.spec.value("from", std::string());
  const std::string jwks_url = c.spec.value("jwks", std::string());
  auto token = response_token(c.response, from, bearer_scheme(c.scope));
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
  if (auto header = c.spec.find("header"); header != c.spec.end() && header->is_object()) {
    for (const auto& [name, want] : header->items()) {
      auto it = jwt->header.find(name);
      const std::string actual = it == jwt->header.end() ? "(absent)" : brief(*it);
      const bool ok = it != jwt->header.end() && !subset_mismatch(want, *it);
      out.push_back(ok ? passed_outcome(kKind, "header " + name, brief(want), actual)
                       : failed_outcome(kKind, "header " + name, brief(want), actual));
    }
  }
  const json* audience = c.scope.lookup("contract.claims.audience");
  if (auto claims = c.spec.find("claims"); claims != c.spec.end() && claims->is_object()) {
    for (const auto& [name, want] : claims->items()) {
      auto it = jwt->payload.find(name);
      std::string actual = it == jwt->payload.end() ? "(absent)" : brief(*it);
      // A list claim (allowed tenants) is an entitlement: an element more is another one.
      const bool same_size = !want.is_array() || (it != jwt->payload.end() && it->is_array() && it->size() == want.size());
      bool ok = it != jwt->payload.end() && same_size && !subset_mismatch(want, *it);
      // The audience may be one string or a list of them (RFC 7519 §4.1.3): a list naming it names it.
      if (!ok && audience && *audience == name && want.is_string() && it != jwt->payload.end() && it->is_array())
        ok = std::find(it->begin(), it->end(), want) != it->end();
      out.push_back(ok ? passed_outcome(kKind, "claim " + name, brief(want), actual)
                       : failed_outcome(kKind, "claim " + name, brief(want), actual));
    }
  }
  if (auto absent = c.spec.find("absent_claims"); absent != c.spec.end() && absent->is_array()) {
    for (const auto& n : *absent) {
      std::string name = value_text(n);
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
  register_expectation_kind({kKind, read});
  register_expectation_evaluator(kKind, evaluate);
}

}  // namespace tc

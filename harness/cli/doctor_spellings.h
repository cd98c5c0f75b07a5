// What `tenantcheck doctor` can observe of a platform's spellings without changing anything — the
// answer to a request without a token, the discovery document, the JWKS, an issued token, the echo
// and an audit record — compared with the profile. Every check reports one line; a difference names
// what was observed, what the profile says and the profile (or bindings) key to change, so a new
// platform's profile copy can be written from doctor's output (docs/topology.md, "Adapting the pack
// to your platform").
#pragma once
#include <functional>
#include <string>

#include "common/http_client.h"
#include "common/profile.h"

namespace tc::cli {

// report(ok, component, check, detail)
using DoctorReport = std::function<void(bool, const std::string&, const std::string&, const std::string&)>;

class SpellingChecks {
 public:
  SpellingChecks(const ContractProfile& profile, DoctorReport report) : profile_(profile), report_(std::move(report)) {}

  // G1 without a token: status, the body's error code, the challenge's scheme.
  void unauthenticated(const std::string& component, const HttpResponse& res);
  // A1: the discovery document's endpoints against the profile's paths.
  void discovery(const std::string& component, const json& doc, const std::string& authority_url);
  // A2: every key RSA, RS256, for signing.
  void jwks(const std::string& component, const json& jwks);
  // A4/A6: a token response: lifetime, audience, the tenant claim's name (`tenant` is the bound tenant).
  void token(const std::string& component, const json& response, const std::string& tenant);
  // B4: the echo's shape, found by the header `sent` (sent with value `value`).
  void echo(const std::string& component, const json& body, const std::string& sent, const std::string& value);
  // An error code the component answered where the profile's errors.<key> was due.
  void error_code(const std::string& component, const std::string& key, const std::string& observed);
  // U1: a record the component wrote for a decision whose event key is `event_key`.
  void audit_record(const std::string& component, const json& record, const std::string& event_key);

 private:
  // One spelling: OK when equal, else FAIL naming the key to change.
  void compare(const std::string& component, const std::string& key, const std::string& observed,
               const std::string& expected, const std::string& where_to_change = "");

  const ContractProfile& profile_;
  DoctorReport report_;
};

}  // namespace tc::cli

// Redaction of secrets in every output: bearer and basic credentials, JWTs, cookies, password and
// client-secret fields, and every value registered as secret (environment values, fixture secrets).
// Configure first (add_secret), then apply from any thread.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace tc {

inline constexpr std::string_view kRedacted = "«redacted»";

class Redactor {
 public:
  // Values shorter than 4 characters are ignored (they would mask ordinary text).
  void add_secret(std::string value);
  std::string apply(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;  // longest first
};

// The process-wide redactor that outputs use.
Redactor& global_redactor();

}  // namespace tc

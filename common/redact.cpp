#include "common/redact.h"

#include <algorithm>
#include <regex>

namespace tc {
namespace {

struct Rule {
  std::regex re;
  std::string replacement;
};

// Patterns over plain text; each keeps its context (the prefix group) and masks the secret.
const std::vector<Rule>& rules() {
  static const std::string r(kRedacted);
  static const std::vector<Rule> list = [] {
    const auto icase = std::regex::ECMAScript | std::regex::icase;
    std::vector<Rule> v;
    // JWTs: base64url segments, the header starting with {" encoded ("eyJ"); also a JWT cut short
    // (a shortened value in a message), from its header and the start of its payload.
    v.push_back({std::regex(R"re(eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?)re"), r});
    // Cookie and Set-Cookie header lines in transcripts: the whole value.
    v.push_back({std::regex(R"re(((?:^|\n|\r)[ \t<>]*(?:set-)?cookie[ \t]*:[ \t]*)[^\r\n]*)re", icase), "$1" + r});
    // Credentials after an HTTP authentication scheme (a token68 of 6+ characters; auth-params such
    // as `Bearer error="invalid_token"` in WWW-Authenticate are not credentials and stay readable).
    v.push_back({std::regex(R"re((\b(?:bearer|basic)[ \t]+)[A-Za-z0-9._~+/-]{6,}=*(?![A-Za-z0-9._~+/="-]))re", icase), "$1" + r});
    // Form and query fields.
    v.push_back({std::regex(
                     R"re((\b(?:password|client_secret|refresh_token|access_token|code_verifier|token|id_token|assertion)=)[^&\s"']+)re",
                     icase),
                 "$1" + r});
    // JSON string values of secret-bearing keys.
    v.push_back({std::regex(
                     R"re(("(?:password|client_secret|secret|access_token|refresh_token|id_token|token)"\s*:\s*")(?:[^"\\]|\\.)*")re",
                     icase),
                 "$1" + r + "\""});
    return v;
  }();
  (void)r;
  return list;
}

}  // namespace

void Redactor::add_secret(std::string value) {
  if (value.size() < 4) return;
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  secrets_.push_back(std::move(value));
  // Longest first, so a secret that contains another is masked whole.
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::apply(std::string_view text) const {
  std::string out(text);
  for (const auto& secret : secrets_) {
    std::size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), kRedacted);
      pos += kRedacted.size();
    }
  }
  for (const auto& rule : rules()) out = std::regex_replace(out, rule.re, rule.replacement);
  return out;
}

Redactor& global_redactor() {
  static Redactor redactor;
  return redactor;
}

}  // namespace tc

#include "common/redact.h"

#include <algorithm>
#include <memory>

#include <re2/re2.h>

namespace tc {
namespace {

// RE2 (linear time, no backtracking), byte-wise (Latin-1) so that bytes which are not UTF-8 are
// matched like any other and cannot end a masked value early.
struct Rule {
  std::unique_ptr<RE2> re;
  std::string rewrite;
};

RE2::Options byte_options() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  return o;
}

// Each pattern keeps its context and masks the secret: the masked text is replaced by
// <before>«redacted»<after>, both RE2 rewrites (\1, \2: the pattern's groups).
struct Pattern {
  const char* re;
  const char* before;
  const char* after;
};
constexpr Pattern kPatterns[] = {
    // JWTs: base64url segments, the header starting with {" encoded ("eyJ"); also a JWT cut short
    // (a shortened value in a message), from its header and the start of its payload.
    {R"re(eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?)re", "", ""},
    // Cookie and Set-Cookie header lines in transcripts: the whole value.
    {R"re(((?:^|\n|\r)[ \t<>]*(?i:(?:set-)?cookie)[ \t]*:[ \t]*)[^\r\n]*)re", "\\1", ""},
    // Credentials after an HTTP authentication scheme (a token68 of 6+ characters; auth-params such
    // as `Bearer error="invalid_token"` in WWW-Authenticate are not credentials and stay readable).
    // The character after the token is matched (RE2 has no lookahead) and put back by \2.
    {R"re((\b(?i:bearer|basic)[ \t]+)[A-Za-z0-9._~+/-]{6,}=*([^A-Za-z0-9._~+/="-]|$))re", "\\1", "\\2"},
    // Form and query fields.
    {R"re((\b(?i:password|client_secret|refresh_token|access_token|code_verifier|token|id_token|assertion)=)[^&\s"']+)re", "\\1", ""},
    // JSON string values of secret-bearing keys.
    {R"re(("(?i:password|client_secret|secret|access_token|refresh_token|id_token|token)"\s*:\s*")(?:[^"\\]|\\.)*")re", "\\1", "\""},
};

const std::vector<Rule>& rules() {
  static const std::vector<Rule> list = [] {
    std::vector<Rule> v;
    for (const auto& p : kPatterns)
      v.push_back({std::make_unique<RE2>(p.re, byte_options()), p.before + std::string(kRedacted) + p.after});
    return v;
  }();
  return list;
}

// Every pattern at once, without submatches: one DFA scan says whether any rule has work to do,
// which for most texts (bodies without credentials) is all the work there is.
const RE2& any_rule() {
  static const RE2 any = [] {
    std::string all;
    for (const auto& p : kPatterns) all += (all.empty() ? "" : "|") + std::string("(?:") + p.re + ")";
    return RE2(all, byte_options());
  }();
  return any;
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
  if (!RE2::PartialMatch(out, any_rule())) return out;
  for (const auto& rule : rules()) RE2::GlobalReplace(&out, *rule.re, rule.rewrite);
  return out;
}

Redactor& global_redactor() {
  static Redactor redactor;
  return redactor;
}

}  // namespace tc

#include "common/redact.h"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "common/encoding.h"

namespace tc {
namespace {

// A pattern masks a secret and keeps its context: group 1 (when `before`) is written before
// «redacted», group 2 (when `after`) after it.
struct Pattern {
  const char* re;
  bool before;
  bool after;
};

// Keys whose JSON string values are secrets (a Cookie header echoed back as JSON too).
#define TC_SECRET_KEYS "(?i:password|client_secret|secret|access_token|refresh_token|id_token|token|code_verifier|assertion|cookie|set-cookie)"

constexpr Pattern kPatterns[] = {
    // JWTs: base64url segments, the header starting with {" encoded ("eyJ"); also a JWT cut short
    // (a shortened value in a message), from its header and the start of its payload.
    {R"re(eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?)re", false, false},
    // Cookie and Set-Cookie header lines in transcripts: the whole value.
    {R"re(((?:^|\n|\r)[ \t<>]*(?i:(?:set-)?cookie)[ \t]*:[ \t]*)[^\r\n]*)re", true, false},
    // Credentials after an HTTP authentication scheme (a token68 of 6+ characters; auth-params such
    // as `Bearer error="invalid_token"` in WWW-Authenticate are not credentials and stay readable).
    // The character after the token is matched (RE2 has no lookahead) and put back.
    {R"re((\b(?i:bearer|basic)[ \t]+)[A-Za-z0-9._~+/-]{6,}=*([^A-Za-z0-9._~+/="-]|$))re", true, true},
    // Form and query fields.
    {R"re((\b(?i:password|client_secret|refresh_token|access_token|code_verifier|token|id_token|assertion)=)[^&\s"']+)re", true, false},
    // JSON string values of secret-bearing keys.
    {R"re((")re" TC_SECRET_KEYS R"re("\s*:\s*\[?\s*")(?:[^"\\]|\\.)*("))re", true, true},
    // The same inside a JSON string that quotes a JSON document (an echoed body): every quote and
    // backslash of the inner document escaped once more (\" ends the value, \\\" is a quote in it).
    {R"re((\\")re" TC_SECRET_KEYS R"re(\\"\s*:\s*\\")(?:[^"\\]|\\\\\\\\|\\\\\\"|\\\\[^"\\])*(\\"))re", true, true},
};
#undef TC_SECRET_KEYS

// Base64 pieces shorter than this are left alone: they would mask ordinary text.
constexpr std::size_t kMinBase64Piece = 6;

// `value` as a JSON string's content (without quotes), or nothing when it is not UTF-8.
std::vector<std::string> json_escaped(const std::string& value) {
  std::vector<std::string> out;
  try {
    for (bool ascii : {false, true}) {
      const std::string quoted = nlohmann::json(value).dump(-1, ' ', ascii);
      out.push_back(quoted.substr(1, quoted.size() - 2));
    }
  } catch (const nlohmann::json::exception&) {
  }
  return out;
}

std::string lower_hex(std::string s) {
  for (std::size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] == '%') {
      s[i + 1] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 1])));
      s[i + 2] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 2])));
    }
  return s;
}

// The characters of base64 text that only `value`'s bytes decide, wherever in the encoded stream
// `value` starts (offset 0, 1 or 2 of a 3-byte group); also the whole value encoded alone.
std::vector<std::string> base64_pieces(const std::string& value) {
  std::vector<std::string> out{base64_encode(value), base64url_encode(value)};
  const std::size_t bits = 8 * value.size();
  for (std::size_t k = 0; k < 3; ++k) {
    const std::string encoded = base64_encode(std::string(k, '\0') + value);
    const std::size_t first = (8 * k + 5) / 6, end = (8 * k + bits) / 6;
    if (end <= first || end - first < kMinBase64Piece) continue;
    std::string piece = encoded.substr(first, end - first);
    out.push_back(piece);
    std::replace(piece.begin(), piece.end(), '+', '-');
    std::replace(piece.begin(), piece.end(), '/', '_');
    out.push_back(piece);
  }
  return out;
}

// Every form a secret is matched in.
std::vector<std::string> forms_of(const std::string& secret) {
  std::vector<std::string> forms{secret};
  for (auto& once : json_escaped(secret)) {
    for (auto& twice : json_escaped(once)) forms.push_back(std::move(twice));
    std::string slashes;  // some encoders write / as \/
    for (char c : once) slashes += c == '/' ? std::string("\\/") : std::string(1, c);
    forms.push_back(std::move(slashes));
    forms.push_back(std::move(once));
  }
  const std::string encoded = url_encode(secret);
  forms.push_back(encoded);
  forms.push_back(lower_hex(encoded));
  std::string form_encoded;
  for (std::size_t at = 0; at < encoded.size(); ++at) form_encoded += encoded.compare(at, 3, "%20") == 0 ? (at += 2, "+") : encoded.substr(at, 1);
  forms.push_back(form_encoded);
  for (auto& piece : base64_pieces(secret)) forms.push_back(std::move(piece));
  return forms;
}

RE2::Options byte_options() {
  // Byte-wise (Latin-1), so bytes that are not UTF-8 are matched like any other and cannot end a
  // masked value early; room for many secrets.
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

// How many capturing groups each of kPatterns has, counted once.
const std::vector<int>& pattern_groups() {
  static const std::vector<int> counts = [] {
    std::vector<int> v;
    for (const auto& p : kPatterns) v.push_back(RE2(p.re, byte_options()).NumberOfCapturingGroups());
    return v;
  }();
  return counts;
}

}  // namespace

// One RE2 of alternatives: group 1 is every secret form (longest first, so a secret containing
// another is masked whole), then one group per pattern, the pattern's own groups inside it.
struct Redactor::Program {
  struct Alternative {
    int group;  // the alternative's group; its kept context is group + 1 and group + 2
    bool before, after;
  };
  std::unique_ptr<RE2> re;
  std::vector<Alternative> alternatives;

  explicit Program(const std::vector<std::string>& secrets) {
    std::vector<std::string> forms;
    for (const auto& s : secrets)
      for (auto& f : forms_of(s))
        if (f.size() >= 4 && std::find(forms.begin(), forms.end(), f) == forms.end()) forms.push_back(std::move(f));
    std::stable_sort(forms.begin(), forms.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    std::string all;
    int group = 1;
    if (!forms.empty()) {
      all = "(";
      for (std::size_t i = 0; i < forms.size(); ++i) all += (i ? "|" : "") + RE2::QuoteMeta(forms[i]);
      all += ")";
      alternatives.push_back({group++, false, false});
    }
    for (std::size_t i = 0; i < std::size(kPatterns); ++i) {
      const Pattern& p = kPatterns[i];
      all += std::string(all.empty() ? "" : "|") + "(" + p.re + ")";
      alternatives.push_back({group, p.before, p.after});
      group += 1 + pattern_groups()[i];
    }
    re = std::make_unique<RE2>(all, byte_options());
  }

  std::string apply(std::string_view text) const {
    const re2::StringPiece input(text.data(), text.size());
    std::vector<re2::StringPiece> groups(1 + re->NumberOfCapturingGroups());
    std::string out;
    std::size_t pos = 0;
    while (pos <= text.size() &&
           re->Match(input, pos, text.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
      const std::size_t start = groups[0].data() - text.data(), end = start + groups[0].size();
      if (out.empty()) out.reserve(text.size());
      out.append(text.substr(pos, start - pos));
      for (const auto& a : alternatives) {
        if (groups[a.group].data() == nullptr) continue;
        if (a.before) out.append(groups[a.group + 1].data(), groups[a.group + 1].size());
        out.append(kRedacted);
        if (a.after) out.append(groups[a.group + 2].data(), groups[a.group + 2].size());
        break;
      }
      if (end == start) {  // nothing consumed: keep the character and move on
        if (start < text.size()) out.push_back(text[start]);
        pos = start + 1;
      } else {
        pos = end;
      }
    }
    if (pos == 0) return std::string(text);
    if (pos < text.size()) out.append(text.substr(pos));
    return out;
  }
};

Redactor::Redactor() = default;
Redactor::~Redactor() = default;

void Redactor::add_secret(std::string value) {
  if (value.size() < 4) return;
  std::lock_guard lock(mu_);
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  secrets_.push_back(std::move(value));
  program_.reset();  // built again at the next apply, once for a run of added secrets
}

std::string Redactor::apply(std::string_view text) const {
  std::shared_ptr<const Program> program;
  {
    std::lock_guard lock(mu_);
    if (!program_) program_ = std::make_shared<const Program>(secrets_);
    program = program_;
  }
  return program->apply(text);
}

Redactor& global_redactor() {
  static Redactor redactor;
  return redactor;
}

}  // namespace tc

#include "common/redact.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "common/encoding.h"

namespace tc {
namespace {

// A pattern masks a secret and keeps its context: group 1 (when `before`) is written before
// «redacted», group 2 (when `after`) after it; a pattern has no other groups.
struct Pattern {
  const char* re;
  bool before;
  bool after;
};

// Keys whose JSON string values are secrets (a Cookie header echoed back as JSON too).
#define TC_SECRET_KEYS "(?i:password|client_secret|secret|access_token|refresh_token|id_token|token|code_verifier|assertion|cookie|set-cookie)"

constexpr std::string_view kJwtStart = "eyJ";  // base64url of {" : how every JWT header starts

constexpr Pattern kPatterns[] = {
    // JWTs (first: Program masks them by hand, as mask_jwts): base64url segments, the header starting with {" encoded ("eyJ"); also a JWT cut short
    // (a shortened value in a message), from its header and the start of its payload.
    {R"re(eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?)re", false, false},
    // Cookie and Set-Cookie header lines in transcripts: the whole value.
    {R"re(((?:^|\n|\r)[ \t<>]*(?i:(?:set-)?cookie)[ \t]*:[ \t]*)[^\r\n]*)re", true, false},
    // Credentials after an HTTP authentication scheme (a token68 of 6+ characters; auth-params such
    // as `Bearer error="invalid_token"` in WWW-Authenticate are not credentials and stay readable).
    // The character after the token is matched (RE2 has no lookahead) and put back; a line's end is
    // not taken, so that the next line is read from its start (a Cookie line after it).
    {R"re((\b(?i:bearer|basic)[ \t]+)[A-Za-z0-9._~+/-]{6,}=*([^A-Za-z0-9._~+/="\n-]|(?m:$)))re", true, true},
    // Form and query fields.
    {R"re((\b(?i:password|client_secret|refresh_token|access_token|code_verifier|token|id_token|assertion)=)[^&\s"']+)re", true, false},
    // JSON string values of secret-bearing keys. A JSON string holds no line break: a value cut short
    // (a shortened body), even just after a backslash, is masked to its line's end, and the next
    // line is read from its start.
    {R"re((")re" TC_SECRET_KEYS R"re("\s*:\s*\[?\s*")(?:[^"\\\r\n]|\\[^\r\n])*\\?("|\r|(?m:$)))re", true, true},
    // The same inside a JSON string that quotes a JSON document (an echoed body): every quote and
    // backslash of the inner document escaped once more (\" ends the value, \\\" is a quote in it),
    // and the outer document's own escapes (\/, \u00e9) taken as they come.
    {R"re((\\")re" TC_SECRET_KEYS R"re(\\"\s*:\s*\\")(?:[^"\\\r\n]|\\\\\\\\|\\\\\\"|\\\\[^"\\\r\n]|\\[^"\\\r\n])*\\{0,3}(\\"|\r|(?m:$)))re", true, true},
};
#undef TC_SECRET_KEYS

// Base64 pieces shorter than this are left alone: they would mask ordinary text.
constexpr std::size_t kMinBase64Piece = 6;

// Secrets and their forms shorter than this are ignored (they would mask ordinary text); no
// pattern's match is shorter either (a JWT "eyJ" and a dot; the others a keyword and more), so a
// text shorter than this holds nothing to mask.
constexpr std::size_t kMinSecret = 4;

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

// The bytes of a JWT's segments (base64url), one table look-up each.
constexpr auto kBase64url = [] {
  std::array<bool, 256> b{};
  for (int c = 0; c < 256; ++c) b[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  return b;
}();

// Where the next "eyJ" starts at or after `from`, or npos. Its 'J' is looked for (memchr: most text
// has few capital Js), then the two bytes before it.
std::size_t find_jwt_start(std::string_view text, std::size_t from) {
  static_assert(kJwtStart == "eyJ");
  if (from + kJwtStart.size() > text.size()) return std::string_view::npos;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  for (const char* p = begin + from + 2; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, 'J', static_cast<std::size_t>(end - p)));
    if (!p) break;
    if (p[-1] == 'y' && p[-2] == 'e') return static_cast<std::size_t>(p - 2 - begin);
  }
  return std::string_view::npos;
}

// The end of the base64url run starting at `i`: eight bytes at a time while all eight are in it.
std::size_t skip_base64url(std::string_view text, std::size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  while (i + 8 <= n && (kBase64url[p[i]] & kBase64url[p[i + 1]] & kBase64url[p[i + 2]] & kBase64url[p[i + 3]] &
                        kBase64url[p[i + 4]] & kBase64url[p[i + 5]] & kBase64url[p[i + 6]] & kBase64url[p[i + 7]]))
    i += 8;
  while (i < n && kBase64url[p[i]]) ++i;
  return i;
}

// kPatterns[0] by hand: the first JWT-shaped run of `text` at or after `from`, as [start, end), or
// nullopt. Equivalent to the pattern: "eyJ", base64url, a dot, base64url, then perhaps a dot and
// base64url.
std::optional<std::pair<std::size_t, std::size_t>> find_jwt(std::string_view text, std::size_t from) {
  for (std::size_t at = find_jwt_start(text, from); at != std::string_view::npos; at = find_jwt_start(text, at + 1)) {
    std::size_t i = skip_base64url(text, at + kJwtStart.size());
    if (i == text.size() || text[i] != '.') continue;
    i = skip_base64url(text, i + 1);
    if (i < text.size() && text[i] == '.') i = skip_base64url(text, i + 1);
    return std::pair{at, i};
  }
  return std::nullopt;
}

// Every JWT-shaped run of `text` masked, in one pass, or nothing when it has none.
std::optional<std::string> mask_jwts(std::string_view text) {
  std::optional<std::string> out;
  std::size_t copied = 0;
  for (auto jwt = find_jwt(text, 0); jwt; jwt = find_jwt(text, jwt->second)) {
    if (!out) out.emplace().reserve(text.size());
    out->append(text.substr(copied, jwt->first - copied)).append(kRedacted);
    copied = jwt->second;
  }
  if (out) out->append(text.substr(copied));
  return out;
}

}  // namespace

// One RE2 of alternatives without groups finds where the next secret is, in one scan (RE2's DFA);
// what to keep around «redacted» is then read on that span alone: a secret form is masked whole,
// else the first pattern matching the whole span (with the text around it as context) says.
// Secret forms come first and longest first, so a secret containing another is masked whole.
// JWTs, long and frequent, are masked by a scan of their own before RE2 reads the text (RE2 would
// read each three times: to its end, back to its start, and for the groups around it); the result
// is the same unless a secret form contains "eyJ", and then the JWT pattern stays in RE2.
// Secret forms of kKeyBytes or more are found apart from RE2 (an alternation of thousands of them —
// a long exploration registers a session per flow — makes RE2's DFA slow): by their first kKeyBytes
// bytes, read at every offset of the text behind a bitmap of those keys, before RE2 reads the text.
struct Redactor::Program {
  static constexpr std::size_t kKeyBytes = 8;
  std::unique_ptr<RE2> any;                      // every alternative, leftmost first
  // kPatterns, each alone: compiled at the first span that is no secret form (most texts have none).
  mutable std::vector<std::unique_ptr<RE2>> patterns;
  mutable std::once_flag patterns_built;
  std::unordered_set<std::string_view> forms;    // the short forms: views into form_text
  std::vector<std::string> form_text;            // every form, longest first
  std::unordered_map<std::uint64_t, std::vector<std::string_view>> long_forms;  // by first bytes, longest first
  std::vector<bool> long_keys = std::vector<bool>(1 << 16);                     // a bitmap of their keys' hashes
  std::size_t first_pattern = 0;                 // 1 when JWTs are masked before RE2 reads the text

  static std::uint64_t key_at(const char* p) {
    std::uint64_t k = 0;
    std::memcpy(&k, p, kKeyBytes);
    return k;
  }
  static std::size_t bit_of(std::uint64_t key) { return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 48); }

  explicit Program(const std::vector<std::string>& secrets) {
    std::unordered_set<std::string> seen;
    for (const auto& s : secrets)
      for (auto& f : forms_of(s))
        if (f.size() >= kMinSecret && seen.insert(f).second) form_text.push_back(std::move(f));
    std::stable_sort(form_text.begin(), form_text.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    const bool jwt_in_a_form = std::any_of(form_text.begin(), form_text.end(),
                                           [](const std::string& f) { return f.find(kJwtStart) != std::string::npos; });
    first_pattern = jwt_in_a_form ? 0 : 1;
    std::string all;
    for (const auto& f : form_text) {
      if (f.size() >= kKeyBytes) {
        const std::uint64_t key = key_at(f.data());
        long_forms[key].push_back(f);
        long_keys[bit_of(key)] = true;
        continue;
      }
      all += (all.empty() ? "" : "|") + RE2::QuoteMeta(f);
      forms.insert(f);
    }
    for (std::size_t i = first_pattern; i < std::size(kPatterns); ++i)
      all += std::string(all.empty() ? "" : "|") + "(?:" + kPatterns[i].re + ")";
    any = std::make_unique<RE2>(all, byte_options());
  }

  std::string apply(std::string_view text) const {
    std::optional<std::string> jwts_masked;
    if (first_pattern == 1) jwts_masked = mask_jwts(text);
    if (jwts_masked) text = *jwts_masked;
    if (auto masked = mask_long_forms(text)) return scan(*masked);
    return scan(text);
  }

 private:
  // Every long form in `text`, the longest at each offset, masked whole; nullopt when none is there.
  std::optional<std::string> mask_long_forms(std::string_view text) const {
    if (long_forms.empty() || text.size() < kKeyBytes) return std::nullopt;
    std::optional<std::string> out;
    std::size_t copied = 0;
    for (std::size_t i = 0; i + kKeyBytes <= text.size();) {
      const std::uint64_t key = key_at(text.data() + i);
      const std::string_view* hit = nullptr;
      if (long_keys[bit_of(key)])
        if (const auto at = long_forms.find(key); at != long_forms.end())
          for (const auto& f : at->second)
            if (text.compare(i, f.size(), f) == 0) { hit = &f; break; }
      if (!hit) { ++i; continue; }
      if (!out) out.emplace().reserve(text.size());
      out->append(text.substr(copied, i - copied));
      out->append(kRedacted);
      i += hit->size();
      copied = i;
    }
    if (out) out->append(text.substr(copied));
    return out;
  }

  std::string scan(std::string_view text) const {
    const re2::StringPiece input(text.data(), text.size());
    re2::StringPiece span;
    std::string out;
    std::size_t pos = 0;
    while (pos <= text.size() && any->Match(input, pos, text.size(), RE2::UNANCHORED, &span, 1)) {
      const std::size_t start = span.data() - text.data(), end = start + span.size();
      if (out.empty()) out.reserve(text.size());
      out.append(text.substr(pos, start - pos));
      if (!span.empty() && forms.contains(std::string_view(span.data(), span.size()))) {
        out.append(kRedacted);
      } else {
        keep_context(input, start, end, out);
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

  // The span [start, end) of `input` masked as the first pattern that matches it whole says.
  void keep_context(const re2::StringPiece& input, std::size_t start, std::size_t end, std::string& out) const {
    re2::StringPiece groups[3];
    std::call_once(patterns_built, [this] {  // built whole before it is kept: a throw leaves none
      std::vector<std::unique_ptr<RE2>> built;
      for (const auto& p : kPatterns) built.push_back(std::make_unique<RE2>(p.re, byte_options()));
      patterns = std::move(built);
    });
    for (std::size_t i = first_pattern; i < patterns.size(); ++i) {
      const RE2& re = *patterns[i];
      const int n = std::min(3, 1 + re.NumberOfCapturingGroups());
      if (!re.Match(input, start, end, RE2::ANCHOR_BOTH, groups, n)) continue;
      const Pattern& p = kPatterns[i];
      if (p.before) out.append(groups[1].data(), groups[1].size());
      out.append(kRedacted);
      if (p.after) out.append(groups[2].data(), groups[2].size());
      return;
    }
    out.append(kRedacted);  // unreachable: the span matched one alternative; mask it whole
  }
};

Redactor::Redactor() = default;
Redactor::~Redactor() = default;

void Redactor::add_secret(std::string value) {
  if (value.size() < kMinSecret) return;
  std::lock_guard lock(mu_);
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  // A new list of pending forms, longest first: an apply under way keeps the one it copied.
  auto pending = pending_forms_ ? std::make_shared<std::vector<std::string>>(*pending_forms_)
                                : std::make_shared<std::vector<std::string>>();
  for (auto& f : forms_of(value)) {
    if (f.size() < kMinSecret || std::find(pending->begin(), pending->end(), f) != pending->end()) continue;
    // The program would mask part of this secret (a shorter secret inside it, or a pattern: a
    // `password=` in an environment value) before the plain search saw it whole: the program is
    // built again, with it. One it masks whole (a JWT) needs no new program. (A program built
    // before a load registers its secrets is the usual case: Redactor::prepare.)
    if (program_)
      if (const std::string masked = program_->apply(f); masked != f && masked != kRedacted) program_.reset();
    pending->push_back(std::move(f));
  }
  std::stable_sort(pending->begin(), pending->end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  pending_forms_ = std::move(pending);
  secrets_.push_back(std::move(value));
}

std::string Redactor::apply(std::string_view text) const {
  if (text.size() < kMinSecret) return std::string(text);  // most of a record's fields: empty or a status
  const bool short_text = text.size() <= kRecalledBytes;
  std::shared_ptr<const Program> program;
  std::shared_ptr<std::vector<std::string>> pending;
  std::size_t generation = 0;
  {
    std::lock_guard lock(mu_);
    if (short_text) {
      if (recalled_generation_ != secrets_.size()) {
        recalled_.clear();
        recalled_generation_ = secrets_.size();
      }
      if (auto it = recalled_.find(text); it != recalled_.end()) return it->second;
    }
    generation = secrets_.size();
    build_if_due();
    program = program_;
    pending = pending_forms_;
  }
  std::string out = program->apply(text);
  if (pending)
    for (const auto& form : *pending)
      for (auto at = out.find(form); at != std::string::npos; at = out.find(form, at + kRedacted.size()))
        out.replace(at, form.size(), kRedacted);
  if (short_text) {
    std::lock_guard lock(mu_);
    if (recalled_generation_ == generation) {  // no secret came since: the answer still holds
      if (recalled_.size() >= kRecalledTexts) recalled_.clear();
      recalled_.emplace(std::string(text), out);
    }
  }
  return out;
}

void Redactor::build_if_due() const {
  const std::size_t added = secrets_.size() - built_;
  if (!program_ || added > std::max<std::size_t>(16, built_ / 4)) {
    program_ = std::make_shared<const Program>(secrets_);
    built_ = secrets_.size();
    pending_forms_.reset();
  }
}

void Redactor::prepare() const {
  std::lock_guard lock(mu_);
  build_if_due();
}

std::size_t Redactor::generation() const {
  std::lock_guard lock(mu_);
  return secrets_.size();
}

bool holds_jwt(std::string_view text) { return find_jwt(text, 0).has_value(); }

Redactor& global_redactor() {
  static Redactor redactor;
  return redactor;
}

namespace {

// The error when `file` held text to mask and could not be written masked (it is then removed).
std::optional<Error> redact_file_in_place(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text, line;
  bool changed = false;
  while (std::getline(in, line)) {
    std::string masked = global_redactor().apply(line);
    changed = changed || masked != line;
    text += masked + "\n";
  }
  in.close();
  if (!changed) return std::nullopt;
  const std::string redacted = file + ".redacting";
  std::ofstream out(redacted, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  std::error_code ec;
  if (out) {
    std::filesystem::rename(redacted, file, ec);
    if (!ec) return std::nullopt;
  }
  std::filesystem::remove(redacted, ec);
  std::error_code kept;
  std::filesystem::remove(file, kept);
  return environment_error("", "cannot write " + file + " with the secrets learnt since masked; " +
                                   (kept ? "nor remove it: " + kept.message() : std::string("removed it")));
}

}  // namespace

std::vector<Error> redact_files_in_place(const std::string& folder, const std::set<std::string>& except) {
  std::vector<Error> lost;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string file = entry.path().string();
    if (entry.is_regular_file(ec) && !except.count(file))
      if (auto e = redact_file_in_place(file)) lost.push_back(std::move(*e));
  }
  return lost;
}

}  // namespace tc

#include "common/json_text.h"

#include <cstdint>
#include <cstring>

#include "common/encoding.h"

namespace tc {

namespace {

// Whether none of the eight bytes at `p` is a control character, a quote or a backslash (bytes of
// 0x80 and above are plain here: the text is UTF-8). Word-at-a-time: a zero byte of w ^ c is a byte
// equal to c; a byte below 0x20 borrows when 0x20 is taken from it.
bool plain8(const char* p) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  const std::uint64_t ascii = ~w & highs;  // the high bit of each byte below 0x80
  const auto zero_byte = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const std::uint64_t control = (w - 0x20 * ones) & ascii;
  return (control | zero_byte(w ^ ('"' * ones)) | zero_byte(w ^ ('\\' * ones))) == 0;
}

// A string as dump() writes it without ensure_ascii: the quote, the backslash and the control
// characters escaped, everything else as it is. Text that is not UTF-8 goes through dump() itself,
// so its replacement characters are the ones every other writer gives.
void append_string(std::string& out, std::string_view s) {
  if (!is_utf8(s)) {
    out += json_text(nlohmann::json(std::string(s)));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet appended
  for (std::size_t i = 0; i < s.size(); ++i) {
    while (i + 8 <= s.size() && plain8(s.data() + i)) i += 8;  // most text needs no escape
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

}  // namespace

void JsonWriter::newline(std::size_t depth) {
  if (indent_ < 0) return;
  out_ += '\n';
  out_.append(depth * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;  // the top-level value
  if (!empty_.back()) out_ += ',';
  empty_.back() = false;
  newline(empty_.size());
}

JsonWriter& JsonWriter::open(char bracket) {
  before_value();
  out_ += bracket;
  empty_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  const bool empty = empty_.back();
  empty_.pop_back();
  if (!empty) newline(empty_.size());
  out_ += bracket;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  append_string(out_, name);
  out_ += indent_ < 0 ? ":" : ": ";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(double d) { return value(nlohmann::json(d)); }

JsonWriter& JsonWriter::value(const nlohmann::json& v) {
  using Type = nlohmann::json::value_t;
  switch (v.type()) {  // a scalar written directly: the same text, without dump()'s string
    case Type::string: return value(v.get_ref<const std::string&>());
    case Type::boolean: return value(v.get<bool>());
    case Type::number_integer: return value(v.get<std::int64_t>());
    case Type::number_unsigned: return value(v.get<std::uint64_t>());
    case Type::null:
      before_value();
      out_ += "null";
      return *this;
    default: break;
  }
  before_value();
  const std::string text = json_text(v, indent_);
  if (indent_ < 0 || !v.is_structured()) {
    out_ += text;
    return *this;
  }
  // dump() indents from column 0; its lines move to this depth (a string holds no raw newline).
  const std::string margin(empty_.size() * static_cast<std::size_t>(indent_), ' ');
  for (char c : text) {
    out_ += c;
    if (c == '\n') out_ += margin;
  }
  return *this;
}

JsonWriter& JsonWriter::value(const std::vector<std::string>& texts) {
  begin_array();
  for (const auto& t : texts) value(t);
  return end_array();
}

}  // namespace tc

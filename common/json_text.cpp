#include "common/json_text.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include "common/encoding.h"

namespace tc {

namespace {

// Of the eight bytes at `p`, the control characters, quotes and backslashes (`ascii`: and bytes of
// 0x80 or above), each marked by its high bit (the first byte lowest). Word-at-a-time: a zero byte
// of w ^ c is a byte equal to c; a byte below 0x20 borrows when 0x20 is taken from it. A borrow only
// marks bytes after a marked one, so the lowest mark is exact; a later one may mark a plain byte.
template <bool ascii>
std::uint64_t special_marks8(const char* p) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);  // the first byte lowest
  const std::uint64_t low = ~w & highs;  // the high bit of each byte below 0x80
  const auto zero_byte = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const std::uint64_t control = (w - 0x20 * ones) & low;
  return control | zero_byte(w ^ ('"' * ones)) | zero_byte(w ^ ('\\' * ones)) | (ascii ? w & highs : 0);
}

// Of the eight bytes at `p`, where the first special one is (as special_marks8), 8 when none is.
template <bool ascii>
std::size_t first_special8(const char* p) {
  return static_cast<std::size_t>(std::countr_zero(special_marks8<ascii>(p))) / 8;  // 64 / 8 when none is marked
}

// What dump() writes for each byte that it escapes (empty: the byte as it is).
constexpr auto kEscapes = [] {
  std::array<std::array<char, 7>, 256> e{};  // the escape, NUL-terminated
  constexpr char hex[] = "0123456789abcdef";
  for (int c = 0; c < 0x20; ++c) e[c] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf], 0};
  e['\b'] = {'\\', 'b'};
  e['\f'] = {'\\', 'f'};
  e['\n'] = {'\\', 'n'};
  e['\r'] = {'\\', 'r'};
  e['\t'] = {'\\', 't'};
  e['"'] = {'\\', '"'};
  e['\\'] = {'\\', '\\'};
  return e;
}();
constexpr auto kEscapeLength = [] {
  std::array<std::uint8_t, 256> n{};
  for (int c = 0; c < 256; ++c)
    while (kEscapes[c][n[c]] != 0) ++n[c];
  return n;
}();

// What a string's escapes add to its length; nullopt when it is not UTF-8. Eight bytes at a time,
// the last few read padded with plain ones; each marked byte looked up (a plain one adds nothing).
std::optional<std::size_t> escaped_extra(std::string_view s) {
  std::size_t longer = 0;
  bool high = false;  // a byte of 0x80 or above: UTF-8 to check
  const auto add_marked = [&](const char* p, std::uint64_t marks) {
    for (; marks != 0; marks &= marks - 1) {
      const auto c = static_cast<unsigned char>(p[std::countr_zero(marks) / 8]);
      high |= c >= 0x80;
      longer += kEscapeLength[c] == 0 ? 0 : kEscapeLength[c] - 1u;
    }
  };
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) add_marked(s.data() + i, special_marks8<true>(s.data() + i));
  if (i < s.size()) {
    char tail[8] = {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'};
    std::memcpy(tail, s.data() + i, s.size() - i);
    add_marked(tail, special_marks8<true>(tail));
  }
  if (high && !is_utf8(s)) return std::nullopt;
  return longer;
}

// Writes `s` quoted and escaped at `p` (its escapes adding `longer` bytes); the end.
char* put_string(char* p, std::string_view s, std::size_t longer) {
  *p++ = '"';
  if (longer == 0) {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());  // an empty view may hold no pointer
    p += s.size();
  } else {
    for (std::size_t i = 0; i < s.size();) {
      if (i + 8 <= s.size()) {
        // The word goes out whole (the rest of `s` still to come has room for it), and the output
        // moves on by its plain bytes only.
        const std::size_t plain = first_special8<false>(s.data() + i);
        std::memcpy(p, s.data() + i, 8);
        p += plain;
        i += plain;
        if (plain == 8) continue;
      }
      const auto c = static_cast<unsigned char>(s[i++]);
      if (const std::uint8_t n = kEscapeLength[c]; n == 2) {
        p[0] = kEscapes[c][0];
        p[1] = kEscapes[c][1];
        p += 2;
      } else if (n != 0) {
        std::memcpy(p, kEscapes[c].data(), 6);
        p += 6;
      } else {
        *p++ = static_cast<char>(c);
      }
    }
  }
  *p++ = '"';
  return p;
}

}  // namespace

void JsonWriter::newline(std::size_t depth) {
  if (indent_ < 0) return;
  out_ += '\n';
  out_.append(depth * static_cast<std::size_t>(indent_), ' ');
}

std::size_t JsonWriter::separator_size() const {
  if (after_key_ || empty_.empty()) return 0;  // after a key, or the top-level value
  return (empty_.back() ? 0 : 1) + (indent_ < 0 ? 0 : 1 + empty_.size() * static_cast<std::size_t>(indent_));
}

char* JsonWriter::put_separator(char* p) {
  if (after_key_) {
    after_key_ = false;
    return p;
  }
  if (empty_.empty()) return p;
  if (!empty_.back()) *p++ = ',';
  empty_.back() = false;
  if (indent_ < 0) return p;
  *p++ = '\n';
  const std::size_t n = empty_.size() * static_cast<std::size_t>(indent_);
  std::memset(p, ' ', n);
  return p + n;
}

void JsonWriter::before_value() {
  const std::size_t at = out_.size();
  out_.resize(at + separator_size());
  put_separator(out_.data() + at);
}

// The separator, the string and `after` in one piece of the output. Text that is not UTF-8 goes
// through dump() itself, so its replacement characters are the ones every other writer gives.
void JsonWriter::put(std::string_view text, std::string_view after) {
  const std::optional<std::size_t> longer = escaped_extra(text);
  if (!longer) {
    before_value();
    out_ += json_text(nlohmann::json(std::string(text)));
    out_ += after;
    return;
  }
  const std::size_t at = out_.size();
  out_.resize(at + separator_size() + text.size() + *longer + 2 + after.size());
  char* p = put_string(put_separator(out_.data() + at), text, *longer);
  if (!after.empty()) std::memcpy(p, after.data(), after.size());
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
  put(name, indent_ < 0 ? ":" : ": ");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  put(text, "");
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(double d) { return value(nlohmann::json(d)); }

JsonWriter& JsonWriter::value(const nlohmann::json& v) {
  put_value(v, std::string::npos);
  return *this;
}

// Containers are written member by member, so a caller that wants only the start of the text stops
// once it has `stop` bytes; floats (and binary values) go through dump(), other scalars directly.
bool JsonWriter::put_value(const nlohmann::json& v, std::size_t stop) {
  using Type = nlohmann::json::value_t;
  switch (v.type()) {
    case Type::string: value(v.get_ref<const std::string&>()); break;
    case Type::boolean: value(v.get<bool>()); break;
    case Type::number_integer: value(v.get<std::int64_t>()); break;
    case Type::number_unsigned: value(v.get<std::uint64_t>()); break;
    case Type::null:
      before_value();
      out_ += "null";
      break;
    case Type::object:
      begin_object();
      for (auto it = v.begin(); it != v.end(); ++it) {
        key(it.key());
        if (!put_value(*it, stop)) return false;
      }
      end_object();
      break;
    case Type::array:
      begin_array();
      for (const auto& item : v)
        if (!put_value(item, stop)) return false;
      end_array();
      break;
    default:
      before_value();
      out_ += json_text(v);
  }
  return out_.size() <= stop;
}

std::string json_text_head(const nlohmann::json& v, std::size_t n) {
  std::string out;
  // A container is written member by member: room for the head kept, taken once.
  if (v.is_structured()) out.reserve(std::min<std::size_t>(n, 1024) + 16);
  JsonWriter(out).put_value(v, n);
  return out;
}

JsonWriter& JsonWriter::value(const std::vector<std::string>& texts) {
  begin_array();
  for (const auto& t : texts) value(t);
  return end_array();
}

}  // namespace tc

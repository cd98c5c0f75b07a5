#include "common/yaml_scalar.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>

namespace tc {
namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (s == w) return true;
  return false;
}

bool all_digits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = base == 8    ? (c >= '0' && c <= '7')
                    : base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                                 : (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

ScalarValue out_of_range(const std::string& text, const char* limit = "a number must fit a 64-bit float: about 1e-308 to 1e308") {
  std::string shown = text.size() > 40 ? text.substr(0, 37) + "..." : text;
  return {nullptr, "number '" + shown + "' is out of range (" + limit + ")"};
}

// A float the text spells; an error when no double holds it (overflow, or a non-zero value that
// underflows to zero or loses its precision as a subnormal).
ScalarValue to_double(const std::string& text) {
  std::string_view s = text;
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double d = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size()) return out_of_range(text);
  return {d, {}};
}

ScalarValue to_integer(const std::string& text, std::string_view digits, int base, bool negative) {
  std::uint64_t magnitude = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec == std::errc() && end == digits.data() + digits.size()) {
    constexpr std::uint64_t max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!negative && magnitude <= max) return {static_cast<std::int64_t>(magnitude), {}};
    if (negative && magnitude <= max + 1) return {static_cast<std::int64_t>(0 - magnitude), {}};
  }
  // Too large for 64 bits: a decimal keeps its magnitude as a float, when a float can hold it.
  if (base == 10) return to_double(text);
  return out_of_range(text, "an octal or hexadecimal integer must fit 64 bits");
}

}  // namespace

ScalarValue plain_scalar(const std::string& text) {
  const std::string_view s = text;
  // Most scalars are words: only these first characters can start a non-string plain scalar.
  if (!s.empty() && std::string_view("-+.0123456789nNtTfF~").find(s[0]) == std::string_view::npos) return {text, {}};
  if (one_of(s, {"", "~", "null", "Null", "NULL"})) return {nullptr, {}};
  if (one_of(s, {"true", "True", "TRUE"})) return {true, {}};
  if (one_of(s, {"false", "False", "FALSE"})) return {false, {}};
  const bool negative = !s.empty() && s[0] == '-';
  const std::string_view unsigned_part = !s.empty() && (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
  if (all_digits(unsigned_part, 10)) return to_integer(text, unsigned_part, 10, negative);
  if (s.size() > 2 && s.substr(0, 2) == "0o" && all_digits(s.substr(2), 8)) return to_integer(text, s.substr(2), 8, false);
  if (s.size() > 2 && s.substr(0, 2) == "0x" && all_digits(s.substr(2), 16)) return to_integer(text, s.substr(2), 16, false);
  if (is_float(s)) return to_double(text);
  if (one_of(unsigned_part, {".inf", ".Inf", ".INF"}))
    return {negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity(), {}};
  if (one_of(s, {".nan", ".NaN", ".NAN"})) return {std::numeric_limits<double>::quiet_NaN(), {}};
  return {text, {}};
}

}  // namespace tc

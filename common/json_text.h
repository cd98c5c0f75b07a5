// A JSON value as text, for messages, reports and templates. Strings taken from outside (headers,
// variables, files) may hold bytes that are not UTF-8; nlohmann's dump() throws on those, so every
// place that turns a value into text goes through here and gets U+FFFD for such bytes instead.
#pragma once
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tc {

// The value's JSON text (`indent` as dump's: -1 for one line).
inline std::string json_text(const nlohmann::json& v, int indent = -1) {
  return v.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A string's own text; any other value's JSON text.
inline std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : json_text(v); }

// The start of json_text(v): at least its first `n` bytes (all of it when shorter); a long value's
// rest is not written.
std::string json_text_head(const nlohmann::json& v, std::size_t n);

// JSON text appended to `out` as it is produced, for a report too large to build as a value first
// (a run's record, an Allure result): the same text json_text writes for the same value, with keys
// in the order written. The caller keeps the structure well formed (a key before each value in an
// object, every container closed).
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out, int indent = -1) : out_(out), indent_(indent) {}
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b);
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  JsonWriter& value(T n) {
    before_value();
    out_ += std::to_string(n);
    return *this;
  }
  JsonWriter& value(double d);
  JsonWriter& value(const nlohmann::json& v);  // a whole value, member by member
  // A list of strings.
  JsonWriter& value(const std::vector<std::string>& texts);
  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void before_value();
  // What goes before the next value (a comma, a new line and its indentation), its length and
  // written at `p` (the end returned); separator_size() then put_separator() let one resize of the
  // output take a separator and the value after it.
  std::size_t separator_size() const;
  char* put_separator(char* p);
  void put(std::string_view text, std::string_view after);  // a separator, `text` quoted, `after`
  void newline(std::size_t depth);
  // Writes `v`, stopping once the output is longer than `stop` bytes; whether it wrote all of it.
  bool put_value(const nlohmann::json& v, std::size_t stop);
  friend std::string json_text_head(const nlohmann::json& v, std::size_t n);

  std::string& out_;
  int indent_;
  std::vector<unsigned char> empty_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace tc

// HTTP header lists: order and repeats kept as received, names compared case-insensitively.
// Used by the HTTP client, the stubs' server and the runner's expectations alike.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tc {

// ASCII letter case only, whatever the locale (field names, schemes and tokens are ASCII).
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
std::string trim(std::string_view s);
// The elements of a list-valued field (RFC 9110 §5.6.1): split on commas, optional whitespace
// trimmed, empty elements kept. "a, b,c" -> {"a", "b", "c"}; "" -> {""}.
std::vector<std::string> split_comma_list(std::string_view value);

class Headers {
 public:
  using Entry = std::pair<std::string, std::string>;
  void add(std::string name, std::string value);
  void set(const std::string& name, std::string value);      // removes every other value of the name
  void remove(std::string_view name);                        // every value, any letter case
  std::optional<std::string> get(std::string_view name) const;  // the first value
  std::vector<std::string> all(std::string_view name) const;    // every value, in order
  // Every value joined with ", " as RFC 9110 §5.3 combines repeated list fields; none when absent.
  std::optional<std::string> combined(std::string_view name) const;
  bool has(std::string_view name) const;
  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace tc

// Small text helpers shared by messages and reports.
#pragma once
#include <string>
#include <set>
#include <string_view>
#include <vector>

namespace tc {

// The items with `separator` between them: join({"a", "b"}, ", ") == "a, b".
std::string join(const std::vector<std::string>& items, std::string_view separator);
inline std::string join(const std::set<std::string>& items, std::string_view separator) {
  return join(std::vector<std::string>(items.begin(), items.end()), separator);
}

// `text` cut to at most `max` bytes between UTF-8 characters, with `mark` after it when cut.
std::string shortened(const std::string& text, std::size_t max, std::string_view mark = "\xE2\x80\xA6");

}  // namespace tc

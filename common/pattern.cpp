#include "common/pattern.h"

#include <mutex>
#include <unordered_map>

namespace tc {

namespace {
// Patterns a template makes can differ on every evaluation ("…state={{state}}"): past this many the
// cache starts over rather than grow for the whole run.
constexpr std::size_t kMaxCached = 4096;
}  // namespace

Result<std::shared_ptr<const std::regex>> compiled_regex(const std::string& text) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const std::regex>> compiled;
  {
    std::lock_guard lock(mu);
    if (auto it = compiled.find(text); it != compiled.end()) return it->second;
  }
  std::shared_ptr<const std::regex> re;
  try {
    re = std::make_shared<const std::regex>(text, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return input_error({}, std::string("invalid regular expression: ") + e.what());
  }
  std::lock_guard lock(mu);
  if (compiled.size() >= kMaxCached) compiled.clear();
  compiled.emplace(text, re);
  return re;
}

}  // namespace tc

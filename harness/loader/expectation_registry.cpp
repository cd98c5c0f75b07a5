#include "harness/loader/expectation_registry.h"

#include <map>
#include <mutex>

namespace tc {
namespace {

// Registration happens before loading (CLI start-up, test set-up); the lock only guards misuse.
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, ExpectationKind>& registry() {
  static std::map<std::string, ExpectationKind> kinds;
  return kinds;
}

}  // namespace

void register_expectation_kind(ExpectationKind kind) {
  std::lock_guard lock(registry_mutex());
  std::string name = kind.name;
  registry()[name] = std::move(kind);
}

const ExpectationKind* find_expectation_kind(const std::string& name) {
  std::lock_guard lock(registry_mutex());
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<std::string> expectation_kind_names() {
  std::lock_guard lock(registry_mutex());
  std::vector<std::string> out;
  for (const auto& [name, kind] : registry()) out.push_back(name);
  return out;
}

}  // namespace tc

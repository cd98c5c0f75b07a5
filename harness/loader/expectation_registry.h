// Expectation kinds, as the loader knows them: a name (the key under a step's `expect:`) and a
// validator that checks a spec strictly at load time. The runner registers, under the same name, how
// each kind is evaluated (harness/runner/expectation.h); a new kind plugs in at both places and
// touches neither the loader's nor the runner's loop.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "common/strict.h"

namespace tc {

struct ExpectationKind {
  std::string name;
  // Reads `spec` (the node at `pointer` in the reader's document) strictly: a mistake is thrown
  // through the reader (common/strict.h), naming file, line and pointer.
  std::function<void(const json& spec, const StrictReader& r, const std::string& pointer)> read;
  // The same, with the mistake as a value.
  Result<Unit> validate(const json& spec, const Document& doc, const std::string& pointer) const {
    return read_strictly([&] { read(spec, StrictReader(doc), pointer); });
  }
};

// Registration is explicit (register_builtin_expectations() in the runner), not static, so that
// nothing depends on static-library initialisation order. Re-registering a name replaces it.
void register_expectation_kind(ExpectationKind kind);
const ExpectationKind* find_expectation_kind(const std::string& name);
std::vector<std::string> expectation_kind_names();

}  // namespace tc

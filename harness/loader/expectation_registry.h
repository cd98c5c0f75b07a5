// Expectation kinds, as the loader knows them: a name (the key under a step's `expect:`) and a
// validator that checks a spec strictly at load time. The runner registers, under the same name, how
// each kind is evaluated (harness/runner/expectation.h); a new kind plugs in at both places and
// touches neither the loader's nor the runner's loop.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "common/document.h"

namespace tc {

struct ExpectationKind {
  std::string name;
  // Checks `spec` (the node at `pointer` in `doc`); an input error names file, line and pointer.
  std::function<Result<Unit>(const json& spec, const Document& doc, const std::string& pointer)> validate;
};

// Registration is explicit (register_builtin_expectations() in the runner), not static, so that
// nothing depends on static-library initialisation order. Re-registering a name replaces it.
void register_expectation_kind(ExpectationKind kind);
const ExpectationKind* find_expectation_kind(const std::string& name);
std::vector<std::string> expectation_kind_names();

}  // namespace tc

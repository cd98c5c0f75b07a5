// Bindings files (docs/topology.md, "Running against staging"): the names the pack uses, {{fx.…}},
// bound to an environment's own principals, tenants, items and routes. Read once, strictly, when the
// topology is loaded, so `run`, `lint` and `doctor` judge one file alike: the sections the harness
// and the pack read have a fixed shape (a misspelt key there is an unknown key, a wrong type a wrong
// type, each with file:line and pointer); other top-level sections are a platform's own names,
// checked against the scenarios that use them (lint). Strings may be {{env.NAME}} templates, rendered
// when the environment starts.
#pragma once
#include <string>

#include "common/document.h"

namespace tc::cli {

Result<Document> load_bindings(const std::string& path);

}  // namespace tc::cli

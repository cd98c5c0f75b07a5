// The static check of template variables: walks a scenario in run order with the set of names
// defined at each point, and rejects a template that uses an undefined name, a contract path the
// profile lacks, or (when asked) an unset environment variable. Run order and scopes:
//   file vars       see the built-ins and endpoints
//   scenario vars   see those, file vars and matrix keys
//   step vars       see those, scenario vars and the captures of earlier steps
//   request, capture, expect   see all of the above and the step's own vars
// A vars value may use its siblings of the same block (the runner renders a block in dependency
// order), but not in a cycle: "variables use each other: a -> b -> a".
#pragma once
#include <set>
#include <string>

#include "harness/loader/steps.h"

namespace tc::loader {

// Names always defined: run_id, correlation_id, env, contract, endpoints.
const std::set<std::string>& builtin_variables();

struct VariableRules {
  const json* contract = nullptr;       // the profile's values; nullptr: contract.* not checked
  std::set<std::string> endpoints;      // empty: any otherwise-undefined name is taken as an endpoint
  bool check_env = false;               // env.NAME must be set in this process
  std::set<std::string> builtins;       // further names defined everywhere (the runner's root scope)
};

// Throws Rejected. `file_vars` are the file-level vars; `cache` holds every document the scenario
// came from (for the lines of pointers inside included step files).
void check_variables(const Scenario& s, const json& file_vars, const Loc& file_vars_loc, const VariableRules& rules,
                     const DocumentCache& cache);

}  // namespace tc::loader

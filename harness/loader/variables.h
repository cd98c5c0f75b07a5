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

// Identifiers name variables, captures, params and matrix keys: [A-Za-z_][A-Za-z0-9_]*, and none
// may hide a built-in variable. `what` names the thing in the message ("capture name").
bool is_identifier(const std::string& name);
void check_identifier(const StrictReader& r, const std::string& name, const std::string& pointer,
                      const std::string& what);
// A `vars:` map (file, scenario or step level): every name an identifier. Returns the map.
json read_vars(const StrictReader& r, const json& node, const std::string& pointer);

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

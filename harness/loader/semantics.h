// What a run would fail on that the file's structure does not show, proven before anything starts
// (`tenantcheck lint`, and `run` before it starts the environment). Each check reads the loaded
// model; every finding is an input error at its file, line and JSON pointer, and all of them are
// returned, not only the first:
//   {{fx.…}} paths        exist in the bindings (a typo'd bound name is not a contract violation)
//   audit components      are components of the topology (for a scenario the topology will run)
//   requires:             names a known capability (a known one the topology lacks skips the scenario)
//   request methods       are HTTP methods (upper case), unless templates
//   requirements:         are clause ids of the contract document
//   a step                checks something, unless its file says `expect: {}` (nothing, on purpose)
//   step file params      are each used by the file's steps
#pragma once
#include <set>
#include <string>
#include <vector>

#include "harness/model/scenario.h"

namespace tc {

struct SemanticRules {
  const json* bindings = nullptr;                  // the bindings' names; nullptr: {{fx.…}} unchecked
  std::string bindings_file;                       // for messages
  const std::set<std::string>* components = nullptr;  // the topology's; nullptr: unchecked
  const std::set<std::string>* offered = nullptr;     // the topology's capabilities; nullptr: all
  std::vector<std::string> clause_ids;             // the contract's; empty: unchecked
};

// Capabilities a topology may offer and a scenario may require (docs/topology.md).
const std::set<std::string>& known_capabilities();

// Every finding in `scenario`, in file order.
std::vector<Error> check_semantics(const Scenario& scenario, const SemanticRules& rules);

}  // namespace tc

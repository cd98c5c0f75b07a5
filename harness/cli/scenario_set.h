// The scenarios a command works on: every file under the given paths loaded and checked (all files
// before anything starts), then expanded into GoogleTest cases named relative to those paths.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "harness/env/topology.h"
#include "harness/model/scenario.h"

namespace tc::cli {

struct ScenarioSet {
  std::vector<Scenario> scenarios;
  std::vector<ScenarioCase> cases;      // point into `scenarios`
  int files = 0;                        // scenario files found
  std::vector<Error> errors;            // every file's first error, then naming collisions

  ScenarioSet() = default;
  ScenarioSet(ScenarioSet&&) = default;  // moving keeps `scenarios`' elements in place
  ScenarioSet(const ScenarioSet&) = delete;
};

// `contract` (the profile's values) and the topology's component names, bindings ({{fx.…}}) and
// capabilities let undefined variables be caught at load time; without a topology any component name
// is accepted. `check_env` requires env.NAME to be set.
ScenarioSet load_scenario_set(const std::vector<std::string>& paths, const json* contract,
                              const Topology* topology, bool check_env);

}  // namespace tc::cli

// The scenarios a command works on: every file under the given paths loaded and checked (all files
// before anything starts), then expanded into GoogleTest cases named relative to those paths.
#pragma once
#include <set>
#include <string>
#include <vector>

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

// `contract` (the profile's values) and `endpoints` (component names) let undefined variables be
// caught at load time; `check_env` requires env.NAME to be set.
ScenarioSet load_scenario_set(const std::vector<std::string>& paths, const json* contract,
                              const std::set<std::string>& endpoints, bool check_env);

}  // namespace tc::cli

// GoogleTest names of scenarios, safe in --gtest_filter patterns (no '-', ':', '.', '*', '?').
//   suite = the file's path relative to the root it was found under (the file or folder given on the
//           command line), without extension, mapped by filter_safe ("signin/pkce-flow.yaml" ->
//           "signin_pkce_flow"); a file given directly is its own root (its stem).
//   test  = filter_safe(scenario name); a matrix row appends "/" + filter_safe(its values joined by
//           "_", in the key order of the file's first row): "selection_by_user/bea_tenant_bravo".
// Two cases with the same suite and test name are an input error naming both scenarios.
#pragma once
#include <string>
#include <vector>

#include "harness/model/scenario.h"

namespace tc {

// Every character outside [A-Za-z0-9] becomes '_'; an empty name becomes "_".
std::string filter_safe(const std::string& text);

// The suite name of `file` for the given roots (files or folders, as on the command line).
std::string suite_name_for(const std::string& file, const std::vector<std::string>& roots);

// One case per scenario, or per matrix row. The cases point into `scenarios`: keep it alive.
Result<std::vector<ScenarioCase>> expand_cases(const std::vector<Scenario>& scenarios,
                                               const std::vector<std::string>& roots);

}  // namespace tc

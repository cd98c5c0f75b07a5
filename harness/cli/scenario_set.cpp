#include "harness/cli/scenario_set.h"

#include "harness/loader/naming.h"
#include "harness/loader/scenario_loader.h"

namespace tc::cli {

ScenarioSet load_scenario_set(const std::vector<std::string>& paths, const json* contract,
                              const Topology* topology, bool check_env) {
  LoadOptions options;
  options.contract = contract;
  options.check_env = check_env;
  if (topology) {
    for (const auto& c : topology->components) options.endpoints.insert(c.name);
    if (!topology->bindings.empty()) options.builtins.insert("fx");  // the bindings (RunContext)
    if (topology->capabilities.count("context-secret")) options.builtins.insert("context_secret");
    options.capabilities = &topology->capabilities;
  }
  LoadReport report = load_all_scenarios(paths, options);
  ScenarioSet set;
  set.scenarios = std::move(report.scenarios);
  set.files = report.scenario_files;
  set.errors = std::move(report.errors);
  if (!set.errors.empty()) return set;
  auto cases = expand_cases(set.scenarios, paths);
  if (!cases) set.errors.push_back(cases.error());
  else set.cases = std::move(*cases);
  return set;
}

}  // namespace tc::cli

// tenantcheck lint PATH…: load and check scenario files without running anything. Every file's
// error is printed ("error: file:line: /pointer: message"); exit 2 on any, else
// "N files, N scenarios OK" and exit 0. Contract paths are checked against the profile (--profile,
// else the topology's), endpoint names against the topology's components (--env, else
// compose/local.yaml when it exists).
#include <filesystem>
#include <iostream>
#include <optional>
#include <memory>

#include "common/profile.h"
#include "harness/cli/commands.h"
#include "harness/cli/project_paths.h"
#include "harness/cli/run_variables.h"
#include "harness/cli/scenario_set.h"
#include "harness/env/topology.h"
#include "harness/runner/expectation.h"

namespace tc::cli {

namespace {
struct LintOptions {
  std::vector<std::string> paths;
  std::string env_file, profile_file;
  RunVariables variables;  // their names are defined; their values are not needed
};

int lint(const LintOptions& o) {
  register_builtin_expectations();
  std::optional<Topology> topology;
  std::string profile_path = o.profile_file;
  const std::string env_file = path_or_default(o.env_file, "compose/local.yaml");
  std::error_code ec;
  if (!o.env_file.empty() || std::filesystem::exists(env_file, ec)) {
    auto loaded = load_topology(env_file);
    if (!loaded) {
      std::cerr << "error: " << loaded.error().to_string() << "\n";
      return 2;
    }
    topology = std::move(*loaded);
    if (profile_path.empty()) profile_path = topology->profile;
  }
  if (profile_path.empty()) profile_path = path_or_default("", "fixtures/contracts/reference.yaml");
  auto profile = ContractProfile::load(profile_path);
  if (!profile) {
    std::cerr << "error: " << profile.error().to_string() << "\n";
    return 2;
  }
  auto variables = o.variables.resolve(taken_variable_names(topology ? &*topology : nullptr));
  if (!variables) return print_error(variables.error());
  std::set<std::string> variable_names;
  for (const auto& [name, value] : variables->items()) variable_names.insert(name);
  auto set = load_scenario_set(scenario_paths_or_default(o.paths), &profile->values(), topology ? &*topology : nullptr,
                               false, variable_names);
  for (const auto& e : set.errors) std::cerr << "error: " << e.to_string() << "\n";
  if (!set.errors.empty()) return 2;
  std::cout << set.files << " files, " << set.scenarios.size() << " scenarios OK\n";
  return 0;
}
}  // namespace

CommandAction add_lint_command(CLI::App& app) {
  auto options = std::make_shared<LintOptions>();
  CLI::App* sub = app.add_subcommand("lint", "Load and check scenario files; run nothing");
  sub->add_option("paths", options->paths, "Scenario files or folders (default: scenarios/ of the project)");
  sub->add_option("--env", options->env_file, "Topology whose component names templates may use (default: compose/local.yaml)");
  sub->add_option("--profile", options->profile_file, "Contract profile for contract.* paths (default: the topology's)");
  options->variables.add_options(sub);
  return {sub, [options] { return lint(*options); }};
}

}  // namespace tc::cli

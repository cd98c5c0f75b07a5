// tenantcheck lint PATH…: load and check scenario files without running anything. Every file's
// error is printed ("error: file:line: /pointer: message"); exit 2 on any, else
// "N files, N scenarios OK" and exit 0. Contract paths are checked against the profile (--profile,
// else the topology's), endpoint names against the topology's components (--env, else
// compose/local.yaml when it exists).
#include <iostream>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/cli/project_paths.h"
#include "harness/cli/run_variables.h"
#include "harness/cli/scenario_set.h"
#include "harness/cli/setup.h"
#include "harness/runner/expectation.h"

namespace tc::cli {

namespace {
struct LintOptions {
  PackOptions pack;         // PATHs, --include-root
  SetupOptions setup;       // --env, --profile
  RunVariables variables;   // their names are defined; their values are not needed
};

int lint(const LintOptions& o) {
  register_builtin_expectations();
  auto setup = load_setup(o.setup, SetupUse::check_files);
  if (!setup) return print_error(setup.error());
  const Topology* topology = setup->topology ? &*setup->topology : nullptr;
  auto variables = o.variables.resolve(taken_variable_names(topology));
  if (!variables) return print_error(variables.error());
  std::set<std::string> variable_names;
  for (const auto& [name, value] : variables->items()) variable_names.insert(name);
  auto set = load_scenario_set(o.pack, &setup->profile.values(), topology,
                               setup->bindings_file, false, variable_names);
  for (const auto& e : set.errors) print_error(e);
  if (!set.errors.empty()) return kExitInput;
  std::cout << set.files << " files, " << set.scenarios.size() << " scenarios OK\n";
  return kExitPassed;
}
}  // namespace

CommandAction add_lint_command(CLI::App& app) {
  auto options = std::make_shared<LintOptions>();
  CLI::App* sub = app.add_subcommand("lint", "Load and check scenario files; run nothing");
  add_pack_options(sub, options->pack);
  add_setup_options(sub, options->setup, false);
  options->variables.add_options(sub);
  return {sub, [options] { return lint(*options); }};
}

}  // namespace tc::cli

// The scenarios a command works on: every file under the given paths loaded and checked (all files
// before anything starts), then expanded into GoogleTest cases named relative to the pack root.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/env/topology.h"
#include "harness/model/scenario.h"

namespace tc::cli {

// The scenarios a command is given: PATHs (default: scenarios/ of the project) and the folders an
// include may reach besides the pack's own (--include-root; docs/scenario-format.md, Includes).
struct PackOptions {
  std::vector<std::string> paths;
  std::vector<std::string> include_roots;
  // The same pack as flags and arguments of a child `tenantcheck run`.
  std::vector<std::string> as_args() const;
};

// Adds the PATH arguments and --include-root to `sub`, bound to `o`.
void add_pack_options(CLI::App* sub, PackOptions& o);

struct ScenarioSet {
  std::vector<Scenario> scenarios;
  std::vector<ScenarioCase> cases;      // point into `scenarios`
  int files = 0;                        // scenario files found
  std::vector<Error> errors;            // every file's first structural error and every semantic one
                                        // (harness/loader/semantics.h), by file; then naming collisions

  ScenarioSet() = default;
  ScenarioSet(ScenarioSet&&) = default;  // moving keeps `scenarios`' elements in place
  ScenarioSet(const ScenarioSet&) = delete;
};

// `contract` (the profile's values) and the topology's component names, bindings ({{fx.…}}) and
// capabilities let undefined variables be caught at load time; without a topology any component name
// is accepted. `check_env` requires env.NAME to be set.
// The roots case names are relative to (harness/loader/naming.h), one per path: the project's
// scenarios/ folder for a path inside it — `run scenarios` and `run scenarios/signin/x.yaml` name a
// case alike — else the path itself.
std::vector<std::string> naming_roots(const std::vector<std::string>& paths);

// `variables` are further names every scenario may use (--var, --vars, --secret).
// `bindings_file` is the topology's, as the set-up read it (none without one).
ScenarioSet load_scenario_set(const PackOptions& pack, const json* contract, const Topology* topology,
                              const std::optional<Document>& bindings_file, bool check_env,
                              const std::set<std::string>& variables = {});

// Names a command-line variable may not take: the built-ins and the topology's component names.
std::set<std::string> taken_variable_names(const Topology* topology);

}  // namespace tc::cli

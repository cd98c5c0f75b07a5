// Loading scenario files into the model (docs/scenario-format.md). Strict: unknown keys, wrong types,
// missing keys, duplicate names, undefined template variables, bad includes and unknown expectation
// kinds are input errors naming file, line and JSON pointer. Every file is checked before returning.
//
// Discovery: each path is a file or a folder (searched recursively for *.yaml, *.yml, *.json, in
// sorted order). A file whose top level has `scenarios` is a scenario file; one with `steps` and no
// `scenarios` is a step file (only loaded through includes); one with `$schema` and neither is
// skipped (the JSON Schema itself); anything else is an error.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "common/document.h"
#include "harness/model/scenario.h"

namespace tc {

struct LoadOptions {
  const json* contract = nullptr;       // the profile's values: contract.* paths must exist (nullptr: unchecked)
  std::set<std::string> endpoints{};    // component names; empty: any otherwise-undefined name is accepted
  bool check_env = false;               // env.NAME must be set in this process
  std::set<std::string> builtins{};     // further variables the runner defines in its root scope
  // The capabilities the topology offers. A scenario that needs one it lacks is skipped at run time,
  // so the components it names need not exist (staging has no backend components to call directly).
  // nullptr: every scenario is checked against `endpoints`.
  const std::set<std::string>* capabilities = nullptr;
  // Folders an include may reach besides the roots of the paths loaded (a folder given, or the folder
  // of a file given): the pack's own folder, --include-root.
  std::vector<std::string> include_roots{};
};

struct LoadReport {
  std::vector<Scenario> scenarios;      // from the files that loaded without error, in discovery order
  int scenario_files = 0;               // scenario files found (loaded or not)
  std::vector<Error> errors;            // the first error of each scenario (or of a file's top level)
};

// Every error of every file (one per scenario), for `tenantcheck lint`.
LoadReport load_all_scenarios(const std::vector<std::string>& paths, const LoadOptions& options);

// The scenarios, or the first error (after checking all files).
Result<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths, const LoadOptions& options);

}  // namespace tc

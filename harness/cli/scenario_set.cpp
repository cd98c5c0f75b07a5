#include "harness/cli/scenario_set.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "harness/cli/project_paths.h"
#include "harness/loader/naming.h"
#include "harness/loader/scenario_loader.h"
#include "harness/loader/semantics.h"
#include "harness/loader/variables.h"

namespace tc::cli {

std::vector<std::string> naming_roots(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path pack = fs::absolute(fs::path(project_home()) / "scenarios", ec).lexically_normal();
  std::vector<std::string> roots;
  for (const auto& p : paths) {
    const fs::path rel = fs::absolute(p, ec).lexically_normal().lexically_relative(pack);
    roots.push_back(!rel.empty() && *rel.begin() != ".." ? pack.string() : p);
  }
  return roots;
}

std::set<std::string> taken_variable_names(const Topology* topology) {
  std::set<std::string> taken = loader::builtin_variables();
  taken.insert({"fx", "context_secret"});
  if (topology)
    for (const auto& c : topology->components) taken.insert(c.name);
  return taken;
}

ScenarioSet load_scenario_set(const std::vector<std::string>& paths, const json* contract,
                              const Topology* topology, bool check_env, const std::set<std::string>& variables) {
  LoadOptions options;
  options.contract = contract;
  options.check_env = check_env;
  options.builtins = variables;
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

  // What a run would fail on, proven now: every finding of every scenario.
  SemanticRules rules;
  std::optional<Document> bindings;
  std::set<std::string> components;
  if (topology) {
    if (!topology->bindings.empty())
      if (auto doc = load_document(topology->bindings)) bindings = std::move(*doc);  // its errors come at start
    for (const auto& c : topology->components) components.insert(c.name);
    rules.components = &components;
    rules.offered = &topology->capabilities;
  }
  if (bindings) {
    rules.bindings = &bindings->value;
    rules.bindings_file = bindings->file;
  }
  for (const auto& clause : project_contract_clauses()) rules.clause_ids.push_back(clause.id);
  for (const auto& s : set.scenarios)
    for (auto& e : check_semantics(s, rules)) set.errors.push_back(std::move(e));
  std::stable_sort(set.errors.begin(), set.errors.end(),
                   [](const Error& a, const Error& b) { return a.where.file < b.where.file; });
  if (!set.errors.empty()) return set;
  auto cases = expand_cases(set.scenarios, naming_roots(paths));
  if (!cases) set.errors.push_back(cases.error());
  else set.cases = std::move(*cases);
  return set;
}

}  // namespace tc::cli

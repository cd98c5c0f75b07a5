#include "harness/cli/scenario_set.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>

#include "common/json_match.h"
#include "common/profile.h"
#include "harness/cli/project_paths.h"
#include "harness/loader/naming.h"
#include "harness/loader/scenario_loader.h"
#include "harness/loader/semantics.h"
#include "harness/loader/variables.h"
#include "harness/template/template.h"

namespace tc::cli {

std::vector<std::string> PackOptions::as_args() const {
  std::vector<std::string> args;
  for (const auto& root : include_roots) args.insert(args.end(), {"--include-root", root});
  args.insert(args.end(), paths.begin(), paths.end());
  return args;
}

void add_pack_options(CLI::App* sub, PackOptions& o) {
  sub->add_option("paths", o.paths, "Scenario files or folders (default: the topology's pack, else scenarios/ of the project)");
  sub->add_option("--include-root", o.include_roots,
                  "A folder includes may reach besides the pack's own (repeatable)")
      ->check(CLI::ExistingDirectory);
}

std::vector<std::string> naming_roots(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path pack = project_pack();
  std::vector<std::string> roots;
  for (const auto& p : paths) {
    const fs::path rel = fs::absolute(p, ec).lexically_normal().lexically_relative(pack);
    roots.push_back(!rel.empty() && *rel.begin() != ".." ? pack.string() : p);
  }
  return roots;
}

namespace {

// A `matrix: {each: "{{fx.PATH}}", as: NAME}` becomes one row per entry of that bound collection,
// {NAME: "{{fx.PATH.KEY}}"}, so each case is named by its entry's key (or index); likewise
// "{{contract.PATH}}" over the profile, where an empty list is the profile saying the platform has
// none (the scenario is then not applicable, not an error). `files` keeps each scenario file read
// here, so a file of many scenarios is parsed once.
std::optional<Error> expand_bound_matrix(Scenario& s, const json* bindings, const json* contract,
                                         std::map<std::string, json>& files) {
  if (s.matrix_keys.size() != 1) return std::nullopt;
  auto file = files.find(s.file);
  if (file == files.end()) {
    auto doc = load_document(s.file);
    file = files.emplace(s.file, doc ? std::move(doc->value) : json()).first;
  }
  const json* range = find_pointer(file->second, pointer_join(s.loc.pointer, "matrix"));
  if (!range || !range->is_object()) return std::nullopt;
  const Loc loc{s.file, s.loc.line, pointer_join(pointer_join(s.loc.pointer, "matrix"), "each")};
  auto paths = template_paths(range->value("each", std::string()), loc);
  if (!paths || paths->size() != 1) return std::nullopt;  // the loader checked its form
  const std::string& path = paths->front();
  const bool of_profile = path.rfind("contract.", 0) == 0;
  const json* source = of_profile ? contract : bindings;
  if (!source)
    return input_error(loc.where(), of_profile ? "a matrix over a list of the profile needs the profile"
                                               : "a matrix over a bound collection needs the topology's bindings");
  const std::string within = path.substr(path.find('.') + 1);
  const json* collection = find_pointer(*source, "/" + std::regex_replace(within, std::regex("\\."), "/"));
  if (of_profile && collection && collection->is_structured() && collection->empty()) {
    s.matrix.clear();
    s.not_applicable = "for platforms whose profile lists " + within + "; this one's lists none";
    return std::nullopt;
  }
  // The profile may write a one-entry list as its entry alone (`tenant_aliases: X-Tenant-Id`)
  // where it reads a string or a list; any other string is no collection.
  if (of_profile && collection && collection->is_string() && ContractProfile::reads_as_list(within)) {
    s.matrix = {json{{s.matrix_keys.front(), "{{" + path + "}}"}}};
    return std::nullopt;
  }
  if (!collection || !collection->is_structured() || collection->empty())
    return input_error(loc.where(), "'" + path + "' is no collection of the " + (of_profile ? "profile" : "bindings") +
                                        " (a map or a list with entries)");
  std::vector<json> rows;
  const std::string& as = s.matrix_keys.front();
  if (collection->is_object())
    for (const auto& [key, value] : collection->items()) rows.push_back({{as, "{{" + path + "." + key + "}}"}});
  else
    for (std::size_t i = 0; i < collection->size(); ++i) rows.push_back({{as, "{{" + path + "." + std::to_string(i) + "}}"}});
  s.matrix = std::move(rows);
  return std::nullopt;
}

}  // namespace

std::set<std::string> taken_variable_names(const Topology* topology) {
  std::set<std::string> taken = loader::builtin_variables();
  taken.insert({"fx", "context_secret"});
  if (topology)
    for (const auto& c : topology->components) taken.insert(c.name);
  return taken;
}

ScenarioSet load_scenario_set(const PackOptions& pack, const json* contract, const Topology* topology,
                              const std::optional<Document>& bindings, bool check_env,
                              const std::set<std::string>& variables) {
  const std::vector<std::string> paths = scenario_paths_to_load(pack.paths, topology);
  LoadOptions options;
  // Includes stay in the pack: the project's scenarios/ for a path inside it, and what the flag adds.
  options.include_roots = pack.include_roots;
  for (const auto& root : naming_roots(paths)) {
    std::error_code ec;
    if (std::filesystem::is_directory(root, ec)) options.include_roots.push_back(root);
  }
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
  std::set<std::string> components;
  if (topology) {
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
  if (set.errors.empty() && topology) {
    std::map<std::string, json> files;
    for (auto& s : set.scenarios)
      if (auto e = expand_bound_matrix(s, bindings ? &bindings->value : nullptr, contract, files))
        set.errors.push_back(std::move(*e));
  }
  std::stable_sort(set.errors.begin(), set.errors.end(),
                   [](const Error& a, const Error& b) { return a.where.file < b.where.file; });
  if (!set.errors.empty()) return set;
  auto cases = expand_cases(set.scenarios, naming_roots(paths));
  if (!cases) set.errors.push_back(cases.error());
  else set.cases = std::move(*cases);
  return set;
}

}  // namespace tc::cli

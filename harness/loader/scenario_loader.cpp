#include "harness/loader/scenario_loader.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "common/json_text.h"
#include "common/text.h"
#include "harness/loader/steps.h"
#include "harness/loader/variables.h"

namespace tc {
namespace {

// Whether the topology offers every capability `s` requires (always, when capabilities are unknown).
bool offered(const Scenario& s, const LoadOptions& options) {
  if (!options.capabilities) return true;
  for (const auto& cap : s.requires_caps)
    if (!options.capabilities->count(cap)) return false;
  return true;
}

namespace fs = std::filesystem;
using namespace tc::loader;

const std::vector<std::string> kFileKeys{"$schema", "description", "tags", "vars", "scenarios"};
const std::vector<std::string> kScenarioKeys{"name", "description", "tags", "requirements",
                                             "requires", "switches", "vars", "matrix", "steps"};

bool is_scenario_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Each switch a scenario is for must be one of the profile's (when the profile is known).
void check_switches(const StrictReader& r, const Scenario& s, const std::string& ptr, const json* contract) {
  if (!contract) return;
  const json* switches = contract->contains("switches") ? &(*contract)["switches"] : nullptr;
  for (const auto& [name, value] : s.switches)
    if (!switches || !switches->contains(name) || !(*switches)[name].is_boolean())
      r.fail(pointer_join(pointer_join(ptr, "switches"), name), "the profile has no switch '" + name + "' (switches." + name + ")");
}

// Files to look at, in order; a path that does not exist is an error of its own.
std::vector<std::string> discover(const std::vector<std::string>& paths, std::vector<Error>& errors) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file() && is_scenario_extension(it->path())) found.push_back(it->path().string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      errors.push_back(input_error(Where{path, 0, {}, {}, {}}, "no such file or folder"));
    }
  }
  return files;
}

void read_matrix(const StrictReader& r, const json& node, const std::string& ptr, Scenario& s) {
  r.array(node, ptr, true);
  std::vector<std::string> first;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string p = pointer_join(ptr, i);
    const json& row = node[i];
    if (!row.is_object() || row.empty()) r.fail(p, "a matrix row is a non-empty map, got " + describe_type(row));
    std::vector<std::string> keys;
    for (const auto& [k, v] : row.items()) {
      check_identifier(r, k, pointer_join(p, k), "matrix key");
      keys.push_back(k);
    }
    if (i == 0) first = keys;
    else if (keys != first)
      r.fail(p, "matrix row has keys (" + join(keys, ", ") + ") but the first row has (" + join(first, ", ") + ")");
    s.matrix.push_back(row);
  }
  // Case names join a row's values in the order the file wrote the first row's keys.
  s.matrix_keys = r.keys_in_order(pointer_join(ptr, 0));
}

// `matrix: {each: "{{fx.users}}", as: user}`: one row per entry of a bound collection, or of a list of
// the profile (`{{contract.headers.tenant_aliases}}`), expanded by the command that knows both
// (harness/cli/scenario_set.h); until then one row naming it all.
void read_matrix_range(const StrictReader& r, const json& node, const std::string& ptr, Scenario& s) {
  r.object(node, ptr, {"each", "as"}, {"each", "as"});
  const std::string& each = r.string(node["each"], pointer_join(ptr, "each"));
  const std::string& as = r.string(node["as"], pointer_join(ptr, "as"));
  static const std::regex bound(R"(^\{\{\s*(fx|contract)(\.[A-Za-z0-9_-]+)+\s*\}\}$)");
  if (!std::regex_match(each, bound))
    r.fail(pointer_join(ptr, "each"),
           "each names a bound collection or a list of the profile: \"{{fx.…}}\" or \"{{contract.…}}\", got " +
               json_text(node["each"]));
  check_identifier(r, as, pointer_join(ptr, "as"), "matrix key");
  s.matrix = {json{{as, node["each"]}}};
  s.matrix_keys = {as};
}

Scenario read_scenario(const StrictReader& r, const json& node, const std::string& ptr,
                       const std::vector<std::string>& file_tags, DocumentCache& cache,
                       const std::vector<std::string>& include_roots) {
  r.object(node, ptr, kScenarioKeys, {"name", "steps"});
  Scenario s;
  s.file = r.doc().file;
  s.loc = loc_of(r.doc(), ptr);
  s.name = r.string(node["name"], pointer_join(ptr, "name"));
  if (s.name.empty()) r.fail(pointer_join(ptr, "name"), "a scenario name is not empty");
  s.description = r.string_or(node, ptr, "description");
  s.tags = file_tags;
  for (auto& t : r.strings_or_empty(node, ptr, "tags"))
    if (std::find(s.tags.begin(), s.tags.end(), t) == s.tags.end()) s.tags.push_back(t);
  s.requirements = r.strings_or_empty(node, ptr, "requirements");
  s.requires_caps = r.strings_or_empty(node, ptr, "requires");
  if (node.contains("switches")) {
    const std::string sp = pointer_join(ptr, "switches");
    r.map(node["switches"], sp);
    if (node["switches"].empty()) r.fail(sp, "switches names at least one of the profile's switches");
    for (const auto& [name, value] : node["switches"].items()) s.switches[name] = r.boolean(value, pointer_join(sp, name));
  }
  if (node.contains("vars")) s.vars = read_vars(r, node["vars"], pointer_join(ptr, "vars"));
  if (node.contains("matrix") && node["matrix"].is_object()) read_matrix_range(r, node["matrix"], pointer_join(ptr, "matrix"), s);
  else if (node.contains("matrix")) read_matrix(r, node["matrix"], pointer_join(ptr, "matrix"), s);
  std::vector<std::string> stack{fs::weakly_canonical(r.doc().file).string()};
  s.steps = read_steps(r, node["steps"], pointer_join(ptr, "steps"), cache, stack, include_roots);
  for (auto& step : s.steps) step.ahead = rendered_ahead(step);  // the templates are final now
  for (std::size_t i = 0; i < s.steps.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (s.steps[i].name == s.steps[j].name)
        reject(input_error(s.steps[i].loc.where(), "duplicate step name '" + s.steps[i].name + "' (also at " +
                                                      s.steps[j].loc.file + ":" + std::to_string(s.steps[j].loc.line) +
                                                      ")"));
  return s;
}

// One scenario file; throws Rejected on an error of its top level, and adds the first error of
// each scenario to `errors` (the other scenarios are still read: every error of the file is shown).
// The file joins the documents its steps are read from (an include of its own steps) as it is.
std::vector<Scenario> read_scenario_file(Document&& file, const LoadOptions& options, std::vector<Error>& errors) {
  DocumentCache cache;
  const std::string key = fs::weakly_canonical(file.file).string();
  const Document& doc = cache.emplace(key, std::move(file)).first->second;
  const StrictReader r(doc);
  const json& top = doc.value;
  r.object(top, "", kFileKeys, {"scenarios"});
  if (top.contains("description")) r.string(top["description"], "/description");
  const std::vector<std::string> tags = r.strings_or_empty(top, "", "tags");
  const json file_vars = top.contains("vars") ? read_vars(r, top["vars"], "/vars") : json::object();
  r.array(top["scenarios"], "/scenarios", true);
  VariableRules rules{options.contract, options.endpoints, options.check_env, options.builtins};
  VariableRules skipped_rules = rules;
  skipped_rules.endpoints.clear();  // any component name: the scenario will not run here
  std::vector<Scenario> out;
  for (std::size_t i = 0; i < top["scenarios"].size(); ++i) {
    std::string p = pointer_join("/scenarios", i);
    auto read = read_strictly([&] {
      Scenario s = read_scenario(r, top["scenarios"][i], p, tags, cache, options.include_roots);
      for (const auto& prev : out)
        if (prev.name == s.name)
          r.fail(pointer_join(p, "name"),
                 "duplicate scenario name '" + s.name + "' (also at line " + std::to_string(prev.loc.line) + ")");
      check_variables(s, file_vars, loc_of(doc, "/vars"), offered(s, options) ? rules : skipped_rules, cache);
      check_switches(r, s, p, options.contract);
      return s;
    });
    if (!read) {
      errors.push_back(read.error());
      continue;
    }
    Scenario& s = *read;
    // The file's vars join each scenario's vars (a scenario var of the same name wins): the runner
    // renders one block, in dependency order.
    for (const auto& [k, v] : file_vars.items())
      if (!s.vars.contains(k)) s.vars[k] = v;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

LoadReport load_all_scenarios(const std::vector<std::string>& paths, const LoadOptions& given) {
  LoadReport report;
  LoadOptions options = given;
  for (const auto& path : paths) {
    std::error_code ec;
    const fs::path folder = fs::is_directory(path, ec) ? fs::path(path) : fs::path(path).parent_path();
    options.include_roots.push_back(folder.empty() ? "." : folder.string());
  }
  for (const auto& file : discover(paths, report.errors)) {
    auto doc = load_document(file);
    if (!doc) {
      ++report.scenario_files;
      report.errors.push_back(doc.error());
      continue;
    }
    const json& top = doc->value;
    bool scenario_file = top.is_object() && top.contains("scenarios");
    if (!scenario_file && top.is_object() && (top.contains("steps") || top.contains("$schema"))) continue;
    ++report.scenario_files;
    if (!scenario_file) {
      report.errors.push_back(input_error(doc->where(""), "neither a scenario file (no 'scenarios' key) nor a step "
                                                          "file (no 'steps' key)"));
      continue;
    }
    auto read = read_strictly([&] { return read_scenario_file(std::move(*doc), options, report.errors); });
    if (!read) report.errors.push_back(read.error());
    else for (auto& s : *read) report.scenarios.push_back(std::move(s));
  }
  return report;
}

Result<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths, const LoadOptions& options) {
  LoadReport report = load_all_scenarios(paths, options);
  if (!report.errors.empty()) return report.errors.front();
  return std::move(report.scenarios);
}

}  // namespace tc

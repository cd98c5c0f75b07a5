#include "harness/loader/scenario_loader.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "harness/loader/steps.h"
#include "harness/loader/strict.h"
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
                                             "requires", "vars", "matrix", "steps"};

bool is_scenario_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
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

// The keys of the first matrix row in file order (the JSON model sorts keys; names keep the file's).
std::vector<std::string> matrix_key_order(const std::string& file, std::size_t scenario_index, const json& row) {
  std::vector<std::string> keys;
  try {
    YAML::Node n = YAML::LoadFile(file)["scenarios"][scenario_index]["matrix"][0];
    for (const auto& kv : n) keys.push_back(kv.first.as<std::string>());
  } catch (const std::exception&) {
    keys.clear();
  }
  if (keys.size() != row.size()) {
    keys.clear();
    for (const auto& [k, v] : row.items()) keys.push_back(k);
  }
  return keys;
}

void read_matrix(const Document& doc, const json& node, const std::string& ptr, Scenario& s, std::size_t index) {
  check_array(doc, node, ptr, true);
  std::vector<std::string> first;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string p = pointer_join(ptr, i);
    const json& row = node[i];
    if (!row.is_object() || row.empty()) reject(doc, p, "a matrix row is a non-empty map, got " + describe_type(row));
    std::vector<std::string> keys;
    for (const auto& [k, v] : row.items()) {
      check_identifier(doc, k, pointer_join(p, k), "matrix key");
      keys.push_back(k);
    }
    auto list = [](const std::vector<std::string>& ks) {
      std::string out;
      for (const auto& k : ks) out += (out.empty() ? "" : ", ") + k;
      return out;
    };
    if (i == 0) first = keys;
    else if (keys != first)
      reject(doc, p, "matrix row has keys (" + list(keys) + ") but the first row has (" + list(first) + ")");
    s.matrix.push_back(row);
  }
  s.matrix_keys = matrix_key_order(doc.file, index, node[0]);
}

// `matrix: {each: "{{fx.users}}", as: user}`: one row per entry of a bound collection, expanded by
// the command that knows the bindings (harness/cli/scenario_set.h); until then one row naming it all.
void read_matrix_range(const Document& doc, const json& node, const std::string& ptr, Scenario& s) {
  check_object(doc, node, ptr, {"each", "as"}, {"each", "as"});
  check_string(doc, node["each"], pointer_join(ptr, "each"));
  check_string(doc, node["as"], pointer_join(ptr, "as"));
  static const std::regex bound(R"(^\{\{\s*fx(\.[A-Za-z0-9_-]+)*\s*\}\}$)");
  if (!std::regex_match(node["each"].get<std::string>(), bound))
    reject(doc, pointer_join(ptr, "each"), "each names a bound collection: \"{{fx.…}}\", got " + node["each"].dump());
  const std::string as = node["as"].get<std::string>();
  check_identifier(doc, as, pointer_join(ptr, "as"), "matrix key");
  s.matrix = {json{{as, node["each"]}}};
  s.matrix_keys = {as};
}

Scenario read_scenario(const Document& doc, const json& node, const std::string& ptr, std::size_t index,
                       const std::vector<std::string>& file_tags, DocumentCache& cache) {
  check_object(doc, node, ptr, kScenarioKeys, {"name", "steps"});
  Scenario s;
  s.file = doc.file;
  s.loc = loc_of(doc, ptr);
  check_string(doc, node["name"], pointer_join(ptr, "name"));
  s.name = node["name"].get<std::string>();
  if (s.name.empty()) reject(doc, pointer_join(ptr, "name"), "a scenario name is not empty");
  if (node.contains("description")) {
    check_string(doc, node["description"], pointer_join(ptr, "description"));
    s.description = node["description"].get<std::string>();
  }
  s.tags = file_tags;
  if (node.contains("tags"))
    for (auto& t : read_string_list(doc, node["tags"], pointer_join(ptr, "tags")))
      if (std::find(s.tags.begin(), s.tags.end(), t) == s.tags.end()) s.tags.push_back(t);
  if (node.contains("requirements"))
    s.requirements = read_string_list(doc, node["requirements"], pointer_join(ptr, "requirements"));
  if (node.contains("requires"))
    s.requires_caps = read_string_list(doc, node["requires"], pointer_join(ptr, "requires"));
  if (node.contains("vars")) {
    std::string vp = pointer_join(ptr, "vars");
    if (!node["vars"].is_object()) reject(doc, vp, "expected a map, got " + describe_type(node["vars"]));
    for (const auto& [k, v] : node["vars"].items()) check_identifier(doc, k, pointer_join(vp, k), "variable");
    s.vars = node["vars"];
  }
  if (node.contains("matrix") && node["matrix"].is_object()) read_matrix_range(doc, node["matrix"], pointer_join(ptr, "matrix"), s);
  else if (node.contains("matrix")) read_matrix(doc, node["matrix"], pointer_join(ptr, "matrix"), s, index);
  std::vector<std::string> stack{fs::weakly_canonical(doc.file).string()};
  s.steps = read_steps(doc, node["steps"], pointer_join(ptr, "steps"), cache, stack);
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
std::vector<Scenario> read_scenario_file(const Document& doc, const LoadOptions& options, std::vector<Error>& errors) {
  const json& top = doc.value;
  check_object(doc, top, "", kFileKeys, {"scenarios"});
  if (top.contains("description")) check_string(doc, top["description"], "/description");
  std::vector<std::string> tags;
  if (top.contains("tags")) tags = read_string_list(doc, top["tags"], "/tags");
  json file_vars = json::object();
  if (top.contains("vars")) {
    if (!top["vars"].is_object()) reject(doc, "/vars", "expected a map, got " + describe_type(top["vars"]));
    for (const auto& [k, v] : top["vars"].items()) check_identifier(doc, k, pointer_join("/vars", k), "variable");
    file_vars = top["vars"];
  }
  check_array(doc, top["scenarios"], "/scenarios", true);
  DocumentCache cache;
  cache.emplace(fs::weakly_canonical(doc.file).string(), doc);
  VariableRules rules{options.contract, options.endpoints, options.check_env, options.builtins};
  VariableRules skipped_rules = rules;
  skipped_rules.endpoints.clear();  // any component name: the scenario will not run here
  std::vector<Scenario> out;
  for (std::size_t i = 0; i < top["scenarios"].size(); ++i) {
    std::string p = pointer_join("/scenarios", i);
    Scenario s;
    try {
      s = read_scenario(doc, top["scenarios"][i], p, i, tags, cache);
      for (const auto& prev : out)
        if (prev.name == s.name)
          reject(doc, pointer_join(p, "name"), "duplicate scenario name '" + s.name + "' (also at line " +
                                                   std::to_string(prev.loc.line) + ")");
      check_variables(s, file_vars, loc_of(doc, "/vars"), offered(s, options) ? rules : skipped_rules, cache);
    } catch (const Rejected& r) {
      errors.push_back(r.error);
      continue;
    }
    // The file's vars join each scenario's vars (a scenario var of the same name wins): the runner
    // renders one block, in dependency order.
    for (const auto& [k, v] : file_vars.items())
      if (!s.vars.contains(k)) s.vars[k] = v;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

LoadReport load_all_scenarios(const std::vector<std::string>& paths, const LoadOptions& options) {
  LoadReport report;
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
    try {
      for (auto& s : read_scenario_file(*doc, options, report.errors)) report.scenarios.push_back(std::move(s));
    } catch (const Rejected& r) {
      report.errors.push_back(r.error);
    }
  }
  return report;
}

Result<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths, const LoadOptions& options) {
  LoadReport report = load_all_scenarios(paths, options);
  if (!report.errors.empty()) return report.errors.front();
  return std::move(report.scenarios);
}

}  // namespace tc

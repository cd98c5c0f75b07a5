#include "harness/loader/naming.h"

#include <cctype>
#include <filesystem>
#include <map>
#include <regex>

#include "common/json_text.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

// A row value that is one template of a variable path is named by the path's last segment
// ("{{ fx.users.one }}" -> "one"): the name stays readable and the same in every environment.
std::string row_value_name(const json& v) {
  static const std::regex path(R"(^\{\{\s*[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*\s*\}\}$)");
  std::string text = value_text(v);
  if (!v.is_string() || !std::regex_match(text, path)) return text;
  text = text.substr(2, text.size() - 4);
  text.erase(text.find_last_not_of(" \t") + 1);
  return text.substr(text.find_last_of(". \t{") + 1);
}

std::string row_suffix(const Scenario& s, const json& row) {
  std::string joined;
  std::vector<std::string> keys = s.matrix_keys;
  if (keys.empty())
    for (const auto& [k, v] : row.items()) keys.push_back(k);
  for (const auto& k : keys)
    if (row.contains(k)) joined += (joined.empty() ? "" : "_") + row_value_name(row[k]);
  return filter_safe(joined);
}

}  // namespace

std::string filter_safe(const std::string& text) {
  if (text.empty()) return "_";
  std::string out = text;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) > 127) c = '_';
  return out;
}

std::string suite_name_for(const std::string& file, const std::vector<std::string>& roots) {
  std::error_code ec;
  const fs::path given = fs::path(file).lexically_normal();
  const fs::path f = fs::absolute(given, ec).lexically_normal();  // roots and files may be given either way
  for (const auto& root : roots) {
    fs::path r = fs::absolute(root, ec).lexically_normal();
    if (r.has_filename() == false) r = r.parent_path();  // "dir/" is "dir"
    if (f == r) return filter_safe(f.stem().string());
    fs::path rel = f.lexically_relative(r);
    if (rel.empty() || *rel.begin() == "..") continue;
    return filter_safe((rel.parent_path() / rel.stem()).string());
  }
  return filter_safe((given.parent_path() / given.stem()).relative_path().string());
}

Result<std::vector<ScenarioCase>> expand_cases(const std::vector<Scenario>& scenarios,
                                               const std::vector<std::string>& roots) {
  std::vector<ScenarioCase> cases;
  std::map<std::string, const Scenario*> seen;
  for (const auto& s : scenarios) {
    std::string suite = suite_name_for(s.file, roots);
    std::string test = filter_safe(s.name);
    std::vector<json> rows = s.matrix.empty() ? std::vector<json>{json()} : s.matrix;
    for (const auto& row : rows) {
      ScenarioCase c{&s, row, suite, row.is_null() ? test : test + "/" + row_suffix(s, row)};
      std::string full = c.suite_name + "." + c.test_name;
      auto [it, fresh] = seen.emplace(full, &s);
      if (!fresh) {
        const Scenario& other = *it->second;
        return input_error(s.loc.where(), "test name '" + full + "' of scenario '" + s.name +
                                              "' is also the name of scenario '" + other.name + "' at " + other.file +
                                              ":" + std::to_string(other.loc.line) +
                                              " (names map every character outside [A-Za-z0-9] to '_')");
      }
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

}  // namespace tc

#include "harness/cli/project_paths.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "common/document.h"
#include "common/headers.h"
#include "harness/model/clauses.h"

namespace fs = std::filesystem;

namespace tc::cli {

std::string self_executable() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("tenantcheck") : p.string();
}

std::vector<ContractClause> project_contract_clauses() {
  // Read once per process: a command asks several times (selection, rules, reports).
  static const std::vector<ContractClause> clauses = [] {
    const std::string doc = path_or_default("", "docs/contract.md");
    std::error_code ec;
    if (!fs::exists(doc, ec)) return std::vector<ContractClause>{};
    auto read = read_contract_clauses(doc);
    if (read) return std::move(*read);
    std::cerr << "requirements: " << read.error().to_string() << "\n";
    return std::vector<ContractClause>{};
  }();
  return clauses;
}

Result<Unit> check_clause_selection(const Topology& topology, const std::vector<ContractClause>& clauses) {
  if (clauses.empty()) return Unit{};
  for (std::size_t i = 0; i < topology.clauses.size(); ++i) {
    const std::vector<std::string> one{topology.clauses[i]};
    if (std::none_of(clauses.begin(), clauses.end(), [&](const ContractClause& c) { return clause_selected(c.id, one); })) {
      const std::string pointer = pointer_join("/clauses", i);
      auto doc = load_document(topology.file);  // read once already, so only for the line
      return input_error(doc ? doc->where(pointer) : Where{topology.file, 0, pointer, {}, {}},
                         "'" + topology.clauses[i] + "' selects no clause of the contract document (docs/contract.md)");
    }
  }
  return Unit{};
}

std::string project_home() {
  std::error_code ec;
  if (fs::is_directory("scenarios", ec)) return fs::current_path(ec).string();
  return TC_DEFAULT_HOME;
}

fs::path project_pack() {
  std::error_code ec;
  return fs::absolute(fs::path(project_home()) / "scenarios", ec).lexically_normal();
}

std::vector<std::string> scenario_paths_or_default(const std::vector<std::string>& given, const Topology* topology) {
  if (!given.empty()) return given;
  if (topology && !topology->pack.empty()) return topology->pack;
  return {(fs::path(project_home()) / "scenarios").string()};
}

std::vector<std::string> scenario_paths_to_load(const std::vector<std::string>& given, const Topology* topology) {
  std::error_code ec;
  const fs::path pack = project_pack();
  std::vector<std::string> out;
  for (const auto& p : scenario_paths_or_default(given, topology)) {
    if (fs::absolute(p, ec).lexically_normal() != pack || !fs::is_directory(pack, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> entries;
    for (const auto& entry : fs::directory_iterator(pack, ec))  // named as the user named the pack
      if (entry.path().filename() != "platforms") entries.push_back((fs::path(p) / entry.path().filename()).string());
    std::sort(entries.begin(), entries.end());
    out.insert(out.end(), entries.begin(), entries.end());
  }
  return out;
}

std::string path_or_default(const std::string& given, const std::string& relative) {
  if (!given.empty()) return given;
  return (fs::path(project_home()) / relative).string();
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = trim(text.substr(start, end - start));
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

}  // namespace tc::cli

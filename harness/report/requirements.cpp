#include "harness/report/requirements.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/model/clauses.h"
#include "harness/report/report_file.h"

namespace tc {
namespace {

using nlohmann::json;

std::string verdict(const std::map<std::string, std::string>& scenarios) {
  if (scenarios.empty()) return "not covered";
  std::string v = "skipped";
  for (const auto& [test, outcome] : scenarios) v = worse_outcome(v, outcome);
  return v;
}

}  // namespace

Result<std::vector<ContractClause>> read_contract_clauses(const std::string& contract_md) {
  std::ifstream in(contract_md);
  if (!in) {
    Where w;
    w.file = contract_md;
    return input_error(w, "cannot read the contract document");
  }
  // A clause's heading: "### A1 — Title" (an upper-case letter, digits, an em dash).
  static constexpr std::string_view kPrefix = "### ", kDash = " \xE2\x80\x94 ";
  std::vector<ContractClause> clauses;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // a document with CRLF line ends
    if (line.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    const std::string_view rest = std::string_view(line).substr(kPrefix.size());
    std::size_t digits = 1;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (rest.empty() || rest[0] < 'A' || rest[0] > 'Z' || digits == 1 ||
        rest.substr(digits, kDash.size()) != kDash)
      continue;
    clauses.push_back({std::string(rest.substr(0, digits)), std::string(rest.substr(digits + kDash.size()))});
  }
  return clauses;
}

RequirementsMatrix::RequirementsMatrix(const RunRecord& record) {
  if (auto it = record.properties.find("clauses"); it != record.properties.end()) {
    std::istringstream words(it->second);
    for (std::string w; words >> w;) selection_.push_back(w);
  }
  for (const auto& c : record.cases) {
    if (c.after_deadline) continue;  // the run ran out of time: no outcome of the scenario
    for (const auto& id : c.requirements) {
      auto& slot = cited_[id].emplace(c.id(), "skipped").first->second;  // the least outcome, then the worse
      slot = worse_outcome(slot, c.outcome);
    }
  }
}

Result<Unit> RequirementsMatrix::write(const std::vector<ContractClause>& clauses, const std::string& reports_dir) const {
  std::vector<ContractClause> all;
  for (const auto& c : clauses)
    if (clause_selected(c.id, selection_) || cited_.count(c.id)) all.push_back(c);
  for (const auto& entry : cited_) {
    const std::string& id = entry.first;
    if (std::none_of(clauses.begin(), clauses.end(), [&](const ContractClause& c) { return c.id == id; }))
      all.push_back({id, "(not in the contract document)"});
  }

  json doc{{"clauses", json::array()}};
  if (!selection_.empty()) doc["selection"] = selection_;
  std::map<std::string, int> counts;
  std::string rows;
  static const std::map<std::string, std::string> empty;
  for (const auto& c : all) {
    auto it = cited_.find(c.id);
    const auto& scenarios = it == cited_.end() ? empty : it->second;
    const std::string v = verdict(scenarios);
    ++counts[v];
    doc["clauses"].push_back({{"id", c.id}, {"title", c.title}, {"verdict", v}, {"scenarios", scenarios}});
    std::string list;
    for (const auto& [test, outcome] : scenarios) list += (list.empty() ? "" : "<br>") + test + " (" + outcome + ")";
    rows += "| " + c.id + " | " + c.title + " | " + v + " | " + (list.empty() ? "—" : list) + " |\n";
  }
  doc["summary"] = counts;

  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(reports_dir, ec);
  if (auto w = write_report_file(fs::path(reports_dir) / "requirements.json", doc.dump(2) + "\n"); !w) return w;
  std::ostringstream md;
  std::string held_to;
  for (const auto& s : selection_) held_to += (held_to.empty() ? "" : ", ") + s;
  md << "# Requirements\n\nEach clause of the contract"
     << (held_to.empty() ? std::string() : " this platform is held to (" + held_to + ") or that a scenario cites")
     << ", the scenarios that cite it and their outcomes.\n\n";
  for (const char* v : {"passed", "failed", "skipped", "not covered"}) md << "- " << v << ": " << counts[v] << "\n";
  md << "\n| clause | title | verdict | scenarios |\n|---|---|---|---|\n" << rows;
  return write_report_file(fs::path(reports_dir) / "requirements.md", md.str());
}

}  // namespace tc

// Every clause id of docs/contract.md is cited by at least one scenario of the pack, and every id a
// scenario cites is a clause of docs/contract.md: a clause nobody checks, or a citation of nothing,
// fails here. So does a clause that no fault of the stubs breaks: tenantcheck mutate could not show
// that the pack checks it.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "common/document.h"

namespace fs = std::filesystem;

namespace {

std::set<std::string> contract_clause_ids() {
  std::ifstream in(std::string(TC_SOURCE_DIR) + "/docs/contract.md");
  std::set<std::string> ids;
  std::string line;
  const std::regex heading("^### ([A-Z][0-9]+) \xE2\x80\x94 ");  // "### A1 — Title"
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_search(line, m, heading)) ids.insert(m[1]);
  return ids;
}

// clause id -> scenario files citing it
std::map<std::string, std::set<std::string>> cited_ids() {
  std::map<std::string, std::set<std::string>> cited;
  for (const auto& entry : fs::recursive_directory_iterator(std::string(TC_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    auto doc = tc::load_document(entry.path().string());
    EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().to_string());
    if (!doc.ok() || !doc->value.contains("scenarios")) continue;
    for (const auto& scenario : doc->value["scenarios"])
      for (const auto& id : scenario.value("requirements", tc::json::array()))
        cited[id.get<std::string>()].insert(entry.path().filename().string());
  }
  return cited;
}

}  // namespace

TEST(ClauseCoverage, ContractHasClauses) {
  auto ids = contract_clause_ids();
  EXPECT_GE(ids.size(), 25u);
  for (const char* id : {"A1", "A10", "G1", "G6", "B1", "B5", "U1", "U2", "O1", "E1", "I1", "I4"})
    EXPECT_TRUE(ids.count(id)) << id << " has no heading in docs/contract.md";
}

TEST(ClauseCoverage, EveryClauseIsCitedByAScenario) {
  auto cited = cited_ids();
  for (const auto& id : contract_clause_ids())
    EXPECT_TRUE(cited.count(id)) << "clause " << id << " of docs/contract.md is cited by no scenario";
}

TEST(ClauseCoverage, EveryCitationIsAClause) {
  auto ids = contract_clause_ids();
  for (const auto& [id, files] : cited_ids()) {
    std::ostringstream where;
    for (const auto& f : files) where << f << ' ';
    EXPECT_TRUE(ids.count(id)) << "scenarios cite '" << id << "', which docs/contract.md does not define: " << where.str();
  }
}

// clause id -> faults of `tenantcheck-stub --list-faults` that break it (NAME<TAB>IDS<TAB>WHAT).
std::map<std::string, std::set<std::string>> faulted_ids() {
  std::map<std::string, std::set<std::string>> faulted;
  FILE* pipe = popen((std::string("'") + TC_STUB_BIN + "' --list-faults").c_str(), "r");
  if (!pipe) return faulted;
  char buf[1024];
  while (fgets(buf, sizeof buf, pipe)) {
    std::stringstream fields(buf);
    std::string name, ids;
    if (!std::getline(fields, name, '\t') || !std::getline(fields, ids, '\t')) continue;
    std::stringstream list(ids);
    for (std::string id; std::getline(list, id, ',');) faulted[id].insert(name);
  }
  pclose(pipe);
  return faulted;
}

TEST(ClauseCoverage, EveryClauseIsBrokenBySomeFaultOfTheStubs) {
  auto faulted = faulted_ids();
  std::set<std::string> faults;
  for (const auto& [id, names] : faulted) faults.insert(names.begin(), names.end());
  EXPECT_GE(faults.size(), 25u);
  for (const auto& id : contract_clause_ids())
    EXPECT_TRUE(faulted.count(id)) << "no fault of the stubs breaks clause " << id << ": mutate cannot show it is checked";
  auto ids = contract_clause_ids();
  for (const auto& [id, names] : faulted)
    EXPECT_TRUE(ids.count(id)) << "faults name clause '" << id << "', which docs/contract.md does not define";
}

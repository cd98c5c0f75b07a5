// The requirements matrix: verdict per clause from the outcomes of the scenarios citing it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/report/requirements.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CaseRecord record(const std::string& test, std::vector<std::string> requirements, const std::string& outcome) {
  CaseRecord c;
  c.suite = "s";
  c.test = test;
  c.requirements = std::move(requirements);
  c.outcome = outcome;
  return c;
}

TEST(Requirements, ReadsTheClausesOfTheProjectContract) {
  auto clauses = read_contract_clauses(std::string(TC_SOURCE_DIR) + "/docs/contract.md");
  ASSERT_TRUE(clauses.ok()) << clauses.error().to_string();
  ASSERT_GE(clauses->size(), 25u);
  EXPECT_EQ(clauses->front().id, "I1");
  EXPECT_FALSE(clauses->front().title.empty());
  EXPECT_FALSE(read_contract_clauses("/nonexistent/contract.md").ok());
}

// A heading is "### <letter><digits> — <title>"; anything else is not a clause, and CRLF line ends
// are no part of a title.
TEST(Requirements, ReadsOnlyClauseHeadingsWhateverTheLineEnds) {
  const std::string file = ::testing::TempDir() + "contract-crlf.md";
  std::ofstream(file) << "# Contract\r\n### A1 \xE2\x80\x94 First rule\r\ntext\r\n### a2 \xE2\x80\x94 lower case\r\n"
                         "### B \xE2\x80\x94 no digits\r\n### C3 - a hyphen\r\n#### D4 \xE2\x80\x94 deeper\r\n"
                         "### E56 \xE2\x80\x94 Last \xE2\x80\x94 with a dash\r\n";
  auto clauses = read_contract_clauses(file);
  ASSERT_TRUE(clauses.ok()) << clauses.error().to_string();
  ASSERT_EQ(clauses->size(), 2u);
  EXPECT_EQ(clauses->at(0).id, "A1");
  EXPECT_EQ(clauses->at(0).title, "First rule");
  EXPECT_EQ(clauses->at(1).id, "E56");
  EXPECT_EQ(clauses->at(1).title, "Last \xE2\x80\x94 with a dash");
}

TEST(Requirements, AVerdictPerClauseFromTheScenariosCitingIt) {
  RunRecord run;
  run.cases = {record("a", {"G1", "G3"}, "passed"), record("b", {"G3"}, "passed"),
               record("b", {"G3"}, "failed"),  // a repetition that failed: the scenario failed
               record("c", {"A10", "Z9"}, "skipped")};
  CaseRecord late = record("a", {"G1", "G3"}, "skipped");
  late.after_deadline = true;  // cut by the deadline: not an outcome
  run.cases.push_back(late);
  run.cases.push_back(record("e", {"Z9"}, "error"));  // an environment error fails the clause too
  RequirementsMatrix m(run);

  const fs::path dir = fs::temp_directory_path() / ("tc-req-" + std::to_string(::getpid()));
  std::vector<ContractClause> clauses = {{"G1", "Authentication"}, {"G3", "Tenant resolution"},
                                         {"A10", "Negative tokens"}, {"B2", "Reads"}};
  ASSERT_TRUE(m.write(clauses, dir.string()).ok());
  auto doc = nlohmann::json::parse(slurp(dir / "requirements.json"));
  std::map<std::string, std::string> verdicts;
  for (const auto& c : doc["clauses"]) verdicts[c["id"]] = c["verdict"];
  EXPECT_EQ(verdicts["G1"], "passed");
  EXPECT_EQ(verdicts["G3"], "failed");
  EXPECT_EQ(verdicts["A10"], "skipped");
  EXPECT_EQ(verdicts["B2"], "not covered");
  EXPECT_EQ(verdicts["Z9"], "failed");  // cited, though not in the document: listed all the same
  EXPECT_EQ(doc["clauses"][1]["scenarios"]["s.b"], "failed");
  EXPECT_EQ(doc["summary"]["not covered"], 1);
  const std::string md = slurp(dir / "requirements.md");
  EXPECT_NE(md.find("| G3 | Tenant resolution | failed | s.a (passed)<br>s.b (failed) |"), std::string::npos) << md;
  fs::remove_all(dir);
}

// A platform's matrix: the clauses its topology selects (ids and families), and any other a scenario
// cites; the other platforms' clauses are not listed, so "not covered" counts only its own.
TEST(Requirements, ARunHeldToASelectionListsOnlyItsClausesAndWhatItCites) {
  RunRecord run;
  run.properties["clauses"] = "I1 P";
  run.cases = {record("a", {"P1", "I1"}, "passed"), record("b", {"A8"}, "passed")};
  RequirementsMatrix m(run);
  const fs::path dir = fs::temp_directory_path() / ("tc-req-sel-" + std::to_string(::getpid()));
  std::vector<ContractClause> clauses = {{"I1", "No cross-tenant data"}, {"I2", "Missing"}, {"A8", "Console profile"},
                                         {"W1", "Panel"}, {"P1", "Planes"}, {"P2", "Administration"}};
  ASSERT_TRUE(m.write(clauses, dir.string()).ok());
  auto doc = nlohmann::json::parse(slurp(dir / "requirements.json"));
  std::vector<std::string> ids;
  for (const auto& c : doc["clauses"]) ids.push_back(c["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"I1", "A8", "P1", "P2"}));  // document order; A8 is cited
  EXPECT_EQ(doc["summary"]["not covered"], 1);                            // P2
  EXPECT_EQ(doc["selection"], nlohmann::json::array({"I1", "P"}));
  const std::string md = slurp(dir / "requirements.md");
  EXPECT_NE(md.find("held to (I1, P)"), std::string::npos) << md;
  EXPECT_EQ(md.find("| W1 |"), std::string::npos) << md;
  EXPECT_EQ(md.find("| I2 |"), std::string::npos) << md;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tc

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

ScenarioResult outcome(const std::string& how) {
  ScenarioResult r;
  if (how == "skipped") r.skipped = "needs capability 'mint' that the topology does not offer";
  StepResult s;
  s.name = "call";
  s.ran = how != "skipped";
  if (how == "failed") s.outcomes.push_back(Outcome{Outcome::Status::failed, "status", "", "200", "500", ""});
  r.steps.push_back(s);
  return r;
}

TEST(Requirements, ReadsTheClausesOfTheProjectContract) {
  auto clauses = read_contract_clauses(std::string(TC_SOURCE_DIR) + "/docs/contract.md");
  ASSERT_TRUE(clauses.ok()) << clauses.error().to_string();
  ASSERT_GE(clauses->size(), 25u);
  EXPECT_EQ(clauses->front().id, "I1");
  EXPECT_FALSE(clauses->front().title.empty());
  EXPECT_FALSE(read_contract_clauses("/nonexistent/contract.md").ok());
}

TEST(Requirements, AVerdictPerClauseFromTheScenariosCitingIt) {
  Scenario a, b, c;
  a.requirements = {"G1", "G3"};
  b.requirements = {"G3"};
  c.requirements = {"A10", "Z9"};
  ScenarioCase ca{&a, nullptr, "s", "a"}, cb{&b, nullptr, "s", "b"}, cc{&c, nullptr, "s", "c"};
  RequirementsMatrix m;
  m.on_scenario(ca, outcome("passed"));
  m.on_scenario(cb, outcome("passed"));
  m.on_scenario(cb, outcome("failed"));  // a repetition that failed: the scenario failed
  m.on_scenario(cc, outcome("skipped"));
  ScenarioResult late = outcome("skipped");
  late.after_deadline = true;
  m.on_scenario(ca, late);  // cut by the deadline: not an outcome

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
  EXPECT_EQ(verdicts["Z9"], "skipped");  // cited, though not in the document: listed all the same
  EXPECT_EQ(doc["clauses"][1]["scenarios"]["s.b"], "failed");
  EXPECT_EQ(doc["summary"]["not covered"], 1);
  const std::string md = slurp(dir / "requirements.md");
  EXPECT_NE(md.find("| G3 | Tenant resolution | failed | s.a (passed)<br>s.b (failed) |"), std::string::npos) << md;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tc

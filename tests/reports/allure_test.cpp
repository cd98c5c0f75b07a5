// allure-results: a result per case with a step per request and a nested step per expectation,
// attachments, labels, clause links and parameters; categories.json and environment.properties;
// secrets redacted in every file written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/redact.h"
#include "harness/report/allure.h"
#include "harness/runner/transcript.h"
#include "support/full_disk.h"

namespace tc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSecret = "planted-allure-secret-7Hq";

// An audit record as the stubs write it, its tenant fields last, well past 300 characters.
std::string long_audit_record() {
  nlohmann::json r = {{"event", "data.read"},
                      {"correlation_id", "cid-1"},
                      {"route", "/api/items/{id}"},
                      {"principal", std::string(200, 'p')},
                      {"client_id", "console"},
                      {"secret", kSecret},
                      {"zz_resolved_source", "claim"}};
  std::string text = r.dump(2);
  text.insert(text.rfind('}'), ",\n  \"resolved_tenant\": \"tenant-charlie\"\n");
  return text;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct AllureTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("tc-allure-" + std::to_string(::getpid()));
  Scenario scenario;
  ScenarioCase sc;
  void SetUp() override {
    global_redactor().add_secret(kSecret);
    scenario.name = "claim tenant alpha with header charlie is a conflict";
    scenario.file = "scenarios/failures/tenant-mismatch.yaml";
    scenario.tags = {"failures", "mismatch"};
    scenario.requirements = {"G3", "I1"};
    scenario.matrix_keys = {"label", "value"};
    sc = ScenarioCase{&scenario, json{{"label", "upper"}, {"value", "TENANT-ALPHA"}}, "failures_tenant_mismatch",
                      "claim/upper"};
  }
  void TearDown() override { fs::remove_all(dir); }

  AllureWriter open() {
    AllureOptions o;
    o.results_dir = dir.string();
    o.contract_url = "https://example.test/contract.md";
    o.clauses = {{"G3", "Tenant resolution"}};
    o.tenant_header = "X-Tenant-Id";
    o.log_tails = [] { return std::vector<std::pair<std::string, std::string>>{{"gateway", "gateway log " + kSecret}}; };
    auto w = AllureWriter::open(std::move(o));
    EXPECT_TRUE(w.ok());
    return std::move(*w);
  }

  ScenarioResult failing() {
    ScenarioResult r;
    r.scenario_case = &sc;
    r.started_ms = 1700000000000;
    r.finished_ms = 1700000000900;
    StepResult token;
    token.name = "password token";
    token.ran = true;
    token.method = "POST";
    token.url = "http://127.0.0.1:1/token";
    token.status = 200;
    token.started_ms = 1700000000000;
    token.finished_ms = 1700000000100;
    // Made where a run makes it (format_transcript, which redacts); the secret is in the request.
    HttpRequest token_request;
    token_request.method = "POST";
    token_request.url = "http://127.0.0.1:1/token";
    token_request.body = "password=" + kSecret;
    HttpResponse token_response;
    token_response.status = 200;
    token_response.headers.add("x-tenant-id", "tenant-alpha");
    token.transcript = format_transcript(token_request, &token_response);
    token.outcomes.push_back(Outcome{Outcome::Status::passed, "status", "equals", "200", "200", ""});
    StepResult call;
    call.name = "header charlie";
    call.ran = true;
    call.method = "GET";
    call.url = "http://127.0.0.1:1/api";
    call.status = 200;
    call.correlation_id = "cid-1";
    call.started_ms = 1700000000100;
    call.finished_ms = 1700000000800;
    call.transcript = "> GET /api\n< HTTP/1.1 200\n< X-Tenant-Id: tenant-charlie\n";
    call.outcomes.push_back(Outcome{Outcome::Status::failed, "status", "equals", "409", "200", ""});
    call.outcomes.push_back(Outcome{Outcome::Status::passed, "audit", "gateway present", "a record",
                                    "{\"event\":\"x\",\"t\":\"" + kSecret + "\"}", "", long_audit_record()});
    StepResult after;
    after.name = "not reached";
    r.steps = {token, call, after};
    return r;
  }

  json only_result() {
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().string().find("-result.json") != std::string::npos) return json::parse(slurp(e.path()));
    return nullptr;
  }
};

TEST_F(AllureTest, AFailingCaseHasItsStepsExpectationsAttachmentsLabelsAndLinks) {
  AllureWriter w = open();
  w.on_scenario(sc, failing());
  ASSERT_TRUE(w.errors().empty()) << w.errors().front().to_string();
  const json r = only_result();
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["fullName"], "failures_tenant_mismatch.claim/upper");
  EXPECT_EQ(r["name"], "claim tenant alpha with header charlie is a conflict [label=upper, value=TENANT-ALPHA]");
  EXPECT_EQ(r["parameters"], json::parse(R"([{"name":"label","value":"upper"},{"name":"value","value":"TENANT-ALPHA"}])"));
  EXPECT_NE(r["statusDetails"]["message"].get<std::string>().find("expected 409, actual 200"), std::string::npos);

  std::multimap<std::string, std::string> labels;
  for (const auto& l : r["labels"]) labels.emplace(l["name"], l["value"]);
  EXPECT_EQ(labels.find("suite")->second, "failures_tenant_mismatch");
  EXPECT_EQ(labels.find("feature")->second, "failures");
  EXPECT_EQ(labels.find("story")->second, scenario.name);
  EXPECT_EQ(labels.find("severity")->second, "critical") << "cites invariant I1";
  EXPECT_EQ(labels.count("tag"), 2u);
  EXPECT_EQ(labels.count("tenant"), 2u) << "alpha and charlie were served";
  ASSERT_EQ(r["links"].size(), 2u);
  EXPECT_EQ(r["links"][0]["url"], "https://example.test/contract.md#g3--tenant-resolution");
  EXPECT_EQ(r["links"][1]["url"], "https://example.test/contract.md#i1");

  ASSERT_EQ(r["steps"].size(), 3u);
  const json& call = r["steps"][1];
  EXPECT_EQ(call["status"], "failed");
  EXPECT_EQ(call["name"], "header charlie — GET http://127.0.0.1:1/api");
  ASSERT_EQ(call["steps"].size(), 2u);
  EXPECT_EQ(call["steps"][0]["status"], "failed");
  EXPECT_EQ(call["steps"][0]["statusDetails"]["message"], "expected 409, actual 200");
  EXPECT_EQ(call["steps"][0]["parameters"][0], json({{"name", "expected"}, {"value", "409"}}));
  EXPECT_EQ(call["steps"][0]["parameters"][1], json({{"name", "actual"}, {"value", "200"}}));
  ASSERT_EQ(call["attachments"].size(), 1u);
  EXPECT_EQ(call["attachments"][0]["name"], "transcript");
  EXPECT_NE(slurp(dir / call["attachments"][0]["source"].get<std::string>()).find("< HTTP/1.1 200"), std::string::npos);
  ASSERT_EQ(call["steps"][1]["attachments"].size(), 1u) << "the matched audit record";
  // Whole: the field a reviewer came for sits past the few hundred characters a message line keeps.
  const std::string record = slurp(dir / call["steps"][1]["attachments"][0]["source"].get<std::string>());
  EXPECT_GT(record.size(), 400u);
  EXPECT_NE(record.find("\"resolved_tenant\": \"tenant-charlie\""), std::string::npos) << record;
  EXPECT_EQ(r["steps"][2]["status"], "skipped");
  EXPECT_TRUE(r["steps"][0]["attachments"].empty()) << "a passed step's transcript is the case's";
  ASSERT_EQ(r["attachments"].size(), 2u);
  EXPECT_EQ(r["attachments"][0]["name"], "passed steps: transcripts and evidence");
  const std::string passed = slurp(dir / r["attachments"][0]["source"].get<std::string>());
  EXPECT_EQ(passed.find("── password token — POST http://127.0.0.1:1/token: transcript\n> POST"), 0u) << passed;
  EXPECT_EQ(passed.find("header charlie"), std::string::npos) << "the failed step's texts are its own";
  EXPECT_EQ(r["attachments"][1]["name"], "log tail: gateway");

  // Nothing written holds the planted secret.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(slurp(e.path()).find(kSecret), std::string::npos) << e.path();
  }
  EXPECT_EQ(files, 1 + 1 + 4) << "categories.json, the result, 4 attachments";
}

TEST_F(AllureTest, APassingCaseKeepsEveryStepsTextsInOrderInOneAttachment) {
  ScenarioResult r = failing();
  r.steps[1].outcomes[0] = Outcome{Outcome::Status::passed, "status", "equals", "200", "200", ""};
  r.steps.pop_back();
  AllureWriter w = open();
  w.on_scenario(sc, r);
  ASSERT_TRUE(w.errors().empty()) << w.errors().front().to_string();
  const json result = only_result();
  EXPECT_EQ(result["status"], "passed");
  for (const auto& step : result["steps"]) {
    EXPECT_TRUE(step["attachments"].empty()) << step;
    for (const auto& check : step["steps"]) EXPECT_TRUE(check["attachments"].empty()) << check;
  }
  ASSERT_EQ(result["attachments"].size(), 1u) << "no log tail for a passing case";
  const std::string text = slurp(dir / result["attachments"][0]["source"].get<std::string>());
  const auto token = text.find("── password token — POST http://127.0.0.1:1/token: transcript\n");
  const auto call = text.find("── header charlie — GET http://127.0.0.1:1/api: transcript\n> GET /api\n");
  const auto record = text.find("── header charlie — GET http://127.0.0.1:1/api: audit record (gateway present)\n");
  ASSERT_NE(token, std::string::npos) << text;
  ASSERT_NE(call, std::string::npos) << text;
  ASSERT_NE(record, std::string::npos) << text;
  EXPECT_LT(token, call);
  EXPECT_LT(call, record);
  EXPECT_NE(text.find("\"resolved_tenant\": \"tenant-charlie\""), std::string::npos) << "the record whole";
  EXPECT_EQ(text.find(kSecret), std::string::npos);
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) ++files, (void)e;
  EXPECT_EQ(files, 1 + 1 + 1) << "categories.json, the result, one attachment";
}

TEST_F(AllureTest, OutcomesMapToAllureStatusesAndCategories) {
  AllureWriter w = open();
  ScenarioResult skipped;
  skipped.skipped = "needs capability 'mint' that the topology does not offer";
  w.on_scenario(sc, skipped);
  EXPECT_EQ(only_result()["status"], "skipped");
  EXPECT_EQ(only_result()["statusDetails"]["message"], *skipped.skipped);

  AllureWriter fresh = open();  // open empties the folder
  ScenarioResult broken = failing();
  broken.environment_error = environment_error("gateway", "unreachable");
  fresh.on_scenario(sc, broken);
  EXPECT_EQ(only_result()["status"], "broken");

  const json categories = json::parse(slurp(dir / "categories.json"));
  ASSERT_EQ(categories.size(), 2u);
  EXPECT_EQ(categories[0]["matchedStatuses"], json::array({"failed"}));
  EXPECT_EQ(categories[1]["matchedStatuses"], json::array({"broken"}));
  ASSERT_TRUE(write_allure_environment(dir.string(), {{"harness.version", "0.1.0"}, {"target.build", kSecret}}).ok());
  EXPECT_EQ(slurp(dir / "environment.properties"), "harness.version=0.1.0\ntarget.build=" + std::string(kRedacted) + "\n");
}

// Two cases written, then a secret learnt that their transcripts hold; the disk takes no more than
// 64 bytes a file, so no rewritten file can be written. Each such file is removed, not left in clear,
// and each is named: a reader of the run's errors learns every result that went, not only the first.
TEST_F(AllureTest, EveryFileThatCannotBeRedactedAgainIsRemovedAndNamed) {
  const std::string late = "late-allure-secret-Vn5" + dir.filename().string();
  AllureWriter w = open();
  for (int i = 0; i < 2; ++i) {
    ScenarioResult r = failing();
    r.steps[1].transcript += "< X-Session: " + late + "\n";
    w.on_scenario(sc, r);
  }
  ASSERT_TRUE(w.errors().empty()) << w.errors().front().to_string();
  std::set<std::string> holding;
  for (const auto& e : fs::directory_iterator(dir))
    if (slurp(e.path()).find(late) != std::string::npos) holding.insert(e.path().string());
  ASSERT_GE(holding.size(), 2u) << "each case's failed step keeps its transcript in an attachment";

  global_redactor().add_secret(late);
  {
    testing::FileSizeLimit limit(64);
    w.redact_written_again();
  }
  const std::vector<Error> errors = w.errors();
  std::set<std::string> named;
  for (const auto& e : errors) {
    EXPECT_EQ(e.kind, ErrorKind::environment);
    for (const auto& file : holding)
      if (e.message.find(file) != std::string::npos) named.insert(file);
  }
  EXPECT_EQ(named, holding);
  for (const auto& file : holding) EXPECT_FALSE(fs::exists(file)) << file;
  for (const auto& e : fs::directory_iterator(dir)) EXPECT_EQ(slurp(e.path()).find(late), std::string::npos) << e.path();
}

TEST(HeadingAnchor, FollowsTheRenderedMarkdownAnchors) {
  EXPECT_EQ(heading_anchor("G3 \xE2\x80\x94 Tenant resolution"), "g3--tenant-resolution");
  EXPECT_EQ(heading_anchor("A4 \xE2\x80\x94 PKCE (S256), single-use codes"), "a4--pkce-s256-single-use-codes");
}

}  // namespace
}  // namespace tc

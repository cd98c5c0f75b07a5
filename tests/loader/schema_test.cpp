// scenarios/schema.json against real files, validated by ajv (tests/loader/ajv: `npm ci --prefix
// tests/loader/ajv` installs it; scripts/test does). Every scenario and step file of the project must
// validate, and the loader and the schema must both reject each structurally bad file.
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/loader/expectation_registry.h"
#include "harness/loader/scenario_loader.h"
#include "harness/runner/expectation.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

const std::string kSource = TC_SOURCE_DIR;
const std::string kAjv = kSource + "/tests/loader/ajv";
const std::string kData = kSource + "/tests/loader/data";

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs the validator (at most 120 s) and returns file -> "" when valid, else the reason.
std::map<std::string, std::string> validate(const std::vector<std::string>& files) {
  std::string cmd = "timeout 120 node " + shell_quote(kAjv + "/validate.js") + " " +
                    shell_quote(kSource + "/scenarios/schema.json");
  for (const auto& f : files) cmd += " " + shell_quote(f);
  cmd += " 2>&1";
  std::map<std::string, std::string> out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) {
    ADD_FAILURE() << "cannot run node";
    return out;
  }
  std::string text;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) text += buf.data();
  int status = ::pclose(pipe);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  EXPECT_TRUE(code == 0 || code == 1) << "validator failed to run (exit " << code << "):\n" << text;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    for (const auto& f : files) {
      if (line == "ok " + f) out[f] = "";
      else if (line.rfind("invalid " + f + ":", 0) == 0) out[f] = line.substr(9 + f.size());
    }
  }
  return out;
}

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kAjv + "/node_modules/ajv"))
      FAIL() << "ajv is not installed: run `npm ci --prefix tests/loader/ajv` (scripts/test does)";
    if (std::system("node --version >/dev/null 2>&1") != 0) FAIL() << "node is not on the PATH";
  }
};

std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json") &&
        e.path().filename() != "schema.json")
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(SchemaTest, EveryScenarioAndStepFileValidates) {
  std::vector<std::string> files = files_under(kSource + "/scenarios");
  for (const auto& f : files_under(kData + "/good")) files.push_back(f);
  for (const auto& f : files_under(kData + "/steps")) files.push_back(f);
  for (const auto& f : files_under(kData + "/browser")) files.push_back(f);
  auto results = validate(files);
  for (const auto& f : files) {
    ASSERT_TRUE(results.count(f)) << "no verdict for " << f;
    EXPECT_EQ(results[f], "") << f;
  }
}

// Both reject each bad file, the loader with the runner's own expectation kinds (registered here,
// so a stand-in another test left behind cannot hide a difference) and for the reason the file is bad.
TEST_F(SchemaTest, TheLoaderAndTheSchemaRejectTheSameBadFiles) {
  register_builtin_expectations();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"capture-two-sources.yaml", "/scenarios/0/steps/0/capture/token"},
      {"kind-validator.yaml", "/scenarios/0/steps/0/expect/status"},
      {"missing-url.yaml", "missing required key 'url'"},
      {"neither.yaml", "neither"},
      {"typo-key.yaml", "unknown key 'hedaers'"},
      {"unknown-kind.yaml", "stauts"},
      {"wrong-type.yaml", "/scenarios/0/steps/0/request/timeout_ms"},
      {"yaml-syntax.yaml", "yaml-syntax.yaml:"},
      {"cookie-capture-hop.yaml", "/scenarios/0/steps/0/capture/sid"},
      {"hosts-with-port.yaml", "acme.photos.test:8080"},
      {"empty-header-checks.yaml", "/scenarios/0/steps/0/expect/headers"},
      {"json-absent-false.yaml", "absent takes true"},
      {"switch-not-boolean.yaml", "/scenarios/0/switches/backend_requires_signature"},
      {"repeat-zero.yaml", "/scenarios/0/steps/0/repeat"},
      {"well-formed-absent.yaml",   // the audit kind is registered here, so its own reader answers
       "well-formed-absent.yaml:11: /scenarios/0/steps/0/expect/audit/0/well_formed: well_formed asks of the record present finds"},
      {"order-of-an-absence.yaml",
       "order-of-an-absence.yaml:11: /scenarios/0/steps/0/expect/audit/0/after: after orders the record present finds"}};
  std::vector<std::string> files;
  for (const auto& [name, reason] : bad) files.push_back(kData + "/bad/" + name);
  auto results = validate(files);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& f = files[i];
    ASSERT_TRUE(results.count(f)) << "no verdict for " << f;
    EXPECT_NE(results[f], "") << "the schema accepts " << f;
    auto loaded = load_scenarios({f}, LoadOptions{});
    ASSERT_FALSE(loaded.ok()) << "the loader accepts " << f;
    EXPECT_THAT(loaded.error().to_string(), ::testing::HasSubstr(bad[i].second)) << f;
  }
}

}  // namespace
}  // namespace tc

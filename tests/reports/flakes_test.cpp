// FlakeDetector::report: a case whose outcome differs between repetitions is a flake, written to
// flakes.json beside the console's lines; a flakes.json the disk does not take is an error naming it.
#include "harness/report/flakes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/temp_dir.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

// The same case twice, its step answering `first` then `second`, reported into `dir`.
Result<std::size_t> report_of(int first, int second, const fs::path& dir, std::ostringstream& console) {
  FlakeDetector flakes;
  ScenarioCase c;
  c.suite_name = "tenancy";
  c.test_name = "call";
  for (int status : {first, second}) {
    ScenarioResult r;
    StepResult s;
    s.name = "call";
    s.ran = true;
    s.status = status;
    s.transcript = "< HTTP/1.1 " + std::to_string(status);
    r.steps.push_back(s);
    flakes.on_scenario(c, r);
  }
  return flakes.report(console, dir.string());
}

TEST(Flakes, AnOutcomeThatDiffersIsCountedAndWritten) {
  testing::TempDir dir;
  std::ostringstream console;
  auto found = report_of(200, 503, dir.path, console);
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_EQ(*found, 1u);
  EXPECT_NE(console.str().find("determinism: 2 repetitions, 1 flake(s)"), std::string::npos) << console.str();
  std::ifstream in(dir.path / "flakes.json");
  const auto doc = nlohmann::json::parse(in);
  ASSERT_EQ(doc["flakes"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["flakes"][0]["test"], "tenancy.call");
}

TEST(Flakes, TheSameOutcomeIsNoFlake) {
  testing::TempDir dir;
  std::ostringstream console;
  auto found = report_of(200, 200, dir.path, console);
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_EQ(*found, 0u);
  EXPECT_TRUE(fs::exists(dir.path / "flakes.json"));
}

// flakes.json is short: held in its stream's buffer until the close, where a full disk shows.
TEST(Flakes, AFlakesFileTheDiskCannotTakeIsAnErrorNamingIt) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  testing::TempDir dir;
  fs::create_symlink("/dev/full", dir.path / "flakes.json");
  std::ostringstream console;
  auto found = report_of(200, 503, dir.path, console);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().kind, ErrorKind::environment);
  EXPECT_NE(found.error().message.find((dir.path / "flakes.json").string()), std::string::npos) << found.error().message;
}

}  // namespace
}  // namespace tc

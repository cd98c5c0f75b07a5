// FlakeDetector::report: a case whose outcome differs between repetitions is a flake, written to
// flakes.json beside the console's lines; a flakes.json the disk does not take is an error naming it.
#include "harness/report/flakes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/runner/run_context.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("tc-flakes-" + random_alnum(8));
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// The same case twice into `flakes`: first its step answered `first`, then `second`.
void two_repetitions(FlakeDetector& flakes, int first, int second) {
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
}

TEST(Flakes, AnOutcomeThatDiffersIsCountedAndWritten) {
  Scratch s;
  std::ostringstream console;
  FlakeDetector flakes;
  two_repetitions(flakes, 200, 503);
  auto found = flakes.report(console, s.dir.string());
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_EQ(*found, 1u);
  EXPECT_NE(console.str().find("determinism: 2 repetitions, 1 flake(s)"), std::string::npos) << console.str();
  std::ifstream in(s.dir / "flakes.json");
  const auto doc = nlohmann::json::parse(in);
  ASSERT_EQ(doc["flakes"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["flakes"][0]["test"], "tenancy.call");
}

TEST(Flakes, TheSameOutcomeIsNoFlake) {
  Scratch s;
  std::ostringstream console;
  FlakeDetector flakes;
  two_repetitions(flakes, 200, 200);
  auto found = flakes.report(console, s.dir.string());
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_EQ(*found, 0u);
  EXPECT_TRUE(fs::exists(s.dir / "flakes.json"));
}

// flakes.json is short: held in its stream's buffer until the close, where a full disk shows.
TEST(Flakes, AFlakesFileTheDiskCannotTakeIsAnErrorNamingIt) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  Scratch s;
  fs::create_directories(s.dir);
  fs::create_symlink("/dev/full", s.dir / "flakes.json");
  std::ostringstream console;
  FlakeDetector flakes;
  two_repetitions(flakes, 200, 503);
  auto found = flakes.report(console, s.dir.string());
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().kind, ErrorKind::environment);
  EXPECT_NE(found.error().message.find((s.dir / "flakes.json").string()), std::string::npos) << found.error().message;
}

}  // namespace
}  // namespace tc

#include "harness/report/junit.h"

#include <cstdlib>
#include <filesystem>

namespace tc {

std::vector<std::string> with_default_junit_output(std::vector<std::string> gtest_args, const std::string& reports_dir) {
  for (const auto& a : gtest_args)
    if (a.rfind("--gtest_output", 0) == 0) return gtest_args;
  if (const char* env = std::getenv("GTEST_OUTPUT"); env && *env) return gtest_args;
  std::error_code ec;
  std::filesystem::create_directories(reports_dir, ec);
  gtest_args.push_back("--gtest_output=xml:" + (std::filesystem::path(reports_dir) / "junit.xml").string());
  return gtest_args;
}

}  // namespace tc

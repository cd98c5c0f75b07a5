#include "harness/report/console.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tc {

namespace {
std::string indent(const std::string& text, const std::string& pad) {
  std::string out = pad;
  for (char ch : text) {
    out += ch;
    if (ch == '\n') out += pad;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

class ConsoleReporter : public testing::EmptyTestEventListener {
 public:
  explicit ConsoleReporter(std::FILE* out) : out_(out) {}

  void OnTestEnd(const testing::TestInfo& info) override {
    const testing::TestResult& r = *info.result();
    const std::string name = std::string(info.test_suite_name()) + "." + info.name();
    const std::string ms = " (" + std::to_string(r.elapsed_time()) + " ms)";
    if (r.Skipped()) {
      ++skipped_;
      std::string reason;
      for (int i = 0; i < r.total_part_count(); ++i)
        if (r.GetTestPartResult(i).skipped()) reason = r.GetTestPartResult(i).message();
      std::fprintf(out_, "SKIP %s%s\n", name.c_str(), reason.empty() ? "" : (": " + reason).c_str());
    } else if (r.Failed()) {
      ++failed_;
      std::fprintf(out_, "FAIL %s%s\n", name.c_str(), ms.c_str());
      for (int i = 0; i < r.total_part_count(); ++i) {
        const auto& part = r.GetTestPartResult(i);
        if (!part.failed()) continue;
        std::string where = part.file_name() ? std::string(part.file_name()) + ":" + std::to_string(part.line_number()) + ": " : "";
        std::fprintf(out_, "%s\n", indent(where + part.message(), "    ").c_str());
      }
    } else {
      ++passed_;
      std::fprintf(out_, "PASS %s%s\n", name.c_str(), ms.c_str());
    }
    std::fflush(out_);
  }

  void OnTestProgramEnd(const testing::UnitTest& unit) override {
    // Failures outside any test (a global set-up) still count as a failed run.
    if (unit.ad_hoc_test_result().Failed()) {
      for (int i = 0; i < unit.ad_hoc_test_result().total_part_count(); ++i)
        std::fprintf(out_, "%s\n", unit.ad_hoc_test_result().GetTestPartResult(i).message());
    }
    std::string line = std::to_string(passed_) + " passed, " + std::to_string(failed_) + " failed";
    if (skipped_) line += ", " + std::to_string(skipped_) + " skipped";
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  int passed_ = 0, failed_ = 0, skipped_ = 0;
};
}  // namespace

void install_console_reporter(std::FILE* out) {
  auto& listeners = testing::UnitTest::GetInstance()->listeners();
  delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new ConsoleReporter(out));
}

}  // namespace tc

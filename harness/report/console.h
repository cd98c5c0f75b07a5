// The console: what a person watching a run reads, written from the run's record as each case ends.
//   header      the run's facts, one "  name  value" line each (topology, profile, pack, reports)
//   per case    PASS suite.test (12 ms) · FAIL suite.test (12 ms) with every failure line and the
//               failing steps' transcripts indented below · SKIP suite.test: reason
//   verbose     every step's request and response (redacted) as soon as the step has run
//   end         "duration 3.2 s", then last "N passed, N failed" (", N skipped" when some were)
// Colour marks the outcome words only on a terminal: never into a pipe or a file, never with NO_COLOR
// set (https://no-color.org) or TERM=dumb. GoogleTest's own printer is replaced: it prints nothing.
#pragma once
#include <cstdio>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "harness/report/run_record.h"
#include "harness/runner/results.h"

namespace tc {

struct ConsoleOptions {
  std::FILE* out = stdout;
  bool verbose = false;
  bool colour = false;   // see colour_wanted
};

// Whether `out` should get colour: a terminal, NO_COLOR unset or empty, TERM not "dumb".
bool colour_wanted(std::FILE* out);

class Console : public ResultSink, public CaseSink {
 public:
  explicit Console(ConsoleOptions options) : o_(options) {}
  void header(const std::vector<std::pair<std::string, std::string>>& facts);
  void on_step(const ScenarioCase& scenario, const StepResult& step) override;  // verbose only
  void on_case(const CaseRecord& record, const ScenarioCase&, const ScenarioResult&) override;
  // The run's duration and, last, its summary line.
  void finish(const RunRecord& record, double seconds);

 private:
  std::string paint(const std::string& text, const char* sgr) const;
  ConsoleOptions o_;
  std::mutex mu_;
};

// Removes GoogleTest's default printer. What stays of GoogleTest on the console is a failure outside
// any test (a global set-up), printed at the end. Call after testing::InitGoogleTest.
void quiet_gtest_printer(std::FILE* out = stdout);

}  // namespace tc

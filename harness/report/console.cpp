#include "harness/report/console.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include "common/json_text.h"
#include "common/redact.h"

namespace tc {

namespace {

// A transcript on the console is cut here; the reports keep it whole.
constexpr std::size_t kShownTranscript = 8192;

std::string indent(const std::string& text, const std::string& pad) {
  std::string out = pad;
  for (char ch : text) {
    out += ch;
    if (ch == '\n') out += pad;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

std::string shown(const std::string& transcript) {
  if (transcript.size() <= kShownTranscript) return transcript;
  return transcript.substr(0, kShownTranscript) + "\n… (" + std::to_string(transcript.size() - kShownTranscript) +
         " more characters in the reports)";
}

std::string duration(double ms) {
  char buf[32];
  if (ms >= 1000) std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000);
  else std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  return buf;
}

class QuietPrinter : public testing::EmptyTestEventListener {
 public:
  explicit QuietPrinter(std::FILE* out) : out_(out) {}
  void OnTestProgramEnd(const testing::UnitTest& unit) override {
    const testing::TestResult& r = unit.ad_hoc_test_result();
    for (int i = 0; i < r.total_part_count(); ++i)
      if (r.GetTestPartResult(i).failed()) std::fprintf(out_, "%s\n", r.GetTestPartResult(i).message());
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
};

}  // namespace

bool colour_wanted(std::FILE* out) {
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no_colour && *no_colour) return false;
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(::fileno(out)) == 1;
}

std::string Console::paint(const std::string& text, const char* sgr) const {
  return o_.colour ? std::string("\033[") + sgr + "m" + text + "\033[0m" : text;
}

void Console::header(const std::vector<std::pair<std::string, std::string>>& facts) {
  std::lock_guard lock(mu_);
  std::size_t width = 0;
  for (const auto& [name, value] : facts) width = std::max(width, name.size());
  for (const auto& [name, value] : facts)
    std::fprintf(o_.out, "  %-*s  %s\n", static_cast<int>(width), name.c_str(), global_redactor().apply(value).c_str());
  std::fflush(o_.out);
}

void Console::on_step(const ScenarioCase& scenario, const StepResult& result) {
  if (!o_.verbose || !result.ran) return;
  const StepRecord step = make_step_record(result);  // every text as the reports have it: redacted
  std::string line = "  · " + scenario.suite_name + "." + scenario.test_name + " step '" + step.name + "'";
  if (!step.method.empty()) line += " " + step.method + " " + step.url;
  if (step.status) line += " → " + std::to_string(step.status) + " (" + duration(step.elapsed_ms) + ")";
  std::lock_guard lock(mu_);
  std::fprintf(o_.out, "%s\n", paint(line, "2").c_str());
  if (!step.transcript.empty()) std::fprintf(o_.out, "%s\n", indent(shown(step.transcript), "      ").c_str());
  if (!step.error.empty()) std::fprintf(o_.out, "%s\n", indent(step.error, "      ").c_str());
  std::fflush(o_.out);
}

void Console::on_case(const CaseRecord& c, const ScenarioCase&, const ScenarioResult&) {
  const std::string ms = " (" + duration(static_cast<double>(c.finished_ms - c.started_ms)) + ")";
  std::lock_guard lock(mu_);
  if (c.outcome == "skipped") {
    std::fprintf(o_.out, "%s %s%s\n", paint("SKIP", "33").c_str(), c.id().c_str(),
                 c.skip_reason.empty() ? "" : (": " + c.skip_reason).c_str());
  } else if (c.failing()) {
    std::fprintf(o_.out, "%s %s%s\n", paint("FAIL", "1;31").c_str(), c.id().c_str(), ms.c_str());
    std::string details = "scenario '" + c.scenario + "'" + (c.row.is_null() ? "" : " " + json_text(c.row)) + "\n";
    for (const auto& f : c.failures) details += f + "\n";
    for (const auto& st : c.steps) {
      const bool bad = !st.error.empty() ||
                       std::any_of(st.outcomes.begin(), st.outcomes.end(), [](const auto& o) { return o.status == "failed"; });
      if (bad && !st.transcript.empty()) details += shown(st.transcript) + "\n";
    }
    std::fprintf(o_.out, "%s\n", indent(details, "    ").c_str());
  } else {
    std::fprintf(o_.out, "%s %s%s\n", paint("PASS", "32").c_str(), c.id().c_str(), ms.c_str());
  }
  std::fflush(o_.out);
}

void Console::finish(const RunRecord& record, double seconds) {
  std::lock_guard lock(mu_);
  std::fprintf(o_.out, "duration %s\n", duration(seconds * 1000).c_str());
  const bool bad = record.failing();
  std::fprintf(o_.out, "%s\n", paint(record.summary_line(), bad ? "1;31" : "1;32").c_str());
  std::fflush(o_.out);
}

void quiet_gtest_printer(std::FILE* out) {
  auto& listeners = testing::UnitTest::GetInstance()->listeners();
  delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new QuietPrinter(out));
}

}  // namespace tc

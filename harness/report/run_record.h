// The record of a run that every report is written from: one CaseRecord per scenario case each time
// it ran (repetitions included), in the order they ran, with its outcome, failure lines, skip reason,
// redacted transcripts, its steps (request, status, every check with its evidence), clause ids,
// tags, matrix row and times; and the run's properties (harness
// version, topology, profile hash, …). Stored as <reports>/results.json; junit.xml, the requirements
// matrix, the HTML report, the console, the baseline check, `report diff` and `report merge` all
// read it, never GoogleTest's XML.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "harness/runner/results.h"

namespace tc {

// One check of a step as reports show it.
struct OutcomeRecord {
  std::string status;                  // passed | failed | skipped
  std::string kind, description, expected, actual, reason;
  std::string evidence;                // whole (an audit record), see Outcome::evidence
};

// One step of a case: what was sent, what came back, what was checked.
struct StepRecord {
  std::string name, file;
  int line = 0;
  bool ran = false;
  std::string method, url, correlation_id;
  int status = 0;                      // 0: no response
  double elapsed_ms = 0;
  std::int64_t started_ms = 0, finished_ms = 0;
  std::string error;                   // template, input or environment error
  std::string transcript;
  std::vector<OutcomeRecord> outcomes;
};

struct CaseRecord {
  std::string suite, test, scenario, file;
  int line = 0;
  std::vector<std::string> tags, requirements;
  nlohmann::json row;                  // the matrix row; null without matrix
  std::string outcome;                 // passed | failed (contract) | error (environment) | skipped
  std::vector<std::string> failures;   // "step 'NAME' (file:line): kind what: expected E, actual A"
  std::string skip_reason;
  std::string output;                  // every step that ran: name, then its transcript (redacted)
  std::vector<StepRecord> steps;       // every step, run or not (redacted)
  std::int64_t started_ms = 0, finished_ms = 0;
  bool after_deadline = false;         // not run: the run's deadline had passed
  std::string id() const { return suite + "." + test; }
  bool failing() const { return outcome == "failed" || outcome == "error"; }
};

struct RunRecord {
  std::map<std::string, std::string> properties;
  std::vector<CaseRecord> cases;
  // Cases per outcome: "passed", "failed", "error", "skipped".
  std::map<std::string, int> counts() const;
  // Whether a case failed (contract violation or environment error).
  bool failing() const;
  // "N passed, N failed" plus ", N skipped" when some were; environment errors count as failed.
  std::string summary_line() const;
};

// Every text of `record` redacted again: for cases recorded before the run learnt a secret.
void redact_again(RunRecord& record);

// A case's outcome from its result: skipped, error (an environment error), failed or passed.
std::string case_outcome(const ScenarioResult& result);
// The outcome of a case that ran more than once (repetitions, shards): failed (error included) over
// passed over skipped.
std::string worse_outcome(const std::string& a, const std::string& b);

// Everything passed through the global redactor: the one place a step's or a case's text is
// redacted for the writers (console, results.json, JUnit, Allure, HTML), which take text only from here.
StepRecord make_step_record(const StepResult& step);
CaseRecord make_case_record(const ScenarioCase& scenario, const ScenarioResult& result);

// Collects a CaseRecord per published scenario result.
// Told of each case as soon as it is recorded (the console, Allure), on the thread that ran it: the
// record, whose text is redacted, and what it was made from.
class CaseSink {
 public:
  virtual ~CaseSink() = default;
  virtual void on_case(const CaseRecord& record, const ScenarioCase& scenario, const ScenarioResult& result) = 0;
};

class RunRecorder : public ResultSink {
 public:
  // `followers` (not owned, outliving the recorder) get every case record once it is made.
  explicit RunRecorder(std::vector<CaseSink*> followers = {}) : followers_(std::move(followers)) {}
  void on_scenario(const ScenarioCase& scenario, const ScenarioResult& result) override;
  RunRecord record() const;
  void set_property(const std::string& name, const std::string& value);  // stored redacted

 private:
  std::vector<CaseSink*> followers_;
  mutable std::mutex mu_;
  RunRecord record_;
};

// <reports_dir>/results.json; an environment error when it cannot be written.
Result<Unit> write_run_record(const RunRecord& record, const std::string& reports_dir);
// `path` is a .json file or a reports folder holding results.json; an input error naming the file (and JSON pointer).
Result<RunRecord> read_run_record(const std::string& path);
// The cases of every record in order; properties of the first (the earliest "started", no "shard"),
// with "shards" set to their number.
RunRecord merge_run_records(const std::vector<RunRecord>& records);

}  // namespace tc

// Structured results of a scenario run: one StepResult per step (its expectation outcomes and its
// redacted transcript), one ScenarioResult per GoogleTest test. Reporters implement ResultSink and
// are fed as results happen; the runner formats nothing for them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/utc_time.h"
#include "harness/model/scenario.h"

namespace tc {

// The size up to which reports keep a transcript's bodies and an expectation's evidence whole; far
// above any audit record or response of a conformance flow (docs/reports.md states it).
inline constexpr std::size_t kEvidenceLimit = 1 << 20;

// What one expectation (or one aspect of it, or a capture) found.
struct Outcome {
  enum class Status { passed, failed, skipped };
  Status status = Status::passed;
  std::string kind;          // status | headers | json | jwt | audit | elapsed_ms | capture | …
  std::string description;   // what was checked ("header Vary matches", "json /error equals")
  std::string expected;
  std::string actual;
  std::string reason;        // why skipped
  // What the check looked at, whole (up to kEvidenceLimit): the audit record it matched, or every
  // record it found. Reports attach it; `actual` is the short form for message lines.
  std::string evidence{};
  bool passed() const { return status == Status::passed; }
  bool failed() const { return status == Status::failed; }
};

struct StepResult {
  std::string name;
  Loc loc;
  bool ran = false;                   // false: skipped after an earlier failure, or for `skipped`
  std::optional<std::string> skipped; // reason, when the step needs a capability the topology lacks
  std::int64_t started_ms = 0, finished_ms = 0;  // wall clock, ms since the epoch; 0 when not run
  std::string correlation_id;
  std::string method, url;            // as sent (url redacted)
  int status = 0;                     // 0 when no response
  double elapsed_ms = 0;
  std::vector<Outcome> outcomes;      // captures, then expectations, in order
  std::optional<Error> error;         // template, input or transport (environment) error
  std::string transcript;             // request and response as HTTP text, redacted
  // The global redactor's generation() just before the transcript was redacted, when it was.
  std::optional<std::size_t> transcript_redacted_at;
  bool failed() const;
  // An error of the environment or of tenantcheck itself: the step could not be judged (a case
  // holding one is an error, not a contract violation).
  bool broken() const;
  // Every failure as "step 'NAME' (file:line): <kind> <description>: expected <e>, actual <a>".
  std::vector<std::string> failure_lines() const;
};

struct ScenarioResult {
  const ScenarioCase* scenario_case = nullptr;
  std::int64_t started_ms = 0, finished_ms = 0;  // wall clock, ms since the epoch
  std::vector<StepResult> steps;
  std::optional<std::string> skipped;       // reason, when the scenario was skipped
  bool after_deadline = false;              // skipped because the run's deadline had passed
  // The first transport error (naming the component), or an exception the runner caught inside a
  // step (kind internal): either makes the case's outcome error, never a lost case.
  std::optional<Error> environment_error;
  bool failed() const;
  // The failure message of the whole scenario: the scenario's name, every failure line of every
  // step, each followed by that step's transcript. Empty when nothing failed.
  std::string failure_message() const;
};

// Implemented by reporters; called on the thread that runs the test, in order.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void on_step(const ScenarioCase& scenario, const StepResult& step) {}
  virtual void on_scenario(const ScenarioCase& scenario, const ScenarioResult& result) {}
};

// Sinks are registered before the run and must outlive it; not owned.
void add_result_sink(ResultSink* sink);
void remove_result_sink(ResultSink* sink);
void publish_step(const ScenarioCase& scenario, const StepResult& step);
void publish_scenario(const ScenarioCase& scenario, const ScenarioResult& result);

}  // namespace tc

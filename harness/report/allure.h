// reports/allure-results/ in the Allure results format (what the Allure 3 command line renders):
// one <uuid>-result.json per scenario case with a step per request and a nested step per
// expectation (expected and actual as parameters); a step that did not pass has its transcript and
// its checks' evidence (the audit record matched) attached, the passed steps' texts are one
// attachment of the case, in step order; labels suite, feature (the scenario's sequence: its
// folder), story (the scenario), tag, severity ("critical" when it cites an isolation invariant
// I1–I4, else "normal") and tenant (every tenant a response was served in, by the profile's tenant
// header); a link per clause id to its heading in the contract document; the matrix row as
// parameters; on failure, each component's log tail. Statuses: failed = a contract violation,
// broken = an environment error. Everything written has passed through the global redactor.
#pragma once
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "harness/report/requirements.h"
#include "harness/report/run_record.h"
#include "harness/runner/results.h"

namespace tc {

struct AllureOptions {
  std::string results_dir;                     // <reports>/allure-results
  std::string contract_url;                    // the contract document's URL; "#anchor" is appended
  std::vector<ContractClause> clauses;         // for the anchors of clause links
  std::string tenant_header;                   // the profile's canonical tenant header
  // Each component's log tail (name, text), attached to a failing case.
  std::function<std::vector<std::pair<std::string, std::string>>()> log_tails;
};

// A follower of the run's RunRecorder (its text from the case record, redacted once there), or a
// sink of its own that makes the record itself.
class AllureWriter : public ResultSink, public CaseSink {
 public:
  // Creates the results folder, emptied of earlier results, with categories.json.
  static Result<AllureWriter> open(AllureOptions options);
  void on_scenario(const ScenarioCase& scenario, const ScenarioResult& result) override;
  void on_case(const CaseRecord& record, const ScenarioCase& scenario, const ScenarioResult& result) override;
  // What was lost: one error naming the folder when any write failed, then each file that could
  // not be redacted again.
  std::vector<Error> errors() const;
  // Every result and attachment written so far, redacted again in place: for cases written before
  // the run learnt a secret (their JSON and text hold only forms the redactor knows). Each one that
  // cannot be rewritten is removed and named in errors().
  void redact_written_again();

  AllureWriter(AllureWriter&& other) noexcept : options_(std::move(other.options_)) {
    std::lock_guard lock(other.mu_);
    errors_ = std::move(other.errors_);
    write_failed_ = other.write_failed_;
  }

 private:
  explicit AllureWriter(AllureOptions options) : options_(std::move(options)) {}
  AllureOptions options_;
  mutable std::mutex mu_;
  std::vector<Error> errors_;
  bool write_failed_ = false;  // a failed write is said once: it names the folder, not a case
};

// <results_dir>/environment.properties: one "key=value" line per run property (redacted).
Result<Unit> write_allure_environment(const std::string& results_dir, const std::map<std::string, std::string>& properties);

// The GitHub-style anchor of a "### ID — Title" heading ("g3--tenant-resolution").
std::string heading_anchor(const std::string& heading);

}  // namespace tc

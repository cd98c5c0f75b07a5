// Determinism across repetitions (--gtest_repeat): every scenario case's outcome fingerprint — skipped
// or not, and per step whether it ran, its status code and whether it passed — is kept per
// repetition (a case the run's deadline kept from running is left out). A case whose fingerprint
// differs between two repetitions is a flake, reported with both repetitions' transcripts (a flake's
// texts redacted when it is read, with every secret learnt by then).
#pragma once
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "harness/runner/results.h"

namespace tc {

struct Flake {
  std::string test;                  // suite.test
  int first = 0, other = 0;          // 1-based repetitions whose fingerprints differ
  std::string first_fingerprint, other_fingerprint;
  std::string first_transcript, other_transcript;
};

class FlakeDetector : public ResultSink {
 public:
  void on_scenario(const ScenarioCase& scenario, const ScenarioResult& result) override;
  // The most times any case ran.
  int repetitions() const;
  // One entry per case that differed, against its first repetition.
  std::vector<Flake> flakes() const;
  // Each flake with both transcripts on `out`, then "determinism: N repetitions, M flake(s)"; the
  // same in <reports_dir>/flakes.json. The number of flakes, or an environment error naming
  // flakes.json when it could not be written.
  Result<std::size_t> report(std::ostream& out, const std::string& reports_dir) const;

 private:
  struct Seen {
    std::string fingerprint, transcript;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Seen>> runs_;
};

// "ran step-name 200 pass | …"; "skipped: reason" for a skipped case.
std::string outcome_fingerprint(const ScenarioResult& result);

}  // namespace tc

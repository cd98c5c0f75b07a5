// The baseline: failures a team knows of and accepts for a while. A file (YAML or JSON)
//   known_failures:
//     - {test: SUITE.TEST, reason: "why, with a ticket", expires: 2026-12-31}
// where TEST may end in '*' to match every case it starts (matrix rows). Applied to a run's record:
// a failing case matched by an entry not yet expired is a known failure and does not fail the run;
// one matched only by expired entries, or by none, does. Entries whose cases all passed now are
// reported ("now passes: remove it"), as are entries that matched no case.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "harness/report/run_record.h"

namespace tc {

struct BaselineEntry {
  std::string test, reason, expires;  // expires: YYYY-MM-DD, the last day it holds
  Where where;
  bool matches(const std::string& case_id) const;
};

struct Baseline {
  std::string file;
  std::vector<BaselineEntry> entries;
};

// An input error naming file, line and JSON pointer for an unknown key, a missing or empty test or
// reason, or a date that is not YYYY-MM-DD.
Result<Baseline> load_baseline(const std::string& path);

struct BaselineVerdict {
  std::vector<std::string> new_failures;   // failing, in no entry
  std::vector<std::string> expired;        // failing, only in entries past their expiry
  std::vector<std::string> known;          // failing, in an entry that holds: "id: reason (until date)"
  std::vector<std::string> now_passing;    // entries whose cases ran and none failed
  std::vector<std::string> unmatched;      // entries that matched no case of the run
  bool failed() const { return !new_failures.empty() || !expired.empty(); }
};

// `today` is YYYY-MM-DD; an entry holds through its expiry day.
BaselineVerdict apply_baseline(const Baseline& baseline, const RunRecord& record, const std::string& today);
// Today's date in UTC as YYYY-MM-DD.
std::string today_utc();
// apply_baseline with today's date, printed on `out` and written to <reports_dir>/baseline.json;
// whether the run fails by it, or an environment error when baseline.json could not be written.
Result<bool> judge_by_baseline(const Baseline& baseline, const RunRecord& record, const std::string& reports_dir,
                               std::ostream& out);

}  // namespace tc

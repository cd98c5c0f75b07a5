// What changed between two runs (`tenantcheck report diff OLD NEW`): per case id, its outcome in
// each — the worst over repetitions, error and failed counting as failed — sorted into newly
// failing (a case added that fails included), newly passing, otherwise changed (to or from
// skipped), added and removed.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "harness/report/run_record.h"

namespace tc {

struct OutcomeChange {
  std::string id, before, after;  // before/after empty when the case is absent from that run
};

struct RunDiff {
  std::vector<OutcomeChange> newly_failing, newly_passing, changed, added, removed;
  int unchanged = 0;
};

RunDiff diff_runs(const RunRecord& before, const RunRecord& after);
// A section per non-empty list, then "diff: N newly failing, N newly passing, …".
void print_diff(std::ostream& out, const RunDiff& diff);

}  // namespace tc

#include "harness/report/run_diff.h"

#include <map>

namespace tc {
namespace {

std::map<std::string, std::string> outcomes(const RunRecord& record) {
  std::map<std::string, std::string> by_id;
  for (const auto& c : record.cases) {
    if (c.after_deadline) continue;
    auto& outcome = by_id.emplace(c.id(), "skipped").first->second;  // the least outcome, then the worse
    outcome = worse_outcome(outcome, c.outcome);
  }
  return by_id;
}

void section(std::ostream& out, const char* title, const std::vector<OutcomeChange>& changes) {
  if (changes.empty()) return;
  out << title << " (" << changes.size() << "):\n";
  for (const auto& c : changes) {
    out << "  " << c.id << ": ";
    if (c.before.empty()) out << c.after;
    else if (c.after.empty()) out << c.before;
    else out << c.before << " -> " << c.after;
    out << "\n";
  }
}

}  // namespace

RunDiff diff_runs(const RunRecord& before, const RunRecord& after) {
  RunDiff d;
  const auto old_outcomes = outcomes(before), new_outcomes = outcomes(after);
  for (const auto& [id, now] : new_outcomes) {
    auto it = old_outcomes.find(id);
    if (it == old_outcomes.end()) {  // a new case that fails is newly failing too
      (now == "failed" ? d.newly_failing : d.added).push_back({id, "", now});
      continue;
    }
    const std::string& was = it->second;
    if (was == now) ++d.unchanged;
    else if (now == "failed") d.newly_failing.push_back({id, was, now});
    else if (was == "failed" && now == "passed") d.newly_passing.push_back({id, was, now});
    else d.changed.push_back({id, was, now});
  }
  for (const auto& [id, was] : old_outcomes)
    if (!new_outcomes.count(id)) d.removed.push_back({id, was, ""});
  return d;
}

void print_diff(std::ostream& out, const RunDiff& d) {
  section(out, "newly failing", d.newly_failing);
  section(out, "newly passing", d.newly_passing);
  section(out, "changed", d.changed);
  section(out, "added", d.added);
  section(out, "removed", d.removed);
  out << "diff: " << d.newly_failing.size() << " newly failing, " << d.newly_passing.size() << " newly passing, "
      << d.changed.size() << " changed, " << d.added.size() << " added, " << d.removed.size() << " removed, "
      << d.unchanged << " unchanged\n";
}

}  // namespace tc

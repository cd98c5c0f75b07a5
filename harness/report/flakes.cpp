#include "harness/report/flakes.h"

#include <algorithm>

namespace tc {

std::string outcome_fingerprint(const ScenarioResult& result) {
  if (result.skipped) return "skipped: " + *result.skipped;
  std::string out;
  for (const auto& s : result.steps) {
    if (!out.empty()) out += " | ";
    out += s.name + (s.ran ? " " + std::to_string(s.status) + (s.failed() ? " fail" : " pass") : " not run");
  }
  return out;
}

void FlakeDetector::on_scenario(const ScenarioCase& scenario, const ScenarioResult& result) {
  if (result.after_deadline) return;  // not an outcome of the scenario: the run ran out of time
  std::string transcript;
  for (const auto& s : result.steps)
    if (s.ran) transcript += "--- step '" + s.name + "'\n" + s.transcript + "\n";
  std::lock_guard lock(mu_);
  runs_[scenario.suite_name + "." + scenario.test_name].push_back(Seen{outcome_fingerprint(result), transcript});
}

int FlakeDetector::repetitions() const {
  std::lock_guard lock(mu_);
  std::size_t most = 0;
  for (const auto& [test, seen] : runs_) most = std::max(most, seen.size());
  return static_cast<int>(most);
}

std::vector<Flake> FlakeDetector::flakes() const {
  std::lock_guard lock(mu_);
  std::vector<Flake> out;
  for (const auto& [test, seen] : runs_)
    for (std::size_t i = 1; i < seen.size(); ++i)
      if (seen[i].fingerprint != seen[0].fingerprint) {
        out.push_back(Flake{test, 1, static_cast<int>(i) + 1, seen[0].fingerprint, seen[i].fingerprint,
                            seen[0].transcript, seen[i].transcript});
        break;
      }
  return out;
}

}  // namespace tc

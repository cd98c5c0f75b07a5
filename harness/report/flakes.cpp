#include "harness/report/flakes.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/redact.h"
#include "harness/report/report_file.h"

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
  // Kept as the steps ran, shown as every report shows them: redacted with every secret learnt by now.
  const Redactor& redact = global_redactor();
  std::lock_guard lock(mu_);
  std::vector<Flake> out;
  for (const auto& [test, seen] : runs_)
    for (std::size_t i = 1; i < seen.size(); ++i)
      if (seen[i].fingerprint != seen[0].fingerprint) {
        out.push_back(Flake{test, 1, static_cast<int>(i) + 1, redact.apply(seen[0].fingerprint),
                            redact.apply(seen[i].fingerprint), redact.apply(seen[0].transcript),
                            redact.apply(seen[i].transcript)});
        break;
      }
  return out;
}

Result<std::size_t> FlakeDetector::report(std::ostream& out, const std::string& reports_dir) const {
  using nlohmann::json;
  const auto found = flakes();
  json doc{{"repetitions", repetitions()}, {"flakes", json::array()}};
  for (const auto& f : found) {
    out << "FLAKE " << f.test << ": repetition " << f.first << " [" << f.first_fingerprint << "] but repetition "
        << f.other << " [" << f.other_fingerprint << "]\n--- repetition " << f.first << "\n"
        << f.first_transcript << "--- repetition " << f.other << "\n" << f.other_transcript;
    doc["flakes"].push_back(json{{"test", f.test},
                                 {"repetitions", {f.first, f.other}},
                                 {"fingerprints", {f.first_fingerprint, f.other_fingerprint}},
                                 {"transcripts", {f.first_transcript, f.other_transcript}}});
  }
  out << "determinism: " << repetitions() << " repetitions, " << found.size() << " flake(s)\n";
  std::error_code ec;
  std::filesystem::create_directories(reports_dir, ec);
  if (auto written = write_report_file(std::filesystem::path(reports_dir) / "flakes.json", doc.dump(2) + "\n"); !written)
    return written.error();
  return found.size();
}

}  // namespace tc

#include "harness/runner/results.h"

#include <algorithm>
#include <mutex>

namespace tc {

namespace {
std::mutex sinks_mu;
std::vector<ResultSink*>& sinks() {
  static std::vector<ResultSink*> s;
  return s;
}
std::vector<ResultSink*> snapshot() {
  std::lock_guard lock(sinks_mu);
  return sinks();
}
std::string where_of(const Loc& loc) { return loc.file + ":" + std::to_string(loc.line); }
}  // namespace

bool StepResult::failed() const {
  if (error) return true;
  return std::any_of(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.failed(); });
}

bool StepResult::broken() const {
  return error && (error->kind == ErrorKind::environment || error->kind == ErrorKind::internal);
}

std::vector<std::string> StepResult::failure_lines() const {
  std::vector<std::string> lines;
  const std::string prefix = "step '" + name + "' (" + where_of(loc) + "): ";
  if (error) lines.push_back(prefix + error->to_string());
  for (const auto& o : outcomes) {
    if (!o.failed()) continue;
    std::string line = prefix + o.kind;
    if (!o.description.empty()) line += " " + o.description;
    line += ": expected " + o.expected + ", actual " + o.actual;
    lines.push_back(std::move(line));
  }
  return lines;
}

bool ScenarioResult::failed() const {
  if (environment_error) return true;
  return std::any_of(steps.begin(), steps.end(), [](const StepResult& s) { return s.failed(); });
}

std::string ScenarioResult::failure_message() const {
  std::string out;
  for (const auto& step : steps) {
    auto lines = step.failure_lines();
    if (lines.empty()) continue;
    if (out.empty() && scenario_case && scenario_case->scenario)
      out += "scenario '" + scenario_case->scenario->name + "' (" + scenario_case->scenario->file + ")\n";
    for (const auto& l : lines) out += l + "\n";
    if (!step.transcript.empty()) out += step.transcript + "\n";
  }
  return out;
}

void add_result_sink(ResultSink* sink) {
  std::lock_guard lock(sinks_mu);
  sinks().push_back(sink);
}

void remove_result_sink(ResultSink* sink) {
  std::lock_guard lock(sinks_mu);
  auto& s = sinks();
  s.erase(std::remove(s.begin(), s.end(), sink), s.end());
}

void publish_step(const ScenarioCase& scenario, const StepResult& step) {
  for (auto* s : snapshot()) s->on_step(scenario, step);
}

void publish_scenario(const ScenarioCase& scenario, const ScenarioResult& result) {
  for (auto* s : snapshot()) s->on_scenario(scenario, result);
}

}  // namespace tc

#include "harness/runner/scenario_runner.h"

#include "harness/runner/step_runner.h"

#include "common/document.h"
#include "common/json_text.h"
#include "common/text.h"
#include "harness/runner/expectation.h"
#include "harness/template/template.h"

namespace tc {

namespace {
// The first of `caps` the run's topology does not offer.
std::optional<std::string> missing_capability(const std::vector<std::string>& caps, RunContext& run) {
  for (const auto& cap : caps)
    if (!run.environment().capabilities.count(cap)) return cap;
  return std::nullopt;
}

// What `f` threw, as text; nothing when it returned.
template <class F>
std::optional<std::string> thrown_by(F&& f) {
  try {
    f();
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string(e.what());
  } catch (...) {
    return std::string("an exception that is not a std::exception");
  }
}

// run_step, except that nothing it throws can take the case out of the reports: an exception is
// the step's error (kind internal), and the case's outcome is error.
StepResult run_step_guarded(const StepSpec& step, Scope& scope, RunContext& run, CookieJar& jar) {
  StepResult sr;
  const auto what = thrown_by([&] { sr = run_step(step, scope, run, &jar); });
  if (!what) return sr;
  sr = StepResult{};
  sr.name = step.name;
  sr.loc = step.loc;
  sr.ran = true;
  sr.error = Error{ErrorKind::internal, Where{step.loc.file, step.loc.line, step.loc.pointer, "", ""},
                   "internal error: the runner failed inside this step: " + *what};
  return sr;
}

// render_vars, guarded as a step is: what it throws is the block's error (kind internal).
Result<Unit> render_vars_guarded(const json& vars, Scope& scope, const Loc& loc, const TemplateContext& ctx) {
  Result<Unit> r = Unit{};
  const auto what = thrown_by([&] { r = render_vars(vars, scope, loc, ctx); });
  if (!what) return r;
  return Error{ErrorKind::internal, loc.where(), "internal error: the runner failed rendering this block: " + *what};
}
// How many times `step` is sent: 1, its integer, or its template rendered now (a whole number
// 1..kMaxRepeat, or the step's input error naming the repeat).
Result<int> repeat_count(const StepSpec& step, const Scope& scope, const TemplateContext& ctx) {
  if (step.repeat.is_null()) return 1;
  Loc loc = step.loc;
  loc.pointer = pointer_join(step.loc.pointer, "repeat");
  auto v = render(step.repeat, scope, loc, ctx);
  if (!v) return v.error();
  const auto n = whole_number(*v);
  if (!n || !is_repeat_count(*n)) return input_error(loc.where(), repeat_rule() + ", got " + shortened(json_text(*v), 80));
  return static_cast<int>(*n);
}

// The result of a step that sends nothing: named and placed, not run unless the caller says so.
StepResult unsent(const StepSpec& step) {
  StepResult sr;
  sr.name = step.name;
  sr.loc = step.loc;
  return sr;
}
}  // namespace

ScenarioResult run_scenario(const ScenarioCase& scenario_case, RunContext& run) {
  ScenarioResult result;
  result.scenario_case = &scenario_case;
  result.started_ms = epoch_ms();
  auto finish = [&result] { result.finished_ms = epoch_ms(); };
  const Scenario& scenario = *scenario_case.scenario;
  if (auto late = run.deadline_error()) {  // the run's deadline: no further scenario starts
    result.skipped = "not run: " + late->message;
    result.after_deadline = true;
    finish();
    publish_scenario(scenario_case, result);
    return result;
  }
  if (!scenario.not_applicable.empty()) {
    result.skipped = scenario.not_applicable;
    finish();
    publish_scenario(scenario_case, result);
    return result;
  }
  if (auto missing = missing_capability(scenario.requires_caps, run)) {
    result.skipped = "needs capability '" + *missing + "' that the topology does not offer";
    finish();
    publish_scenario(scenario_case, result);
    return result;
  }
  // A scenario for platforms whose profile sets a switch otherwise does not apply here.
  for (const auto& [name, want] : scenario.switches) {
    const json* have = run.root_scope().lookup("contract.switches." + name);
    if (!have || *have != want) {
      result.skipped = "for profiles whose switches." + name + " is " + (want ? "true" : "false") + "; this one's is " +
                       (have ? have->dump() : std::string("not set"));
      finish();
      publish_scenario(scenario_case, result);
      return result;
    }
  }
  // A case whose every step needs a missing capability tests nothing: skipped with the reason.
  std::optional<std::string> every_step_lacks;
  for (const auto& step : scenario.steps) {
    auto missing = missing_capability(step.requires_caps, run);
    if (!missing) {
      every_step_lacks.reset();
      break;
    }
    if (!every_step_lacks) every_step_lacks = *missing;
  }
  if (every_step_lacks) {
    result.skipped = "every step needs capability '" + *every_step_lacks + "' that the topology does not offer";
    finish();
    publish_scenario(scenario_case, result);
    return result;
  }

  Scope scope(&run.root_scope());
  const TemplateContext ctx{[&run](const std::string& url) { return run.fetch_json(url); }};
  // The matrix row, then the scenario's vars: templates both (a row may name a bound entry,
  // "{{fx.users.one}}"), rendered before the first step; a failure is the case's only step.
  const std::pair<const char*, const json*> blocks[] = {{"matrix", &scenario_case.row}, {"vars", &scenario.vars}};
  for (const auto& [key, block] : blocks) {
    if (!block->is_object()) continue;
    Loc loc = scenario.loc;
    loc.pointer = pointer_join(scenario.loc.pointer, key);
    auto r = render_vars_guarded(*block, scope, loc, ctx);
    if (r) continue;
    StepResult setup;
    setup.name = std::string("(scenario ") + key + ")";
    setup.loc = loc;
    setup.ran = true;
    setup.error = r.error();
    setup.started_ms = setup.finished_ms = epoch_ms();
    if (r.error().kind == ErrorKind::environment) result.environment_error = r.error();
    publish_step(scenario_case, setup);
    result.steps.push_back(std::move(setup));
    finish();
    publish_scenario(scenario_case, result);
    return result;
  }

  // One browser session per case: cookies never pass from one case (or matrix row) to another.
  CookieJar jar;
  bool failed = false;
  auto record = [&](StepResult sr) {
    publish_step(scenario_case, sr);
    result.steps.push_back(std::move(sr));
  };
  for (const auto& step : scenario.steps) {
    if (auto missing = missing_capability(step.requires_caps, run)) {
      StepResult sr = unsent(step);
      sr.skipped = "needs capability '" + *missing + "' that the topology does not offer";
      record(std::move(sr));
      continue;
    }
    if (failed && !step.cleanup) {
      record(unsent(step));
      continue;
    }
    Result<int> times = 1;
    if (const auto what = thrown_by([&] { times = repeat_count(step, scope, ctx); }))
      times = Error{ErrorKind::internal, step.loc.where(), "internal error: the runner failed rendering repeat: " + *what};
    if (!times) {  // the step's error: nothing sent
      StepResult sr = unsent(step);
      if (auto name = render_text(step.name, scope, step.loc, ctx)) sr.name = *name;  // as run_step names it
      sr.ran = true;
      sr.error = times.error();
      sr.started_ms = sr.finished_ms = epoch_ms();
      if (sr.broken() && !result.environment_error) result.environment_error = sr.error;
      failed = true;
      record(std::move(sr));
      continue;
    }
    for (int k = 1; k <= *times; ++k) {
      const std::size_t errors_before = run.environment_errors().size();
      const std::int64_t started = epoch_ms();
      StepResult sr = run_step_guarded(step, scope, run, jar);
      sr.started_ms = started;
      sr.finished_ms = epoch_ms();
      if (*times > 1) sr.name += " (" + std::to_string(k) + " of " + std::to_string(*times) + ")";
      if (sr.failed()) failed = true;
      if (sr.broken() && !result.environment_error)
        result.environment_error = sr.error;
      // An expectation that could not reach its source (JWKS, audit) recorded an environment error:
      // the case is an environment error, not a contract violation.
      const auto errors = run.environment_errors();
      if (!result.environment_error && errors.size() > errors_before) result.environment_error = errors.back();
      // A component the runner started died (a backend behind a gateway's 502): the failure is the
      // environment's, and the error names the component.
      if (sr.failed() && !result.environment_error && run.environment().check_alive)
        if (auto alive = run.environment().check_alive(); !alive) {
          run.record_environment_error(alive.error());
          result.environment_error = alive.error();
        }
      const bool stop = sr.failed();
      record(std::move(sr));
      if (stop) break;  // the sends after a failed one are not made
    }
  }
  finish();
  publish_scenario(scenario_case, result);
  return result;
}

}  // namespace tc

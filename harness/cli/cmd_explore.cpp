// tenantcheck explore: start the topology, draw probes from a seeded generator over principals,
// tokens, routes, items, tenant carriers and query strings, judge each answer against the contract
// model (harness/explore/), shrink every failing probe, and report one case per finding class, each
// with its shrunk exchange and a scenario file that can join the pack. Exit 0 no finding, 1 findings,
// 2 usage or input error, 3 environment error, 4 nothing was judged, 130/143 interrupted.
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <set>

#include "common/crypto.h"
#include "common/redact.h"
#include "common/utc_time.h"
#include "harness/cli/commands.h"
#include "harness/cli/project_paths.h"
#include "harness/cli/scenario_set.h"
#include "harness/cli/setup.h"
#include "harness/cli/signals.h"
#include "harness/env/supervisor.h"
#include "harness/explore/explorer.h"
#include "harness/explore/model.h"
#include "harness/explore/scenario_writer.h"
#include "harness/loader/naming.h"
#include "harness/model/clauses.h"
#include "harness/report/allure.h"
#include "harness/report/console.h"
#include "harness/report/report_file.h"
#include "harness/report/run_record.h"
#include "harness/report/run_reports.h"
#include "harness/runner/expectation.h"
#include "harness/runner/scenario_runner.h"

namespace tc::cli {

namespace {

namespace fs = std::filesystem;

struct ExploreCommandOptions {
  SetupOptions setup;
  PackOptions pack;                 // --matrix: the scenarios whose requests are replayed
  bool matrix = false;
  std::vector<std::string> faults;
  std::string reports_dir = "reports";
  std::optional<std::uint64_t> seed;
  long budget = 2000;
  double time_s = 0;
  double max_rate = 0;
  long deadline_s = 0;
  bool allow_writes = false;
  TlsOptions tls;
};

// One case per finding class: a scenario named for it whose one step is the shrunk exchange, every
// violation of that exchange a failed check. The scenario objects outlive the recorder's use of them.
struct FindingCases {
  std::vector<std::unique_ptr<Scenario>> scenarios;
  std::vector<std::unique_ptr<ScenarioCase>> cases;

  const ScenarioCase& add(const std::string& file, const std::string& name, std::vector<std::string> requirements) {
    auto s = std::make_unique<Scenario>();
    s->file = file;
    s->name = name;
    s->tags = {"explored"};
    s->requirements = std::move(requirements);
    s->loc = Loc{file, 1, ""};
    auto c = std::make_unique<ScenarioCase>();
    c->scenario = s.get();
    c->suite_name = "explore";
    c->test_name = filter_safe(name);
    scenarios.push_back(std::move(s));
    cases.push_back(std::move(c));
    return *cases.back();
  }
};

int explore_command(const ExploreCommandOptions& o) {
  RunLimits limits;
  limits.max_rate = o.max_rate;
  limits.deadline_s = o.deadline_s;
  limits.started = std::chrono::steady_clock::now();
  register_builtin_expectations();  // flows run as scenarios
  auto setup = load_setup(o.setup, SetupUse::start_environment);
  if (!setup) return print_error(setup.error());
  Topology& topology = *setup->topology;
  if (auto placed = add_faults(topology, o.faults); !placed) return print_error(placed.error());
  if (topology.fixtures.empty())
    return print_error(input_error(Where{topology.file, 0, "/fixtures", {}, {}},
                                   "explore reads the platform's declared routes and principals from the topology's "
                                   "fixtures folder, and this topology names none"));
  auto model = explore::Model::load(setup->profile.values(), topology.fixtures, setup->bindings);
  if (!model) return print_error(model.error());
  model->hold_to(topology.clauses);
  // --matrix: the pack (the PATHs, else the topology's), loaded and checked before anything starts.
  std::optional<ScenarioSet> pack;
  if (o.matrix) {
    pack.emplace(load_scenario_set(o.pack, &setup->profile.values(), &topology, setup->bindings_file, true, {}));
    if (!pack->errors.empty()) {
      for (const auto& e : pack->errors) print_error(e);
      return kExitInput;
    }
  }
  std::uint64_t seed = 0;
  if (o.seed) seed = *o.seed;
  else
    for (unsigned char byte : random_bytes(4)) seed = seed << 8 | byte;  // a new one, printed: --seed repeats it
  clear_run_reports(o.reports_dir);
  const fs::path scenarios_dir = fs::path(o.reports_dir) / "explore" / "scenarios";
  std::error_code ec;
  fs::remove_all(fs::path(o.reports_dir) / "explore", ec);

  Console console({stdout, false, colour_wanted(stdout)});
  console.header({{"tenantcheck", TC_VERSION},
                  {"topology", topology.file},
                  {"profile", topology.profile},
                  {"explore", "seed " + std::to_string(seed) + ", budget " + std::to_string(o.budget) + " requests" +
                                  (o.time_s > 0 ? ", at most " + std::to_string(static_cast<long>(o.time_s)) + " s" : "") +
                                  (o.allow_writes ? ", writes allowed" : ", read-only")},
                  {"model", std::to_string(model->principals().size()) + " principals, " +
                                std::to_string(model->routes().size()) + " routes, " +
                                std::to_string(model->tenants().size()) + " tenants, " +
                                std::to_string(model->items().size()) + " items"},
                  {"reports", o.reports_dir + " (explore/scenarios/, html/index.html, junit.xml)"}});

  SupervisorOptions sup_options;
  sup_options.reports_dir = o.reports_dir;
  sup_options.contract = &setup->profile.values();
  Supervisor supervisor(sup_options);
  SignalGuard guard([&supervisor] { supervisor.stop(); });
  auto env = supervisor.start(topology);
  if (!env) {
    print_error(env.error());
    print_component_log(env.error(), supervisor);
    return kExitEnvironment;
  }
  env->bindings = setup->bindings;
  RunContext run(std::move(*env), setup->profile.values(), o.tls);
  run.set_limits(limits);

  explore::ExploreOptions options;
  options.seed = seed;
  options.budget = o.budget;
  options.time_s = o.time_s;
  options.writes = o.allow_writes;
  options.scratch_dir = (fs::path(o.reports_dir) / "explore" / "candidates").string();
  explore::Explorer explorer(run, *model, options);

  // The authorization matrix's requests: what the pack sends through the gateway in the cases that
  // pass, their tokens left out.
  std::vector<explore::Probe> matrix;
  long pack_cases = 0, pack_passed = 0;
  if (pack) {
    const auto gateway = run.environment().components.find("gateway");
    std::vector<HttpRequest> sent;
    if (gateway != run.environment().components.end())
      run.observe_requests([&](const HttpRequest& r) {
        if (r.url.rfind(gateway->second.url, 0) == 0) {
          sent.push_back(r);
          explorer.note_pack_request(r);  // the pack's requests spend budgets (T2), change selections (W3)
        }
      });
    std::set<std::string> seen;
    for (const auto& c : pack->cases) {
      sent.clear();
      const ScenarioResult result = run_scenario(c, run);
      ++pack_cases;
      if (result.failed() || result.skipped || result.environment_error) continue;
      ++pack_passed;
      for (const auto& r : sent)
        if (auto probe = explore::probe_from_request(*model, r, gateway->second.url)) {
          std::string key = std::to_string(probe->route) + "|" + probe->item_id + "|" + probe->path_tenant + "|" + probe->query +
                            "|" + (probe->spoof_identity ? "spoof" : "");
          for (const auto& carrier : probe->carriers)
            key += "|" + explore::carrier_name(*model, carrier) + "=" + explore::carrier_value(carrier);
          if (seen.insert(key).second) matrix.push_back(std::move(*probe));
        }
    }
    run.observe_requests(nullptr);
    std::cout << "matrix: " << matrix.size() << " distinct requests from " << pack_passed << " of " << pack_cases
              << " pack case(s) that passed\n";
    if (!explorer.changed_principals().empty()) {
      std::cout << "matrix: the pack changed the selections or memberships of";
      for (const auto& key : explorer.changed_principals()) std::cout << " " << key;
      std::cout << "; explore calls none of them\n";
    }
  }

  explore::ExploreSummary summary;
  try {
    summary = explorer.explore(matrix);
  } catch (const std::exception& e) {  // a bug of ours, never a verdict on the platform
    supervisor.stop();
    std::cerr << "internal error: explore: " << global_redactor().apply(e.what()) << "\n";
    return kExitInternal;
  }
  auto alive = supervisor.check_alive();
  supervisor.stop();

  // Reports: one case per finding class, or one passing case for a clean exploration.
  const auto clauses = project_contract_clauses();
  AllureOptions allure_options;
  allure_options.results_dir = (fs::path(o.reports_dir) / "allure-results").string();
  allure_options.clauses = clauses;
  auto allure = AllureWriter::open(std::move(allure_options));
  if (!allure) return print_error(allure.error());
  RunRecorder recorder({&console, &*allure});
  recorder.set_property("harness.version", TC_VERSION);
  recorder.set_property("topology", topology.file);
  recorder.set_property("profile", topology.profile);
  recorder.set_property("explore.seed", std::to_string(seed));
  recorder.set_property("explore.requests", std::to_string(summary.requests));
  recorder.set_property("explore.probes", std::to_string(summary.probes));
  if (pack) recorder.set_property("explore.matrix", std::to_string(matrix.size()) + " requests, " +
                                                        std::to_string(summary.matrix_probes) + " probes");
  const double rate = summary.seconds > 0 ? summary.requests / summary.seconds : 0;
  recorder.set_property("explore.requests_per_second", std::to_string(static_cast<long>(rate)));
  recorder.set_property("started", format_utc(epoch_ms(), "%Y-%m-%dT%H:%M:%SZ"));

  ReportsLost lost;  // as for run: a report not written is an environment error
  std::size_t scenarios_written = 0;
  FindingCases cases;
  fs::create_directories(scenarios_dir, ec);  // a failure shows at the first file written
  for (const auto& f : summary.findings) {
    std::string file = (scenarios_dir / explore::scenario_file_name(f)).string();
    for (int n = 2; fs::exists(file); ++n)  // two classes whose names share their first 100 characters
      file = (scenarios_dir / (fs::path(explore::scenario_file_name(f)).stem().string() + "-" + std::to_string(n) + ".yaml")).string();
    const std::string scenario = explore::scenario_for(*model, f, seed, fs::path(topology.file).filename().string());
    if (auto written = write_report_file(file, global_redactor().apply(scenario)); !written) {
      lost.add(written.error());
    } else {
      ++scenarios_written;
    }
    const ScenarioCase& c = cases.add(file, f.key(), explore::finding_requirements(*model, f));
    ScenarioResult result;
    result.scenario_case = &c;
    result.started_ms = result.finished_ms = epoch_ms();
    StepResult step;
    step.name = "the shrunk request (" + std::to_string(f.occurrences) + " probe(s) of this class)";
    step.loc = Loc{file, 1, ""};
    step.ran = true;
    step.correlation_id = f.correlation_id;
    step.transcript = f.transcript;
    for (const auto& v : f.violations) {
      Outcome out;
      out.status = Outcome::Status::failed;
      out.kind = v.clause;
      out.description = v.check;
      out.expected = v.expected;
      out.actual = v.actual;
      step.outcomes.push_back(std::move(out));
    }
    result.steps.push_back(std::move(step));
    recorder.on_scenario(c, result);
  }
  if (summary.findings.empty() && summary.probes > 0) {
    const ScenarioCase& c = cases.add(topology.file, "no finding", {});
    ScenarioResult result;
    result.scenario_case = &c;
    result.started_ms = result.finished_ms = epoch_ms();
    recorder.on_scenario(c, result);
  }
  const RunRecord record = recorder.record();
  if (auto written = write_run_reports(record, o.reports_dir, clauses); !written) lost.add(written.error());
  lost.add(supervisor.files_lost());  // a component's file that could not be redacted again
  lost.add(allure->errors());

  std::cout << "explore: " << summary.probes << " probes, " << summary.requests << " requests in " << std::fixed
            << std::setprecision(1) << summary.seconds << " s (" << std::setprecision(0) << rate << " requests/s), "
            << summary.findings.size() << " finding class(es)"
            << (scenarios_written == 0 ? "" : "; scenarios in " + scenarios_dir.string()) << "\n";
  int code = summary.findings.empty() ? kExitPassed : kExitFailed;
  for (const auto& e : summary.errors) {
    const bool ours = e.kind == ErrorKind::internal;
    std::cerr << (ours ? "internal error: " : "environment error: ") << global_redactor().apply(e.to_string()) << "\n";
    code = std::max<int>(code, ours ? kExitInternal : kExitEnvironment);
  }
  if (!alive) {
    std::cerr << "environment error: " << alive.error().to_string() << "\n";
    print_component_log(alive.error(), supervisor);
    code = std::max<int>(code, kExitEnvironment);  // an internal error found meanwhile stays one
  }
  if (lost.any()) code = std::max<int>(code, kExitEnvironment);
  if (code == kExitPassed && summary.probes == 0) {
    std::cerr << "error: the exploration judged nothing (a budget of " << o.budget << " requests)\n";
    code = kExitNothingTested;
  }
  console.finish(record, std::chrono::duration<double>(std::chrono::steady_clock::now() - limits.started).count());
  return code;
}

}  // namespace

CommandAction add_explore_command(CLI::App& app) {
  auto o = std::make_shared<ExploreCommandOptions>();
  CLI::App* sub = app.add_subcommand("explore", "Generate requests from the contract model, judge them, shrink what fails");
  add_setup_options(sub, o->setup, true);
  add_pack_options(sub, o->pack);
  sub->add_flag("--matrix", o->matrix,
                "First replay every request the pack (the PATHs, else the topology's) sends through the gateway in its "
                "passing cases under every principal and token form");
  sub->add_option("--fault", o->faults, "Break one clause of the stubs (as for run; repeatable)")->allow_extra_args(false);
  sub->add_option("--seed", o->seed, "Seed of the generator (default: a new one, printed): the same seed, the same probes");
  sub->add_option("--budget", o->budget, "Requests to send at most, every one counted (default 2000)")->check(CLI::PositiveNumber);
  sub->add_option("--time", o->time_s, "Seconds to explore at most (default: no bound but the budget)")->check(CLI::PositiveNumber);
  sub->add_option("--max-rate", o->max_rate, "Requests per second at most (default: unlimited)")->check(CLI::PositiveNumber);
  sub->add_option("--deadline", o->deadline_s, "Seconds for the whole run, start included (exit 3 past it)")->check(CLI::PositiveNumber);
  sub->add_flag("--allow-writes", o->allow_writes, "Also POST to write routes (default: read-only, safe on staging)");
  sub->add_option("--reports", o->reports_dir, "Reports folder (default: reports)");
  sub->add_option("--cacert", o->tls.ca_file, "CA file for URLs of no component");
  sub->add_flag("--insecure", o->tls.insecure, "Do not verify TLS for URLs of no component");
  return {sub, [o] { return explore_command(*o); }};
}

}  // namespace tc::cli

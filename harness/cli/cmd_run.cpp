// tenantcheck run [PATH…]: load the topology and the contract profile, load and check every scenario
// file (nothing starts before all are valid), start the environment, run the scenarios as GoogleTest
// tests, stop the environment. Exit 0 all passed, 1 a scenario failed, 2 usage or input error,
// 3 environment error (start failed, a component unreachable or dead during the run), 130/143 when
// interrupted.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>

#include "common/profile.h"
#include "common/redact.h"
#include "harness/cli/commands.h"
#include "harness/cli/project_paths.h"
#include "harness/cli/scenario_set.h"
#include "harness/cli/signals.h"
#include "harness/env/supervisor.h"
#include "harness/env/topology.h"
#include "harness/report/console.h"
#include "harness/report/flakes.h"
#include "harness/report/requirements.h"
#include "harness/report/junit.h"
#include "harness/runner/expectation.h"
#include "harness/runner/run_context.h"
#include "harness/runner/scenario_test.h"

namespace tc::cli {

namespace {
struct RunOptions {
  std::vector<std::string> paths;
  std::vector<std::string> faults;  // ROLE.NAME, added to every stub component of that role
  std::string env_file, profile_file, bindings_file, reports_dir = "reports", tags, skip_tags;
  bool list = false;
  TlsOptions tls;
  RunLimits limits;
};

bool has_any(const std::vector<std::string>& have, const std::vector<std::string>& wanted) {
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](const std::string& t) { return std::find(have.begin(), have.end(), t) != have.end(); });
}

int print_error(const Error& e) {
  std::cerr << "error: " << e.to_string() << "\n";
  return exit_code_for(e.kind);
}

// requirements.json/.md against the clauses of the project's docs/contract.md (only the cited ones
// when it has none); a problem is reported on stderr and does not change the run's outcome.
void write_requirements(const RequirementsMatrix& matrix, const std::string& reports_dir) {
  std::vector<ContractClause> clauses;
  const std::string doc = path_or_default("", "docs/contract.md");
  std::error_code ec;
  if (std::filesystem::exists(doc, ec)) {
    auto read = read_contract_clauses(doc);
    if (read) clauses = std::move(*read);
    else std::cerr << "requirements: " << read.error().to_string() << "\n";
  }
  if (auto written = matrix.write(clauses, reports_dir); !written)
    std::cerr << "requirements: " << written.error().to_string() << "\n";
}

int run_tests(CLI::App* sub, const RunOptions& o) {
  RunLimits limits = o.limits;  // the deadline counts from here: the environment's start is part of the run
  limits.started = std::chrono::steady_clock::now();
  // Everything not understood must be a GoogleTest flag; anything else is a usage error.
  std::vector<std::string> gtest_args;
  for (const auto& extra : sub->remaining()) {
    if (extra.rfind("--gtest_", 0) != 0) {
      std::cerr << "error: flag " << extra << ": unknown option (see tenantcheck run --help)\n";
      return 2;
    }
    gtest_args.push_back(extra);
  }

  register_builtin_expectations();
  auto topology = load_topology(path_or_default(o.env_file, "compose/local.yaml"));
  if (!topology) return print_error(topology.error());
  if (!o.bindings_file.empty()) topology->bindings = o.bindings_file;  // this environment's own names
  for (const auto& fault : o.faults) {
    const std::string role = fault.substr(0, fault.find('.'));
    bool placed = false;
    for (auto& c : topology->components)
      if (c.kind == "stub" && c.stub_role == role) {
        c.faults.push_back(fault);
        placed = true;
      }
    if (!placed) {
      std::cerr << "error: flag --fault " << fault << ": the topology has no stub component of role '" << role << "'\n";
      return 2;
    }
  }
  const std::string profile_path = o.profile_file.empty() ? topology->profile : o.profile_file;
  auto profile = ContractProfile::load(profile_path);
  if (!profile) return print_error(profile.error());

  auto set = load_scenario_set(scenario_paths_or_default(o.paths), &profile->values(), &*topology, true);
  if (!set.errors.empty()) {
    for (const auto& e : set.errors) print_error(e);
    return 2;
  }

  // Tag selection: a case runs when it has one of --tags (if given) and none of --skip-tags.
  const auto tags = split_list(o.tags), skip = split_list(o.skip_tags);
  std::vector<ScenarioCase> selected;
  for (const auto& c : set.cases) {
    const auto& t = c.scenario->tags;
    if ((tags.empty() || has_any(t, tags)) && !has_any(t, skip)) selected.push_back(c);
  }
  const std::size_t deselected = set.cases.size() - selected.size();
  if (deselected) (o.list ? std::cerr : std::cout) << deselected << " deselected by --tags/--skip-tags\n";

  if (o.list) {
    for (const auto& c : selected) std::cout << c.suite_name << "." << c.test_name << "\n";
    return 0;
  }

  SupervisorOptions sup_options;
  sup_options.reports_dir = o.reports_dir;
  Supervisor supervisor(sup_options);
  SignalGuard guard([&supervisor] { supervisor.stop(); });
  auto env = supervisor.start(*topology);
  if (!env) {
    print_error(env.error());
    if (!env.error().where.component.empty()) {
      std::string tail = supervisor.log_tail(env.error().where.component);
      if (!tail.empty()) std::cerr << "--- log of " << env.error().where.component << " ---\n" << tail << "\n";
    }
    return 3;
  }

  RunContext run(std::move(*env), profile->values(), o.tls);
  run.set_limits(limits);
  std::vector<std::string> argv_storage = {"tenantcheck"};
  gtest_args = with_default_junit_output(std::move(gtest_args), o.reports_dir);
  argv_storage.insert(argv_storage.end(), gtest_args.begin(), gtest_args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  argv.push_back(nullptr);
  testing::InitGoogleTest(&argc, argv.data());
  install_console_reporter();
  register_scenario_tests(selected, run);
  FlakeDetector flakes;
  add_result_sink(&flakes);
  RequirementsMatrix requirements;
  add_result_sink(&requirements);

  const int failed = RUN_ALL_TESTS();
  remove_result_sink(&flakes);
  remove_result_sink(&requirements);
  write_requirements(requirements, o.reports_dir);
  auto alive = supervisor.check_alive();
  supervisor.stop();

  int code = failed ? 1 : 0;
  if (flakes.repetitions() > 1 && flakes.report(std::cerr, o.reports_dir) > 0) code = std::max(code, 1);
  for (const auto& e : run.environment_errors()) {
    std::cerr << "environment error: " << global_redactor().apply(e.to_string()) << "\n";
    code = 3;
  }
  if (!alive) {
    std::cerr << "environment error: " << alive.error().to_string() << "\n";
    if (!alive.error().where.component.empty())
      std::cerr << "--- log of " << alive.error().where.component << " ---\n"
                << supervisor.log_tail(alive.error().where.component) << "\n";
    code = 3;
  }
  return code;
}
}  // namespace

CommandAction add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand("run", "Run scenarios against a topology (GoogleTest flags --gtest_* pass through)");
  sub->allow_extras();
  sub->add_option("paths", options->paths, "Scenario files or folders (default: scenarios/ of the project)");
  sub->add_option("--env", options->env_file, "Topology file (default: compose/local.yaml)");
  sub->add_option("--profile", options->profile_file, "Contract profile (overrides the topology's)");
  sub->add_option("--bindings", options->bindings_file, "Bindings file (overrides the topology's)");
  sub->add_option("--fault", options->faults,
                  "Break one clause: a fault of tenantcheck-stub --list-faults, added to every stub of its role "
                  "(repeatable)")
      ->allow_extra_args(false);  // one name per --fault: the PATHs after it stay PATHs
  sub->add_option("--reports", options->reports_dir, "Reports folder (default: reports)");
  sub->add_flag("--list", options->list, "Print the suite.test names and run nothing");
  sub->add_option("--tags", options->tags, "Comma list: run only scenarios with one of these tags");
  sub->add_option("--skip-tags", options->skip_tags, "Comma list: do not run scenarios with any of these tags");
  sub->add_option("--cacert", options->tls.ca_file, "CA file for URLs of no component");
  sub->add_option("--cert", options->tls.cert_file, "Client certificate (mTLS) for URLs of no component");
  sub->add_option("--key", options->tls.key_file, "Client key (mTLS) for URLs of no component");
  sub->add_flag("--insecure", options->tls.insecure, "Do not verify TLS for URLs of no component");
  sub->add_option("--max-rate", options->limits.max_rate, "Requests per second for the whole run (default: unlimited)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-retry-wait", options->limits.max_retry_wait_s,
                  "Seconds a request may wait in total on 429 Retry-After before the 429 stands (default 10)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--deadline", options->limits.deadline_s,
                  "Seconds for the whole run; then no further scenario runs and the exit is 3 (default: none)")
      ->check(CLI::PositiveNumber);
  return {sub, [sub, options] { return run_tests(sub, *options); }};
}

}  // namespace tc::cli

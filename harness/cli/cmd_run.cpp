// tenantcheck run [PATH…]: load the topology and the contract profile, load and check every scenario
// file (nothing starts before all are valid), start the environment, run the scenarios as GoogleTest
// tests, stop the environment. Exit 0 all passed, 1 a scenario failed, 2 usage or input error,
// 3 environment error (start failed, a component unreachable or dead during the run), 4 no case
// executed (none selected, or every one skipped; --allow-empty makes that 0), 130/143 when
// interrupted.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/http_client.h"
#include "common/profile.h"
#include "common/redact.h"
#include "common/utc_time.h"
#include "harness/cli/commands.h"
#include "harness/cli/project_paths.h"
#include "harness/cli/run_options.h"
#include "harness/cli/scenario_set.h"
#include "harness/cli/setup.h"
#include "harness/cli/signals.h"
#include "harness/env/supervisor.h"
#include "harness/env/topology.h"
#include "harness/report/allure.h"
#include "harness/report/baseline.h"
#include "harness/report/console.h"
#include "harness/report/flakes.h"
#include "harness/report/requirements.h"
#include "harness/report/run_record.h"
#include "harness/report/run_reports.h"
#include "harness/runner/expectation.h"
#include "harness/runner/run_context.h"
#include "harness/runner/test_registration.h"

namespace tc::cli {

std::optional<std::pair<int, int>> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  try {
    std::size_t used_k = 0, used_n = 0;
    const int k = std::stoi(text.substr(0, slash), &used_k), n = std::stoi(text.substr(slash + 1), &used_n);
    if (used_k != slash || used_n != text.size() - slash - 1 || k < 1 || k > n) return std::nullopt;
    return std::pair{k, n};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

namespace {

bool has_any(const std::vector<std::string>& have, const std::vector<std::string>& wanted) {
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](const std::string& t) { return std::find(have.begin(), have.end(), t) != have.end(); });
}

// The contract document's URL for report links.
std::string contract_url() {
  if (const char* url = std::getenv("TC_CONTRACT_URL"); url && *url) return url;
  std::error_code ec;
  return "file://" + std::filesystem::absolute(path_or_default("", "docs/contract.md"), ec).string();
}

// "N files, sha256 <12 hex>" over the scenario files' contents, in path order.
std::string pack_fingerprint(const std::vector<ScenarioCase>& cases) {
  std::set<std::string> files;
  for (const auto& c : cases) files.insert(c.scenario->file);
  std::string all;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    all += f + "\n" + text.str();
  }
  return std::to_string(files.size()) + " files, sha256 " + hex_encode(sha256(all)).substr(0, 12);
}

// The build under test: TC_TARGET_BUILD, else what TC_TARGET_BUILD_URL answers (its JSON "version"
// or "build", else its first line), else "unknown".
std::string target_build(RunContext& run) {
  if (const char* text = std::getenv("TC_TARGET_BUILD"); text && *text) return text;
  const char* url = std::getenv("TC_TARGET_BUILD_URL");
  if (!url || !*url) return "unknown";
  HttpRequest req;
  req.url = url;
  auto response = run.send(req);
  if (!response) return "unknown (" + response.error().to_string() + ")";
  if (response->status != 200) return "unknown (" + std::string(url) + " answered " + std::to_string(response->status) + ")";
  const json body = json::parse(response->body, nullptr, false);
  for (const char* field : {"version", "build"})
    if (body.is_object() && body.contains(field) && body[field].is_string()) return body[field].get<std::string>();
  return response->body.substr(0, std::min<std::size_t>(response->body.find('\n'), 120));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// "scenarios (38 files, 73 cases selected)".
std::string pack_description(const std::vector<std::string>& paths, const Topology& topology, int files,
                             std::size_t cases) {
  std::string where;
  for (const auto& p : scenario_paths_or_default(paths, &topology)) where += (where.empty() ? "" : " ") + p;
  return where + " (" + std::to_string(files) + " files, " + std::to_string(cases) + " cases selected)";
}

}  // namespace

int judge_empty(const RunRecord& record, bool allow_empty, int code) {
  const bool executed = std::any_of(record.cases.begin(), record.cases.end(),
                                    [](const CaseRecord& c) { return c.outcome != "skipped"; });
  if (executed || allow_empty || code != kExitPassed) return code;
  std::cerr << "error: the run tested nothing: "
            << (record.cases.empty() ? "no case was selected (--gtest_filter, --tags, --skip-tags or the PATHs)"
                                     : "every case was skipped (see each SKIP line)")
            << "; --allow-empty accepts that\n";
  return kExitNothingTested;
}

namespace {

int run_tests(CLI::App* sub, RunOptions o) {
  RunLimits limits = o.limits;  // the deadline counts from here: the environment's start is part of the run
  limits.started = std::chrono::steady_clock::now();
  // Everything not understood must be a GoogleTest flag; anything else is a usage error.
  for (const auto& extra : sub->remaining()) {
    if (extra.rfind("--gtest_", 0) != 0) {
      std::cerr << "error: flag " << extra << ": unknown option (see tenantcheck run --help)\n";
      return kExitInput;
    }
    o.gtest_args.push_back(extra);
  }
  std::optional<std::pair<int, int>> shard;
  if (!o.shard.empty() && !(shard = parse_shard(o.shard)))
    return print_error(usage_error("--shard", "'" + o.shard + "' is not K/N with 1 <= K <= N"));
  if (shard && o.jobs > 1) return print_error(usage_error("--jobs", "--jobs runs its own shards: not with --shard"));
  std::optional<Baseline> baseline;
  if (!o.baseline_file.empty()) {
    auto loaded = load_baseline(o.baseline_file);
    if (!loaded) return print_error(loaded.error());
    baseline = std::move(*loaded);
  }

  register_builtin_expectations();
  // What the first request and the first redaction would build (libcurl opened and started with
  // OpenSSL, the redactor's scan) is built on the other core while the setup and the pack load and
  // the earlier reports are removed: opening libcurl takes longer than reading both. Joined before
  // any component starts, so no thread of ours runs while a process is spawned; joined on every
  // return. Without a thread to be had, each is built at its first use, as before; a libcurl that
  // cannot be opened is reported after the join.
  std::jthread ahead;
  try {
    ahead = std::jthread([] {
      try {
        static_cast<void>(http_global_init());  // reported below, once joined
        global_redactor().prepare();
      } catch (const std::exception&) {  // built again at the first use, which reports its own error
      }
    });
  } catch (const std::system_error&) {
  }
  auto setup = load_setup(o.setup, SetupUse::start_environment);
  if (!setup) return print_error(setup.error());
  if (auto selection = check_clause_selection(*setup->topology, project_contract_clauses()); !selection)
    return print_error(selection.error());
  Topology& topology = *setup->topology;
  const ContractProfile& profile = setup->profile;
  if (auto placed = add_faults(topology, o.faults); !placed) return print_error(placed.error());

  auto variables = o.variables.resolve(taken_variable_names(&topology));
  if (!variables) return print_error(variables.error());
  std::set<std::string> variable_names;
  for (const auto& [name, value] : variables->items()) variable_names.insert(name);
  auto set = load_scenario_set(o.pack, &profile.values(), &topology,
                               setup->bindings_file, true, variable_names);
  if (!set.errors.empty()) {
    for (const auto& e : set.errors) print_error(e);
    return kExitInput;
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
    return kExitPassed;
  }

  // Nothing of an earlier run may pass for this one's, sharded or not: its reports go while libcurl
  // may still be opening.
  clear_run_reports(o.reports_dir);
  if (ahead.joinable()) ahead.join();
  // Every request needs libcurl: a run that cannot open it says so before a shard or a header.
  if (auto http = http_global_init(); !http) return print_error(http.error());
  if (o.jobs > 1) return run_sharded(o, baseline);  // everything above is checked once, before any shard starts

  Console console({stdout, o.verbose, colour_wanted(stdout)});
  console.header({{"tenantcheck", TC_VERSION},
                  {"topology", setup->topology->file},
                  {"profile", topology.profile},
                  {"pack", pack_description(o.pack.paths, topology, set.files, selected.size())},
                  {"reports", o.reports_dir + " (html/index.html, allure-results/, junit.xml)"}});

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

  RunContext run(std::move(*env), profile.values(), o.tls);
  run.set_limits(limits);
  for (const auto& [name, value] : variables->items()) run.define(name, value);
  if (shard) {  // GoogleTest's own sharding: a 0-based index
    setenv("GTEST_TOTAL_SHARDS", std::to_string(shard->second).c_str(), 1);
    setenv("GTEST_SHARD_INDEX", std::to_string(shard->first - 1).c_str(), 1);
  }
  std::vector<std::string> argv_storage = {"tenantcheck"};
  argv_storage.insert(argv_storage.end(), o.gtest_args.begin(), o.gtest_args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  argv.push_back(nullptr);
  testing::InitGoogleTest(&argc, argv.data());
  quiet_gtest_printer();
  register_scenario_tests(selected, run);

  const auto clauses = project_contract_clauses();
  AllureOptions allure_options;
  allure_options.results_dir = (std::filesystem::path(o.reports_dir) / "allure-results").string();
  allure_options.contract_url = contract_url();
  allure_options.clauses = clauses;
  if (profile.find("headers.tenant"))
    if (const auto names = profile.header_list("tenant"); !names.empty()) allure_options.tenant_header = names.front();
  allure_options.log_tails = [&supervisor, &topology] {
    std::vector<std::pair<std::string, std::string>> tails;
    for (const auto& c : topology.components) tails.emplace_back(c.name, supervisor.log_tail(c.name));
    return tails;
  };
  auto allure = AllureWriter::open(std::move(allure_options));
  if (!allure) {
    supervisor.stop();
    return print_error(allure.error());
  }
  RunRecorder recorder({&console, &*allure});  // each case recorded (and redacted) once for both
  recorder.set_property("harness.version", TC_VERSION);
  recorder.set_property("pack", pack_fingerprint(selected));
  recorder.set_property("profile", topology.profile);
  recorder.set_property("profile.sha256", profile.hash());
  recorder.set_property("topology", setup->topology->file);
  if (!topology.clauses.empty()) {
    std::string selection;
    for (const auto& s : topology.clauses) selection += (selection.empty() ? "" : " ") + s;
    recorder.set_property("clauses", selection);
  }
  recorder.set_property("target.build", target_build(run));
  recorder.set_property("started", format_utc(epoch_ms(), "%Y-%m-%dT%H:%M:%SZ"));
  if (shard) recorder.set_property("shard", o.shard);
  FlakeDetector flakes;  // kept only when the cases repeat (--gtest_repeat): every transcript of the run
  std::vector<ResultSink*> sinks{&console, &recorder};
  if (GTEST_FLAG_GET(repeat) != 1) sinks.push_back(&flakes);
  for (ResultSink* sink : sinks) add_result_sink(sink);

  const std::size_t secrets_before_cases = global_redactor().generation();
  const int failed = RUN_ALL_TESTS();
  for (ResultSink* sink : sinks) remove_result_sink(sink);
  auto alive = supervisor.check_alive();
  supervisor.stop();

  RunRecord record = recorder.record();
  // Each case was recorded, and its Allure result written, with the secrets known when it ended.
  const bool learnt_during_cases = global_redactor().generation() != secrets_before_cases;
  if (learnt_during_cases) redact_again(record);
  ReportsLost lost;  // a report the run could not write: its verdict would go unrecorded
  if (auto written = write_run_reports(record, o.reports_dir, clauses); !written) lost.add(written.error());
  lost.add(supervisor.files_lost());  // a component's file that could not be redacted again
  if (learnt_during_cases) allure->redact_written_again();
  lost.add(allure->errors());

  int code = failed ? kExitFailed : kExitPassed;
  if (baseline) {
    if (auto judged = judge_by_baseline(*baseline, record, o.reports_dir, std::cout)) {
      code = *judged ? kExitFailed : kExitPassed;
    } else {
      lost.add(judged.error());
    }
  }
  if (flakes.repetitions() > 1) {
    if (auto found = flakes.report(std::cerr, o.reports_dir); !found) {
      lost.add(found.error());
    } else if (*found > 0) {
      code = std::max<int>(code, kExitFailed);
    }
  }
  for (const auto& e : run.environment_errors()) {
    std::cerr << "environment error: " << global_redactor().apply(e.to_string()) << "\n";
    code = kExitEnvironment;
  }
  if (!alive) {
    std::cerr << "environment error: " << alive.error().to_string() << "\n";
    print_component_log(alive.error(), supervisor);
    code = kExitEnvironment;
  }
  if (lost.any()) code = kExitEnvironment;
  // A shard may hold no case of a small selection: the merge of all shards is judged instead.
  // --gtest_list_tests runs nothing by design.
  if (!shard) code = judge_empty(record, o.allow_empty || GTEST_FLAG_GET(list_tests), code);
  console.finish(record, seconds_since(limits.started));
  return code;
}
}  // namespace

CommandAction add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand("run", "Run scenarios against a topology (GoogleTest flags --gtest_* pass through)");
  sub->allow_extras();
  add_pack_options(sub, options->pack);
  add_setup_options(sub, options->setup, true);
  sub->add_option("--fault", options->faults,
                  "Break one clause: a fault of tenantcheck-stub --list-faults, added to every stub of its role "
                  "(repeatable)")
      ->allow_extra_args(false);  // one name per --fault: the PATHs after it stay PATHs
  sub->add_option("--reports", options->reports_dir, "Reports folder (default: reports)");
  sub->add_flag("--list", options->list, "Print the suite.test names and run nothing");
  options->variables.add_options(sub);
  sub->add_flag("--verbose,-v", options->verbose, "Print every request and response (redacted) as it happens");
  sub->add_flag("--allow-empty", options->allow_empty,
                "A run that executed no case (none selected, or all skipped) exits 0 instead of 4");
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
  sub->add_option("--jobs", options->jobs, "Shards run at once, each in its own process against its own topology "
                  "(default 1)")->check(CLI::Range(1, 64));
  sub->add_option("--shard", options->shard, "K/N: run only the K-th (from 1) of N shards (CI machines; see report merge)");
  sub->add_option("--baseline", options->baseline_file,
                  "Known failures (test, reason, expires): they do not fail the run until they expire");
  return {sub, [sub, options] { return run_tests(sub, *options); }};
}

}  // namespace tc::cli

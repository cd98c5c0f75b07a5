// `tenantcheck mutate [PATH…]`: the suite's power to fail a broken platform. The stubs' fault
// catalogue (tenantcheck-stub --list-faults) gives one mutant per fault of a clause the scenarios cite
// (or per fault of --faults), plus the combinations asked for; each mutant is a child `tenantcheck run --fault …` against its own copy of the topology, as is
// one fault-free run. A mutant is killed when a scenario citing the fault's clause fails; failing only
// scenarios that cite other clauses, or ending in an environment error (a stub that crashed), does
// not count. Writes <reports>/mutation.json and mutation.md and each run's reports under
// <reports>/mutation/; exit 0 when every mutant is killed and the fault-free run passed, else 1; 3 when
// mutation.json or .md cannot be written.
// SIGINT/SIGTERM: the runs under way are stopped (each tears its topology down), mutation.json and
// .md hold what was done ("interrupted", the rest "not run"), exit 130/143.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/text.h"
#include "harness/cli/commands.h"
#include "harness/cli/project_paths.h"
#include "harness/cli/scenario_set.h"
#include "harness/cli/setup.h"
#include "harness/cli/signals.h"
#include "harness/env/child_process.h"
#include "harness/env/private_file.h"
#include "harness/env/supervisor.h"
#include "harness/model/clauses.h"
#include "harness/report/report_file.h"
#include "harness/report/run_record.h"
#include "harness/runner/expectation.h"

namespace tc::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;


struct MutateOptions {
  PackOptions pack;                       // PATHs, --include-root: passed to every run
  SetupOptions setup;                     // --env, --profile, --bindings: checked here, passed to every run
  std::string reports_dir = "reports", faults;
  std::vector<std::string> combinations;  // "a+b": one mutant with both faults
  int jobs = 1;
  long run_deadline_s = 600;
  // --explore: each mutant is a `tenantcheck explore` run instead of the pack's, over the faults of
  // every clause the topology selects.
  bool explore = false;
  long explore_budget = 6000;
  std::uint64_t explore_seed = 1;
};

struct Fault {
  std::string name, clause, description;  // clause: "G2", or "G2,I1" with the invariants it also breaks
};

struct Mutant {
  std::string id;                  // the fault's name, "a+b" for a combination, "(none)" fault-free
  std::vector<std::string> faults;
  std::set<std::string> clauses;   // each fault's own clause: what a killing scenario must cite
  std::set<std::string> invariants;  // I1–I4 the faults break as well (reported, not a kill)
  // Filled in when its run ends.
  std::string verdict = "not run";  // killed | killed-off-clause | environment-error | survived | error | passed | failed | interrupted
  std::vector<std::string> killed_by, failed_elsewhere;
  std::string exit, detail;
  double seconds = 0;
};

// NAME<TAB>CLAUSE<TAB>DESCRIPTION lines of `tenantcheck-stub --list-faults`.
Result<std::vector<Fault>> read_catalogue(const fs::path& scratch) {
  const std::string out = (scratch / "catalogue.txt").string();
  auto child = ChildProcess::start(ChildSpec{default_stub_binary(), {"--list-faults"}, {}, out});
  if (!child) return child.error();
  if (!child->wait_for(10000) || child->exit_code() != 0)
    return environment_error("", default_stub_binary() + " --list-faults: " + child->describe_exit());
  std::ifstream in(out);
  std::vector<Fault> faults;
  for (std::string line; std::getline(in, line);) {
    std::stringstream fields(line);
    Fault f;
    if (std::getline(fields, f.name, '\t') && std::getline(fields, f.clause, '\t') && std::getline(fields, f.description))
      faults.push_back(std::move(f));
  }
  if (faults.empty()) return environment_error("", default_stub_binary() + " --list-faults printed no fault");
  return faults;
}

// The clause ids the scenarios of `pack` cite, read as `lint` reads them against the topology and
// its profile; a file that does not load cites nothing here and fails in the runs.
std::set<std::string> cited_clauses(const PackOptions& pack, const Setup& setup) {
  std::set<std::string> ids;
  register_builtin_expectations();
  const auto set = load_scenario_set(pack, &setup.profile.values(), &*setup.topology, setup.bindings_file, false);
  for (const auto& s : set.scenarios) ids.insert(s.requirements.begin(), s.requirements.end());
  return ids;
}

// One mutant per fault asked for with --faults, else per fault of a clause the pack cites: a pack
// written for one platform is measured against the faults of its own clauses, never against faults
// it was not written to catch.
Result<std::vector<Mutant>> plan(const MutateOptions& o, const std::vector<Fault>& catalogue,
                                 const std::set<std::string>& cited) {
  auto clause_of = [&](const std::string& name) -> const Fault* {
    for (const auto& f : catalogue)
      if (f.name == name) return &f;
    return nullptr;
  };
  auto mutant = [&](const std::vector<std::string>& names, const std::string& flag) -> Result<Mutant> {
    Mutant m;
    for (const auto& n : names) {
      const Fault* f = clause_of(n);
      if (!f) {
        Where w;
        w.flag = flag;
        return input_error(w, "unknown fault '" + n + "' (see tenantcheck-stub --list-faults)");
      }
      m.id += (m.id.empty() ? "" : "+") + n;
      m.faults.push_back(n);
      const auto ids = split_list(f->clause);  // its clause, then the invariants it breaks: "B2,I1"
      if (!ids.empty()) m.clauses.insert(ids.front());
      m.invariants.insert(ids.begin() + (ids.empty() ? 0 : 1), ids.end());
    }
    return m;
  };
  std::vector<Mutant> mutants;
  mutants.push_back(Mutant{});
  mutants.back().id = "(none)";
  std::vector<std::string> chosen;
  for (const auto& name : split_list(o.faults))  // once each: a mutant's reports have its name
    if (std::find(chosen.begin(), chosen.end(), name) == chosen.end()) chosen.push_back(name);
  if (chosen.empty())
    for (const auto& f : catalogue) {
      const auto ids = split_list(f.clause);
      if (!ids.empty() && cited.count(ids.front())) chosen.push_back(f.name);
    }
  for (const auto& name : chosen) {
    auto m = mutant({name}, "--faults");
    if (!m) return m.error();
    mutants.push_back(std::move(*m));
  }
  for (const auto& combo : o.combinations) {
    std::string names = combo;
    std::replace(names.begin(), names.end(), '+', ',');
    auto m = mutant(split_list(names), "--combination");
    if (!m) return m.error();
    mutants.push_back(std::move(*m));
  }
  return mutants;
}

std::string dir_name(const std::string& id) {
  if (id == "(none)") return "fault-free";
  std::string out = id;
  std::replace(out.begin(), out.end(), '+', '_');
  return out;
}

// The last non-empty line of a run's log, or where to look.
std::string last_line_of(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last.empty() ? "see " + log.string() : last;
}

// Reads a finished run's exit and results into the mutant's verdict.
void judge(Mutant& m, std::optional<int> code, const std::string& describe, const fs::path& dir) {
  m.exit = describe;
  const bool fault_free = m.faults.empty();
  if (!code || (*code != 0 && *code != 1 && *code != 3)) {
    m.verdict = "error";
    m.detail = "the run " + describe + ": " + last_line_of(dir / "run.log");
    return;
  }
  if (*code == 3) {
    m.verdict = fault_free ? "failed" : "environment-error";
    m.detail = "the environment failed during the run (see " + (dir / "run.log").string() + ")";
    return;
  }
  auto record = read_run_record(dir.string());
  if (!record) {
    m.verdict = "error";
    m.detail = record.error().to_string();
    return;
  }
  for (const auto& c : record->cases) {
    if (c.outcome != "failed") continue;  // a contract violation; an environment error kills nothing
    const bool on_clause = std::any_of(c.requirements.begin(), c.requirements.end(),
                                       [&](const std::string& r) { return m.clauses.count(r) > 0; });
    (on_clause ? m.killed_by : m.failed_elsewhere).push_back(c.id());
  }
  if (fault_free) {
    m.verdict = *code == 0 ? "passed" : "failed";
    if (*code != 0) m.detail = std::to_string(m.failed_elsewhere.size()) + " scenario(s) failed without a fault";
    return;
  }
  m.verdict = !m.killed_by.empty() ? "killed" : !m.failed_elsewhere.empty() ? "killed-off-clause" : "survived";
}

void print_line(const Mutant& m) {
  std::string upper = m.verdict;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  std::cout << upper << " " << m.id;
  if (!m.clauses.empty()) std::cout << " (" << join(m.clauses, ",") << ")";
  std::cout << " " << std::fixed << std::setprecision(1) << m.seconds << " s";
  if (!m.killed_by.empty()) std::cout << ": " << m.killed_by.size() << " scenario(s), first " << m.killed_by.front();
  else if (!m.failed_elsewhere.empty()) std::cout << ": only off-clause failures, first " << m.failed_elsewhere.front();
  if (!m.detail.empty()) std::cout << ": " << m.detail;
  std::cout << std::endl;
}

json to_json(const Mutant& m) {
  return json{{"mutant", m.id},          {"faults", m.faults},       {"clauses", m.clauses}, {"invariants", m.invariants},
              {"verdict", m.verdict},    {"killed_by", m.killed_by}, {"failed_off_clause", m.failed_elsewhere},
              {"exit", m.exit},          {"detail", m.detail},       {"seconds", m.seconds}};
}

// mutation.json and mutation.md, each written whatever became of the other; the errors of those that
// could not be written (each removed, so that no earlier run's verdict stands under its name).
std::vector<Error> write_reports(const fs::path& reports, const std::vector<Mutant>& mutants, int killed, int total, int jobs,
                           double wall, bool interrupted) {
  json doc{{"score", total ? static_cast<double>(killed) / total : 1.0},
           {"interrupted", interrupted},
           {"killed", killed},
           {"mutants", total},
           {"jobs", jobs},
           {"wall_seconds", wall},
           {"fault_free", to_json(mutants.front())},
           {"results", json::array()}};
  for (std::size_t i = 1; i < mutants.size(); ++i) doc["results"].push_back(to_json(mutants[i]));
  std::vector<Error> lost;
  auto write = [&](const fs::path& file, const std::string& text) {
    if (auto written = write_report_file(file, text); !written) {
      lost.push_back(written.error());
      std::error_code ec;
      fs::remove(file, ec);
    }
  };
  write(reports / "mutation.json", doc.dump(2) + "\n");

  std::ostringstream md;
  md << "# Mutation run\n\n"
     << (interrupted ? "**Interrupted**: the runs under way were stopped; the others did not run.\n\n" : "")
     << "Fault-free run: " << mutants.front().verdict << ". Mutation score: " << killed << "/" << total << " ("
     << std::fixed << std::setprecision(1) << (total ? 100.0 * killed / total : 100.0) << " %), " << jobs
     << " job(s), " << std::setprecision(0) << wall << " s.\n\n"
     << "| fault | clause | verdict | killed by |\n|---|---|---|---|\n";
  for (std::size_t i = 1; i < mutants.size(); ++i) {
    const Mutant& m = mutants[i];
    std::string by = m.killed_by.empty() ? (m.failed_elsewhere.empty() ? m.detail : "off clause: " + join(m.failed_elsewhere, ", "))
                                         : join(m.killed_by, ", ");
    md << "| `" << m.id << "` | " << join(m.clauses, ", ") << " | " << m.verdict << " | " << by << " |\n";
  }
  write(reports / "mutation.md", md.str());
  return lost;
}

// After a stop signal: each run under way is asked to tear down (stop_children), then marked
// interrupted.
template <class Running>
void stop_runs(std::vector<Running>& running, std::vector<Mutant>& mutants) {
  std::vector<ChildProcess*> children;
  for (auto& r : running) children.push_back(&r.child);
  stop_children(children, kChildRunStopGraceMs);
  for (auto& r : running) {
    Mutant& m = mutants[r.index];
    m.verdict = "interrupted";
    m.detail = r.child.describe_exit();
    m.seconds = std::chrono::duration<double>(Clock::now() - r.start).count();
  }
  running.clear();
}

int mutate(const MutateOptions& o) {
  // From the first moment: a stop during the set-up (key generation, the fault list) still ends with
  // the key file removed and mutation.json written. The run loop below is the only one that signals
  // and reaps the runs.
  SignalGuard guard;
  const auto started = Clock::now();
  auto loaded = load_setup(o.setup, SetupUse::start_environment);   // a bad file fails once, not in every run
  if (!loaded) return print_error(loaded.error());
  const Setup& setup = *loaded;
  const fs::path reports(o.reports_dir), runs = fs::path(o.reports_dir) / "mutation";
  std::error_code ec;
  fs::remove_all(runs, ec);
  fs::create_directories(runs, ec);
  if (ec) return print_error(environment_error("", "cannot create " + runs.string() + ": " + ec.message()));
  auto catalogue = read_catalogue(runs);
  if (!catalogue) {
    print_error(catalogue.error());
    return kExitEnvironment;
  }
  // The topology's pack when no PATH is given: each run is handed the same files.
  std::set<std::string> cited;
  if (o.explore) {  // explore judges by the contract, not by what a pack cites
    for (const auto& f : *catalogue)
      if (const auto ids = split_list(f.clause); !ids.empty() && clause_selected(ids.front(), setup.topology->clauses))
        cited.insert(ids.front());
  } else {
    cited = cited_clauses(o.pack, setup);
  }
  auto planned = plan(o, *catalogue, cited);
  if (!planned) {
    print_error(planned.error());
    return kExitInput;
  }
  std::vector<Mutant>& mutants = *planned;
  // The authority's signing keys for every run, the first and the one the key-rotation scenario takes:
  // each run then reads them instead of generating its own.
  auto key = PrivateFile::write(RsaKey::generate().private_pem() + RsaKey::generate().private_pem());
  if (!key) return print_error(key.error());
  SetupOptions child_setup = o.setup;  // every run against the very topology this one read
  child_setup.env_file = setup.topology->file;
  std::cout << "mutate: " << mutants.size() - 1 << " mutants and a fault-free run, " << o.jobs << " at a time, against "
            << child_setup.env_file << std::endl;

  struct Running {
    std::size_t index;
    ChildProcess child;
    Clock::time_point start;
  };
  std::vector<Running> running;
  std::size_t next = 0;
  const auto run_limit = std::chrono::seconds(o.run_deadline_s + 60);  // its own deadline, then teardown
  while ((next < mutants.size() || !running.empty()) && !guard.signalled()) {
    while (next < mutants.size() && static_cast<int>(running.size()) < o.jobs) {
      Mutant& m = mutants[next];
      const fs::path dir = runs / dir_name(m.id);
      fs::create_directories(dir, ec);
      std::vector<std::string> args = child_setup.as_args();
      args.insert(args.begin(), o.explore ? "explore" : "run");
      args.insert(args.end(), {"--reports", dir.string(), "--deadline", std::to_string(o.run_deadline_s)});
      for (const auto& f : m.faults) args.insert(args.end(), {"--fault", f});
      if (o.explore)
        args.insert(args.end(), {"--budget", std::to_string(o.explore_budget), "--seed", std::to_string(o.explore_seed),
                                 "--allow-writes"});  // mutants are stubs of this run's own: writes harm nothing
      else
        for (auto& arg : o.pack.as_args()) args.push_back(std::move(arg));
      auto child = ChildProcess::start(
          ChildSpec{self_executable(), args, {{"TC_AUTHORITY_KEY_FILE", (*key)->path()}}, (dir / "run.log").string()});
      if (!child) {
        m.verdict = "error";
        m.detail = child.error().to_string();
        print_line(m);
      } else {
        running.push_back(Running{next, std::move(*child), Clock::now()});
      }
      ++next;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (auto it = running.begin(); it != running.end();) {
      const bool alive = it->child.running();
      const bool late = alive && Clock::now() - it->start > run_limit;
      if (alive && !late) {
        ++it;
        continue;
      }
      Mutant& m = mutants[it->index];
      if (late) it->child.kill_and_reap();
      m.seconds = std::chrono::duration<double>(Clock::now() - it->start).count();
      judge(m, late ? std::nullopt : it->child.exit_code(), late ? "did not end in time" : it->child.describe_exit(),
            runs / dir_name(m.id));
      print_line(m);
      it = running.erase(it);
    }
  }

  const int interrupted = guard.signalled();
  if (interrupted) stop_runs(running, mutants);
  const int total = static_cast<int>(mutants.size()) - 1;
  const int killed = static_cast<int>(std::count_if(mutants.begin() + 1, mutants.end(),
                                                    [](const Mutant& m) { return m.verdict == "killed"; }));
  const double wall = std::chrono::duration<double>(Clock::now() - started).count();
  ReportsLost lost;
  lost.add(write_reports(reports, mutants, killed, total, o.jobs, wall, interrupted != 0));
  if (interrupted) {
    std::cout << "interrupted: " << killed << " of " << total << " mutants killed before the stop; "
              << (reports / "mutation.md").string() << std::endl;
    return exit_interrupted(interrupted);
  }
  for (std::size_t i = 1; i < mutants.size(); ++i)
    if (mutants[i].verdict != "killed") std::cout << "not killed: " << mutants[i].id << " (" << mutants[i].verdict << ")\n";
  std::cout << "fault-free run " << mutants.front().verdict << "; mutation score " << killed << "/" << total << " ("
            << std::fixed << std::setprecision(1) << (total ? 100.0 * killed / total : 100.0) << " %) in "
            << std::setprecision(0) << wall << " s; " << (reports / "mutation.md").string() << std::endl;
  if (lost.any()) return kExitEnvironment;  // the verdict is not recorded: no pass, whatever the score
  return killed == total && mutants.front().verdict == "passed" ? kExitPassed : kExitFailed;
}

}  // namespace

CommandAction add_mutate_command(CLI::App& app) {
  auto options = std::make_shared<MutateOptions>();
  CLI::App* sub = app.add_subcommand("mutate", "Run the suite once per fault of the stubs and report which scenarios kill it");
  add_pack_options(sub, options->pack);
  add_setup_options(sub, options->setup, true);
  sub->add_option("--reports", options->reports_dir, "Reports folder (default: reports)");
  sub->add_option("--jobs", options->jobs, "Runs at a time (default 1)")->check(CLI::Range(1, 64));
  sub->add_option("--faults", options->faults, "Comma list: only these faults (default: every fault of a clause the scenarios cite)");
  sub->add_option("--combination", options->combinations, "A+B: also one mutant with these faults together (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--run-deadline", options->run_deadline_s, "Seconds for each run (default 600)")->check(CLI::PositiveNumber);
  sub->add_flag("--explore", options->explore,
                "Measure `explore` instead of the pack: one exploration per fault of every clause the topology selects");
  sub->add_option("--explore-budget", options->explore_budget, "With --explore: each exploration's --budget (default 6000)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--explore-seed", options->explore_seed, "With --explore: each exploration's --seed (default 1)");
  return {sub, [options] { return mutate(*options); }};
}

}  // namespace tc::cli

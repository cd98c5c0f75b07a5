// `tenantcheck stubs up [--env FILE] [--reports DIR]`: starts a topology in the foreground, prints
// every component and its URL, and tears it down on Ctrl-C or SIGTERM. Exit 0 after a clean stop,
// 2 for a bad topology file, 3 when a component fails to start or dies while up.
#include <signal.h>

#include <cstdio>
#include <ctime>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/project_paths.h"
#include "harness/env/supervisor.h"
#include "harness/env/topology.h"

namespace tc::cli {
namespace {

struct StubsOptions {
  std::string env_file;   // default: <project home>/compose/local.yaml
  std::string reports_dir = "reports";
};

int stubs_up(const StubsOptions& o) {
  auto topology = load_topology(path_or_default(o.env_file, "compose/local.yaml"));
  if (!topology) {
    std::cerr << topology.error().to_string() << "\n";
    return exit_code_for(topology.error().kind);
  }
  // Block the stop signals before any child exists, then wait for them synchronously; children
  // unblock them again before exec.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);

  SupervisorOptions options;
  options.reports_dir = o.reports_dir;
  Supervisor supervisor(options);
  auto env = supervisor.start(*topology);
  if (!env) {
    std::cerr << env.error().to_string() << "\n";
    return 3;
  }
  for (const auto& c : topology->components) {
    const Component& comp = env->components.at(c.name);
    std::cout << c.name << "\t" << comp.url << "\t" << c.kind;
    if (!comp.log_file.empty()) std::cout << "\tlog " << comp.log_file;
    std::cout << "\n";
  }
  std::cout << "up: " << topology->file << " (Ctrl-C to stop)" << std::endl;

  for (;;) {
    timespec tick{0, 250 * 1000 * 1000};
    int sig = sigtimedwait(&stop_signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) break;
    if (auto alive = supervisor.check_alive(); !alive) {
      std::cerr << alive.error().to_string() << "\n";
      supervisor.stop();
      return 3;
    }
  }
  supervisor.stop();
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace

CommandAction add_stubs_command(CLI::App& app) {
  auto options = std::make_shared<StubsOptions>();
  CLI::App* stubs = app.add_subcommand("stubs", "Start a topology by hand (stubs, spawned builds)");
  stubs->require_subcommand(1);
  CLI::App* up = stubs->add_subcommand("up", "Start every component, print the URLs, stop on Ctrl-C");
  up->add_option("--env", options->env_file, "Topology file (default: compose/local.yaml of the project)");
  up->add_option("--reports", options->reports_dir, "Folder for logs/ and audit/")->capture_default_str();
  return CommandAction{stubs, [options] { return stubs_up(*options); }};
}

}  // namespace tc::cli

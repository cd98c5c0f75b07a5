// `tenantcheck stubs up [--env FILE] [--profile FILE] [--reports DIR] [--port NAME=PORT…]
// [--write-topology FILE]`: starts a topology in the foreground (a component on a fixed port when
// asked), prints every component and its URL, writes them as a topology a run can use, and tears it
// down on Ctrl-C or SIGTERM. Exit 0 after a clean stop,
// 2 for a bad topology file, 3 when a component fails to start or dies while up.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>

#include "common/json_text.h"
#include "common/profile.h"
#include "common/redact.h"
#include "harness/cli/commands.h"
#include "harness/cli/setup.h"
#include "harness/env/supervisor.h"
#include "harness/env/topology.h"
#include "harness/report/report_file.h"

namespace tc::cli {
namespace {

struct StubsOptions {
  SetupOptions setup;     // --env, --profile
  std::string reports_dir = "reports";
  std::string write_topology;             // where to write the running components as a topology
  std::vector<std::string> ports;         // NAME=PORT
};

std::string quoted(const std::string& text) { return json_text(json(text)); }  // a JSON string is YAML too

std::string absolute(const std::string& path) {
  std::error_code ec;
  return path.empty() ? path : std::filesystem::absolute(path, ec).lexically_normal().string();
}

// The running components as a topology a run can point at: each one external at its URL, its audit
// records asked of the stub over HTTP; profile, fixtures, bindings and pack by absolute path, and
// the clauses the platform is held to.
// context-secret only when the secret is known to both sides (TC_SHARED_SECRET): it never goes into
// the file.
std::string running_topology(const Topology& t, const Environment& env, const std::string& audit_path) {
  std::string out = "# The components `tenantcheck stubs up` started from " + t.file +
                    ", while it runs.\n# tenantcheck run --env THIS_FILE\n";
  out += "profile: " + quoted(absolute(t.profile)) + "\n";
  if (!t.fixtures.empty()) out += "fixtures: " + quoted(absolute(t.fixtures)) + "\n";
  if (!t.bindings.empty()) out += "bindings: " + quoted(absolute(t.bindings)) + "\n";
  auto list = [&out](const char* key, const std::vector<std::string>& items, auto item) {
    if (items.empty()) return;
    std::string joined;
    for (const auto& i : items) joined += (joined.empty() ? "" : ", ") + item(i);
    out += std::string(key) + ": [" + joined + "]\n";
  };
  list("pack", t.pack, [](const std::string& p) { return quoted(absolute(p)); });
  list("clauses", t.clauses, [](const std::string& c) { return c; });
  const char* secret = std::getenv("TC_SHARED_SECRET");
  std::string caps;
  for (const auto& cap : t.capabilities)
    if (cap != "context-secret" || (secret && *secret)) caps += (caps.empty() ? "" : ", ") + cap;
  out += "capabilities: [" + caps + "]\ncomponents:\n";
  // A value holding a secret (read from the environment, directly or through another component's
  // URL) is written as the topology wrote it, a template the run renders again; where that template
  // cannot stand in the file (a spawned component's {{port}}), masked.
  const Redactor& redact = global_redactor();
  const auto as_written = [&redact](const ComponentSpec& spec, const std::string& written, const std::string& rendered) {
    std::string masked = redact.apply(rendered);
    if (masked == rendered) return rendered;
    return spec.kind == "external" ? written : masked;
  };
  for (const auto& spec : t.components) {
    const Component& c = env.components.at(spec.name);
    const std::string url = as_written(spec, spec.url, c.url);
    out += "  " + spec.name + ":\n    external: {url: " + quoted(url) + "}\n    audit: ";
    if (c.audit.kind == "stub")
      out += "{http: " + quoted(c.url + audit_path + "?correlation_id={{correlation_id}}") +
             ", deadline_ms: " + std::to_string(c.audit.deadline_ms) + "}\n";
    else if (c.audit.kind == "none") out += "none\n";
    else
      out += "{" + c.audit.kind + ": " + quoted(as_written(spec, spec.audit.location, c.audit.location)) +
             ", deadline_ms: " + std::to_string(c.audit.deadline_ms) + "}\n";
  }
  return out;
}

// NAME=PORT pairs; a usage error names the bad one.
Result<std::map<std::string, int>> parse_ports(const std::vector<std::string>& given, const Topology& t) {
  std::map<std::string, int> ports;
  for (const auto& p : given) {
    const auto eq = p.find('=');
    const std::string name = p.substr(0, eq);
    int port = 0;
    try {
      std::size_t used = 0;
      if (eq != std::string::npos) port = std::stoi(p.substr(eq + 1), &used);
      if (used != p.size() - eq - 1) port = 0;
    } catch (const std::exception&) {
      port = 0;
    }
    if (port < 1 || port > 65535) return usage_error("--port", "'" + p + "' is not NAME=PORT with 1 <= PORT <= 65535");
    const bool known = std::any_of(t.components.begin(), t.components.end(),
                                   [&](const ComponentSpec& c) { return c.name == name && c.kind != "external"; });
    if (!known) return usage_error("--port", "'" + name + "' is no stub or spawned component of " + t.file);
    ports[name] = port;
  }
  return ports;
}

int stubs_up(const StubsOptions& o) {
  auto setup = load_setup(o.setup, SetupUse::start_components);
  if (!setup) return print_error(setup.error());
  const Topology& topology = *setup->topology;
  // Block the stop signals before any child exists, then wait for them synchronously; children
  // unblock them again before exec.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);

  auto ports = parse_ports(o.ports, topology);
  if (!ports) return print_error(ports.error());
  std::string audit_path;
  if (!o.write_topology.empty()) {
    auto profile = ContractProfile::load(topology.profile);
    if (!profile) return print_error(profile.error());
    audit_path = profile->path("audit");
  }
  SupervisorOptions options;
  options.reports_dir = o.reports_dir;
  options.ports = std::move(*ports);
  Supervisor supervisor(options);
  auto env = supervisor.start(topology);
  if (!env) {
    print_error(env.error());
    return kExitEnvironment;
  }
  if (!o.write_topology.empty()) {
    if (!write_report_file(o.write_topology, running_topology(topology, *env, audit_path))) {
      supervisor.stop();
      return print_error(usage_error("--write-topology", "cannot write " + o.write_topology));
    }
    std::cout << "topology: " << o.write_topology << " (tenantcheck run --env " << o.write_topology << ")\n";
  }
  for (const auto& c : topology.components) {
    const Component& comp = env->components.at(c.name);
    std::cout << c.name << "\t" << global_redactor().apply(comp.url) << "\t" << c.kind;
    if (!comp.log_file.empty()) std::cout << "\tlog " << comp.log_file;
    std::cout << "\n";
  }
  std::cout << "up: " << topology.file << " (Ctrl-C to stop)" << std::endl;

  for (;;) {
    timespec tick{0, 250 * 1000 * 1000};
    int sig = sigtimedwait(&stop_signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) break;
    if (auto alive = supervisor.check_alive(); !alive) {
      supervisor.stop();
      print_error(alive.error());
      return kExitEnvironment;
    }
  }
  supervisor.stop();
  std::cout << "stopped" << std::endl;
  ReportsLost lost;
  lost.add(supervisor.files_lost());  // a component's file that could not be redacted again
  return lost.any() ? kExitEnvironment : kExitPassed;
}

}  // namespace

CommandAction add_stubs_command(CLI::App& app) {
  auto options = std::make_shared<StubsOptions>();
  CLI::App* stubs = app.add_subcommand("stubs", "Start a topology by hand (stubs, spawned builds)");
  stubs->require_subcommand(1);
  CLI::App* up = stubs->add_subcommand("up", "Start every component, print the URLs, stop on Ctrl-C");
  add_setup_options(up, options->setup, false);
  up->add_option("--reports", options->reports_dir, "Folder for logs/ and audit/")->capture_default_str();
  up->add_option("--write-topology", options->write_topology,
                 "Write the running components as a topology file for `run --env FILE`");
  up->add_option("--port", options->ports, "NAME=PORT: start that component on a fixed port (repeatable)")
      ->allow_extra_args(false);
  return CommandAction{stubs, [options] { return stubs_up(*options); }};
}

}  // namespace tc::cli

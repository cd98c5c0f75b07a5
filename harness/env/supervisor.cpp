// Starts a topology in dependency order and turns it into an Environment (docs/topology.md).
// Stubs announce their URL on the first line of their output; spawned builds get a free port and are
// probed (HTTP or TCP) until their deadline; external components are only described.
#include "harness/env/supervisor.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <mutex>
#include <set>
#include <thread>

#include "common/crypto.h"
#include "common/document.h"
#include "common/http_client.h"
#include "common/redact.h"
#include "harness/env/child_process.h"
#include "harness/env/launch_spec.h"
#include "harness/env/readiness.h"
#include "harness/env/redacted_pipes.h"
#include "harness/template/template.h"

namespace tc {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kTailLines = 40;
constexpr long kPollMs = 50;
constexpr long kPipeSyncMs = 500;    // for a log's last lines to be written after its writer exited
constexpr int kStubAuditFd = 3;      // where a stub finds its audit pipe (--audit-file /dev/fd/3)

}  // namespace

std::string default_stub_binary() {
#ifdef TC_STUB_BIN
  return TC_STUB_BIN;
#else
  return "tenantcheck-stub";
#endif
}

struct Supervisor::Impl {
  using Awaiter = std::function<Result<std::string>()>;   // waits for a launched component's URL

  struct Started {
    std::string name;
    std::string log_file;
    ChildProcess child;
  };

  SupervisorOptions options;
  std::string shared_secret;
  // Every component's output and every stub's audit records reach the reports folder through here,
  // redacted line by line: a component never writes into the reports itself.
  RedactedPipes pipes;
  std::set<std::string> piped;  // the files `pipes` wrote
  std::optional<std::size_t> secrets_when_piped;  // the redactor's generation() at the first of them
  // stop() may come from a signal-watching thread while start() runs: children, and every call on
  // them, are guarded by `mu`; once stopping, nothing new is launched.
  mutable std::mutex mu;
  std::vector<std::shared_ptr<Started>> children;   // in start order
  std::map<std::string, std::string> logs;          // component -> log file; kept after stop
  bool stopping = false;
  std::vector<Error> lost;  // component files that could not be redacted again at a stop (removed)

  bool running(Started& s) const {
    std::lock_guard lock(mu);
    return s.child.running();
  }

  std::string describe_exit(Started& s) const {
    std::lock_guard lock(mu);
    return s.child.describe_exit();
  }

  void terminate_all() {
    std::lock_guard lock(mu);
    const bool any = !children.empty();
    std::vector<ChildProcess*> last_started_first;
    for (auto it = children.rbegin(); it != children.rend(); ++it) last_started_first.push_back(&(*it)->child);
    stop_children(last_started_first, options.grace_ms);
    children.clear();
    pipes.close(kPipeSyncMs);
    if (any) redact_components_own_files();
  }

  // A spawned build may write into <reports>/logs or <reports>/audit itself (its own --audit-file):
  // once it is gone, each such file is redacted in place, line by line. Ours came through `pipes`,
  // redacted with the secrets known as each line came: when one was learnt after the first line
  // (a session cookie a component had already logged), they are redacted again too.
  // With mu held.
  void redact_components_own_files() {
    const bool learnt_since = secrets_when_piped && global_redactor().generation() != *secrets_when_piped;
    for (const char* folder : {"logs", "audit"})
      for (auto& e : redact_files_in_place((fs::path(options.reports_dir) / folder).string(),
                                           learnt_since ? std::set<std::string>{} : piped))
        lost.push_back(std::move(e));
  }

  Error failure(const std::string& name, const std::string& reason, const std::string& log_file) const {
    std::string msg = reason;
    if (!log_file.empty()) {
      pipes.sync(kPipeSyncMs);
      std::string tail = file_tail(log_file, kTailLines);
      msg += "\n--- last " + std::to_string(kTailLines) + " lines of " + log_file + " ---\n" +
             (tail.empty() ? "(no output)\n" : tail);
    }
    return environment_error(name, global_redactor().apply(msg));
  }

  // Starts `spec` with its output redacted into `spec.log_file`, and with each of `redacted_fds`
  // (the child's descriptor -> a file) a pipe redacted into that file.
  Result<std::shared_ptr<Started>> launch(const std::string& name, ChildSpec spec,
                                          const std::map<int, std::string>& redacted_fds = {}) {
    std::lock_guard lock(mu);
    if (stopping) return environment_error(name, "not started: the environment is being stopped");
    const std::string log_file = spec.log_file;
    std::vector<int> write_ends;
    auto close_write_ends = [&] {
      for (int fd : write_ends) ::close(fd);
    };
    if (!secrets_when_piped) secrets_when_piped = global_redactor().generation();
    auto output = pipes.open(log_file);
    if (!output) return failure(name, output.error().message, "");
    piped.insert(log_file);
    write_ends.push_back(spec.output_fd = *output);
    for (const auto& [target, file] : redacted_fds) {
      auto fd = pipes.open(file);
      if (!fd) {
        close_write_ends();
        return failure(name, fd.error().message, "");
      }
      write_ends.push_back(spec.fds[target] = *fd);
      piped.insert(file);
    }
    auto child = ChildProcess::start(spec);
    close_write_ends();  // the child holds them now: the pipes end when it does
    if (!child) return failure(name, child.error().message, "");
    logs[name] = log_file;
    children.push_back(std::make_shared<Started>(Started{name, log_file, std::move(*child)}));
    return children.back();
  }

  // Waits, from `launched` on, until `probe` yields a URL, the child exits, or the deadline passes;
  // `pause(ms)` returns when it is worth probing again (at the latest after ms).
  template <class Probe, class Pause>
  Result<std::string> await_ready(Started& started, Clock::time_point launched, long deadline_ms,
                                  const std::string& what, Probe probe, Pause pause) {
    const std::string& name = started.name;
    const std::string& log_file = started.log_file;
    const auto deadline = launched + std::chrono::milliseconds(deadline_ms);
    for (;;) {
      if (auto url = probe(deadline)) return *url;
      if (!running(started))
        return failure(name, "exited before it was ready (" + describe_exit(started) + ")", log_file);
      if (Clock::now() >= deadline)
        return failure(name, "not ready within " + std::to_string(deadline_ms) + " ms (" + what + ")", log_file);
      pause(remaining_ms(deadline));
    }
  }

  int fixed_port(const std::string& component) const {
    auto it = options.ports.find(component);
    return it == options.ports.end() ? 0 : it->second;
  }

  // Launches a stub; the awaiter returns its URL once it has printed it (read as it is written).
  Result<Awaiter> launch_stub(const ComponentSpec& c, const Topology& t, const Environment& env,
                              const std::string& log_file) {
    const std::string audit_file = (fs::path(options.reports_dir) / "audit" / (c.name + ".jsonl")).string();
    const std::string audit_pipe = "/dev/fd/" + std::to_string(kStubAuditFd);
    ChildSpec spec{options.stub_binary, stub_args(c, t, env, fixed_port(c.name), audit_pipe),
                   {{"TC_SHARED_SECRET", shared_secret}}, log_file};
    if (c.stub_role == "authority" && !options.authority_key_file.empty())
      spec.args.insert(spec.args.end(), {"--signing-key", options.authority_key_file});
    const auto launched = Clock::now();
    auto started = launch(c.name, std::move(spec), {{kStubAuditFd, audit_file}});
    if (!started) return started.error();
    auto watch = std::make_shared<FileWatch>(log_file);
    return Awaiter([this, s = *started, launched, deadline_ms = c.ready.deadline_ms, watch] {
      return await_ready(*s, launched, deadline_ms, "no URL on the first line of its output",
                         [&](Clock::time_point) { return announced_url(s->log_file); },
                         [&](long ms) { watch->wait(ms); });
    });
  }

  Result<Awaiter> launch_spawn(const ComponentSpec& c, Scope& scope, const std::string& log_file) {
    const int port = fixed_port(c.name) ? fixed_port(c.name) : free_local_port();
    if (port == 0) return failure(c.name, "no free local port", "");
    scope.set("port", port);
    // A second port for a component that listens twice (httpd's JWKS vhost), never the first.
    int second = free_local_port();
    for (int tries = 0; second == port && tries < 8; ++tries) second = free_local_port();
    if (second == 0 || second == port) return failure(c.name, "no second free local port", "");
    scope.set("second_port", second);
    auto rendered = render_spawn(c, scope, log_file);
    if (!rendered) return rendered.error();
    const std::string base = rendered->base_url;
    const auto launched = Clock::now();
    auto started = launch(c.name, std::move(rendered->spec));
    if (!started) return started.error();
    auto sleep = [](long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, kPollMs))); };

    ReadinessProbe probe = c.ready.http_path.empty() ? tcp_probe(base) : http_probe(base, c.ready, c.tls);
    const std::string what = c.ready.http_path.empty()
                                 ? "TCP connect to " + base
                                 : "GET " + base + c.ready.http_path + " answering " + std::to_string(c.ready.expect_status);
    return Awaiter([this, s = *started, launched, sleep, probe, what, deadline_ms = c.ready.deadline_ms] {
      return await_ready(*s, launched, deadline_ms, what, probe, sleep);
    });
  }

  // A component is up: its URL, its audit source's location and its place in `scope`.
  Result<Unit> admit(const ComponentSpec& c, Component comp, const std::string& url, Scope& scope, Environment& env) {
    comp.url = url;
    if (comp.audit.kind == "stub") comp.audit.location = comp.url;
    scope.set(c.name, comp.url);
    if (comp.audit.kind == "http") {
      // Everything but {{correlation_id}} (filled in per query by the runner) is rendered now.
      Scope audit_scope(&scope);
      audit_scope.set("correlation_id", "{{correlation_id}}");
      auto location = render_text(comp.audit.location, audit_scope,
                                  Loc{c.loc.file, c.loc.line, c.loc.pointer + "/audit/http"});
      if (!location) return location.error();
      comp.audit.location = *location;
      // Read from the environment, the URL is a secret; once the runner fills in the correlation
      // id the registered value no longer matches, so each piece around it is registered too.
      if (c.audit.location.find("{{env.") != std::string::npos) {
        const std::string mark = "{{correlation_id}}";
        std::size_t from = 0;
        for (std::size_t at; (at = location->find(mark, from)) != std::string::npos; from = at + mark.size())
          global_redactor().add_secret(location->substr(from, at - from));
        global_redactor().add_secret(location->substr(from));
      }
    }
    env.components[c.name] = std::move(comp);
    return Unit{};
  }

  // Starts in waves: every component whose dependencies are up is launched (from this thread, see
  // child_process.h), then the wave is awaited together, so independent components start in parallel.
  Result<Unit> start_all(const Topology& t, Environment& env) {
    std::error_code ec;
    fs::create_directories(fs::path(options.reports_dir) / "logs", ec);
    fs::create_directories(fs::path(options.reports_dir) / "audit", ec);
    if (ec) return environment_error("", "cannot create " + options.reports_dir + ": " + ec.message());

    Scope scope;
    scope.set("shared_secret", shared_secret);
    scope.set("stub_binary", options.stub_binary);
    scope.set("fixtures", t.fixtures);
    scope.set("profile", t.profile);
    scope.set("reports", options.reports_dir);
    // {{contract.…}}: the profile's spellings (a path a component serves), read from the same file.
    if (options.contract) scope.set("contract", *options.contract);
    else if (auto profile = load_document(t.profile)) scope.set("contract", profile->value);
    std::vector<std::size_t> pending = start_order(t);
    while (!pending.empty()) {
      std::vector<std::size_t> wave, later;
      for (std::size_t i : pending) {
        const auto& deps = t.components[i].depends_on;
        const bool ready = std::all_of(deps.begin(), deps.end(), [&](const std::string& d) { return env.components.count(d) > 0; });
        (ready ? wave : later).push_back(i);
      }
      std::vector<std::pair<std::size_t, Awaiter>> launched;
      for (std::size_t i : wave) {
        const ComponentSpec& c = t.components[i];
        if (c.kind == "external") {
          auto url = render_text(c.url, scope, Loc{c.loc.file, c.loc.line, c.loc.pointer + "/external/url"});
          if (!url) return url.error();
          if (auto a = admit(c, Component{c.name, "", c.tls, c.audit, ""}, strip_trailing_slash(*url), scope, env); !a)
            return a.error();
          continue;
        }
        const std::string log_file = log_path(c.name);
        auto awaiter = c.kind == "stub" ? launch_stub(c, t, env, log_file) : launch_spawn(c, scope, log_file);
        if (!awaiter) return awaiter.error();
        launched.emplace_back(i, std::move(*awaiter));
      }
      for (auto& [i, await] : launched) {
        const ComponentSpec& c = t.components[i];
        auto url = await();
        if (!url) return url.error();
        if (auto a = admit(c, Component{c.name, "", c.tls, c.audit, log_path(c.name)}, *url, scope, env); !a)
          return a.error();
      }
      pending = std::move(later);
    }
    return Unit{};
  }

  std::string log_path(const std::string& name) const {
    return (fs::path(options.reports_dir) / "logs" / (name + ".log")).string();
  }
};

Supervisor::Supervisor(SupervisorOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.stub_binary.empty()) options.stub_binary = default_stub_binary();
  if (const char* key = std::getenv("TC_AUTHORITY_KEY_FILE"); key && *key && options.authority_key_file.empty())
    options.authority_key_file = key;
  impl_->options = std::move(options);
}

Supervisor::~Supervisor() { stop(); }

Result<Environment> Supervisor::start(const Topology& topology) {
  impl_->terminate_all();
  // Readiness and every request need libcurl: without it, say so before anything is started.
  if (auto http = http_global_init(); !http) return http.error();
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = false;
  }
  // One secret per run, shared by the gateway and the backends (B1); a fixed one may be given in
  // TC_SHARED_SECRET to match a build under test. It travels in the environment, never in argv.
  const char* given = std::getenv("TC_SHARED_SECRET");
  impl_->shared_secret = given && *given ? given : random_token(32);
  global_redactor().add_secret(impl_->shared_secret);

  Environment env;
  env.capabilities = topology.capabilities;
  if (env.capabilities.count("context-secret")) env.context_secret = impl_->shared_secret;
  env.profile_path = topology.profile;
  env.topology_file = topology.file;
  auto started = impl_->start_all(topology, env);
  if (!started) {
    impl_->terminate_all();
    return started.error();
  }
  if (!impl_->children.empty()) env.check_alive = [this] { return check_alive(); };
  return env;
}

Result<Unit> Supervisor::check_alive() const {
  std::vector<std::shared_ptr<Impl::Started>> children;
  {
    std::lock_guard lock(impl_->mu);
    children = impl_->children;
  }
  for (auto& s : children)
    if (!impl_->running(*s)) return impl_->failure(s->name, "exited (" + impl_->describe_exit(*s) + ")", s->log_file);
  return Unit{};
}

std::string Supervisor::log_tail(const std::string& component, std::size_t lines) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->logs.find(component);
  return it == impl_->logs.end() ? std::string() : file_tail(it->second, lines);
}

std::vector<Error> Supervisor::files_lost() const {
  std::lock_guard lock(impl_->mu);
  return impl_->lost;
}

void Supervisor::stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->terminate_all();
}

}  // namespace tc

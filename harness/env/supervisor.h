// Starts a topology's components (fork and execve), waits for their readiness, captures their output
// to <reports>/logs/<component>.log, and tears them down (SIGTERM, then SIGKILL after a grace period).
// Children are bound to this process's life: none survives SIGINT, SIGTERM or SIGKILL of the runner.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"
#include "harness/env/environment.h"
#include "harness/env/topology.h"

namespace tc {

// The tenantcheck-stub built beside this binary (its build path), else "tenantcheck-stub" from PATH.
std::string default_stub_binary();

struct SupervisorOptions {
  std::string reports_dir = "reports";
  std::string stub_binary;                       // tenantcheck-stub; default: the one built beside us
  long grace_ms = 3000;                          // SIGTERM -> SIGKILL
  std::map<std::string, int> ports;              // component -> fixed port (stub, spawn); else a free one
  // A PEM private key (a 0600 file) every stub authority starts with instead of generating one:
  // mutate hands its keys to all its runs. Default: TC_AUTHORITY_KEY_FILE; empty: each generates its own.
  std::string authority_key_file;
  // The topology's profile as the caller loaded it ({{contract.…}} in spawn commands and URLs); read
  // from topology.profile when none is given.
  const nlohmann::json* contract = nullptr;
};

class Supervisor {
 public:
  explicit Supervisor(SupervisorOptions options);
  ~Supervisor();                                 // stop()
  // Starts every component in dependency order. On failure everything started is stopped and the
  // error (kind environment) names the component, the reason and the tail of its log. The
  // environment's bindings are left empty: the caller reads them (they are not the supervisor's).
  Result<Environment> start(const Topology& topology);
  // Whether every started component is still running; else the error naming the one that exited.
  Result<Unit> check_alive() const;
  std::string log_tail(const std::string& component, std::size_t lines = 40) const;
  void stop();
  // The components' output files a stop could not redact again with the secrets learnt since (each
  // removed, as it may hold one), as environment errors naming them: reports lost.
  std::vector<Error> files_lost() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tc

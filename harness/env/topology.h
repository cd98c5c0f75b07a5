// Topology files (compose/*.yaml): for each component one of stub | spawn | external, its audit
// source, the contract profile and the capabilities offered. Loaded strictly, like scenarios: an
// unknown key, a wrong type or a missing field is an input error with file:line and JSON pointer.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/document.h"
#include "common/http_client.h"
#include "harness/env/environment.h"
#include "harness/model/scenario.h"

namespace tc {

struct ReadinessSpec {
  std::string http_path;        // GET this path; empty: TCP connect
  int expect_status = 200;
  long deadline_ms = 15000;
};

struct ComponentSpec {
  std::string name;
  std::string kind;                               // stub | spawn | external
  // stub
  std::string stub_role;                          // authority | gateway | backend
  std::string backend_role;                       // platform | scanner | graph (stub backends)
  std::vector<std::string> faults;
  std::vector<std::string> stub_args;             // further stub options
  // spawn
  std::string command;
  std::vector<std::string> args;                  // templates: {{port}}, {{<component>}}, {{env.NAME}}
  std::map<std::string, std::string> env;         // templates too
  ReadinessSpec ready;
  // external
  std::string url;
  TlsOptions tls;
  // every kind
  std::vector<std::string> depends_on;            // derived from references when not given
  AuditSourceSpec audit;
  Loc loc;                                        // where it is declared
};

struct Topology {
  std::string file;
  std::string profile;                            // path, resolved against the topology's folder
  std::string fixtures;                           // stub fixtures folder, resolved likewise
  std::set<std::string> capabilities;
  std::vector<ComponentSpec> components;          // in file order
  std::string bindings;                           // optional bindings file (staging)
  std::vector<std::string> pack;                  // scenario files or folders run when no PATH is given
  // The contract's clauses this platform is held to: clause ids ("A8") and families ("P", every
  // clause whose id starts with it). The requirements matrix lists these; empty: every clause.
  std::vector<std::string> clauses;
};

Result<Topology> load_topology(const std::string& path);

// Indexes into topology.components in start order: every component after its depends_on, ties in
// file order. load_topology has rejected cycles.
std::vector<std::size_t> start_order(const Topology& topology);

// Names a template in a topology may use besides component names: port, env, shared_secret,
// stub_binary, fixtures, profile, reports (and correlation_id in an http audit template).
const std::vector<std::string>& topology_template_names();

}  // namespace tc

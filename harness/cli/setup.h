// The set-up every command that works against a platform shares (run, doctor, stubs up, mutate,
// lint): the topology (--env, default compose/local.yaml of the project), the contract profile
// (--profile, else the topology's) and the bindings (--bindings, else the topology's), each read once.
//
// --profile is the one set of spellings for the whole run: the runner reads it and every component
// the supervisor starts is given it (a stub as --profile, a spawned build through {{profile}}). Where
// it cannot reach a component — an external one, or a spawned one whose command line has no
// {{profile}} — a command that starts the topology refuses the flag (a usage error naming the
// component) rather than let runner and platform speak two spellings. doctor is the exception by
// design: its --profile is what the platform's spellings are checked against, so the platform starts
// with the topology's.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/profile.h"
#include "harness/env/supervisor.h"
#include "harness/env/topology.h"

namespace tc::cli {

struct SetupOptions {
  std::string env_file, profile_file, bindings_file;
  // The flags that give a child run the same set-up: --env, --profile, --bindings, each when set.
  std::vector<std::string> as_args() const;
};

// Adds --env and --profile (and --bindings when `bindings`) to `sub`, bound to `o`; `profile_help`
// replaces the --profile help when given.
void add_setup_options(CLI::App* sub, SetupOptions& o, bool bindings, const std::string& profile_help = "");

enum class SetupUse {
  check_files,        // lint: no topology is needed (one is read when --env is given or the default
                      // exists), and the bindings are checked (harness/cli/bindings.h), not rendered
  start_environment,  // run, mutate: the bindings are rendered
  check_platform,     // doctor: --profile is only checked against, never given to the components;
                      // the bindings are checked, and rendered later by render_bindings (doctor lists
                      // unset variables first)
  start_components,   // stubs up: the profile is only the components' to read (not loaded here) and
                      // the bindings are not read
};

struct Setup {
  std::optional<Topology> topology;  // its profile and bindings paths already overridden by the flags; none for
                                     // lint without a topology
  ContractProfile profile;           // empty for start_components
  // The topology's bindings file as read and checked, its strings not yet rendered; none without
  // one, and for start_components. Read here once, for every later use.
  std::optional<Document> bindings_file;
  // The bindings (fixture names -> this environment's), {{env.NAME}} rendered and registered as
  // secrets; an empty object without bindings, and for every use but start_environment.
  json bindings = json::object();
};

Result<Setup> load_setup(const SetupOptions& o, SetupUse use);

// After an environment error that names a started component: the tail of its log on stderr.
void print_component_log(const Error& error, const Supervisor& supervisor);

// Each fault (ROLE.NAME, --fault) added to every stub component of its role; a usage error naming
// the flag when the topology has no stub of that role.
Result<Unit> add_faults(Topology& topology, const std::vector<std::string>& faults);

// A bindings file rendered with nothing but env.* in scope (each value registered as a secret); an
// empty object without one.
Result<json> render_bindings(const std::optional<Document>& bindings_file);

}  // namespace tc::cli

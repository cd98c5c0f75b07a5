// The command lines components are started with (docs/topology.md): a stub's arguments from its
// topology entry and the URLs of the components it depends on; a spawn's command, arguments,
// environment and URL rendered in the topology's scope (which holds {{port}}).
#pragma once
#include <string>
#include <vector>

#include "common/status.h"
#include "harness/env/child_process.h"
#include "harness/env/environment.h"
#include "harness/env/topology.h"
#include "harness/template/template.h"

namespace tc {

// `tenantcheck-stub <role> …` for `c`, listening on `port` (0: one the OS chooses), writing its
// audit records to `audit_file`; a gateway is pointed at the authority and backends already up in `env`.
std::vector<std::string> stub_args(const ComponentSpec& c, const Topology& t, const Environment& env, int port,
                                   const std::string& audit_file);

struct SpawnLaunch {
  ChildSpec spec;        // command, arguments and environment, output to `log_file`
  std::string base_url;  // the rendered url, without a trailing slash
};

// A mistake in a template is an input error at the topology line of the member it is in.
Result<SpawnLaunch> render_spawn(const ComponentSpec& c, const Scope& scope, const std::string& log_file);

}  // namespace tc

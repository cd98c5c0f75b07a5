// What the runner sees of a topology once it is up: endpoints and audit sources, nothing else. It
// never knows whether a component is a stub, a spawned build or staging.
#pragma once
#include <functional>
#include <map>
#include <set>
#include <string>

#include "common/document.h"
#include "common/encoding.h"
#include "common/http_client.h"

namespace tc {

struct AuditSourceSpec {
  std::string kind = "none";   // stub | jsonl | http | none
  std::string location;        // stub: base URL; jsonl: file path; http: URL template with {{correlation_id}}
  long deadline_ms = 3000;     // how long a lagging source is polled (and how long an absence is awaited)
  // The component records before it answers: once the step's response is in, one read is the
  // whole truth (a missing record will not come later), so neither presence nor absence waits.
  // Said by the topology (docs/topology.md); true for the project's stubs, false unless declared.
  bool synchronous = false;
};

// The URL that asks a stub or http source for the records of `correlation_id`: a stub's
// <location><audit_path>?correlation_id=…, an http source's location with each {{correlation_id}}
// replaced; the id URL-encoded. `audit_path` is the profile's paths.audit. Not for jsonl or none.
inline std::string audit_query_url(const AuditSourceSpec& source, const std::string& audit_path,
                                   const std::string& correlation_id) {
  const std::string cid = url_encode(correlation_id);
  if (source.kind == "stub") return source.location + audit_path + "?correlation_id=" + cid;
  static const std::string mark = "{{correlation_id}}";
  std::string url = source.location;
  for (auto at = url.find(mark); at != std::string::npos; at = url.find(mark, at + cid.size())) url.replace(at, mark.size(), cid);
  return url;
}

struct Component {
  std::string name;            // authority, gateway, platform, scanner, graph, …
  std::string url;             // base URL without trailing slash
  TlsOptions tls;
  AuditSourceSpec audit;
  std::string log_file;        // where its output went, when the supervisor started it
};

struct Environment {
  std::map<std::string, Component> components;
  std::set<std::string> capabilities;   // mint, echo, stub-audit, direct-backend, login-hint, …
  std::string profile_path;             // the contract profile the topology names
  std::string topology_file;
  json bindings = json::object();       // fixture names -> this environment's names (staging)
  // The gateway-backend context secret (B1), only with the capability context-secret: a topology
  // whose gateway and backends the runner started with its own secret. A registered secret.
  std::string context_secret;
  // Set when the runner started components (the supervisor, which outlives the run): an
  // environment error naming a started component that is no longer running. A failing step is
  // asked about it, so an answer from a component whose peer died (a gateway's 502) is not
  // judged as a contract violation.
  std::function<Result<Unit>()> check_alive;
};

}  // namespace tc

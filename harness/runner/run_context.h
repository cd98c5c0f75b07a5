// What every scenario of one run shares: the environment (endpoints and audit sources), the root
// variables (each component's URL by name, `contract`, `run_id`, `fx` = the topology's bindings), HTTP clients (one per thread and
// TLS configuration, so connections are reused), the per-run cache of fetched JSON (JWKS), and the
// environment errors met while running (they make the run exit 3). Thread-safe except root_scope(),
// which is read by one test thread at a time.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "harness/env/environment.h"
#include "harness/template/template.h"

namespace tc {

class RunContext {
 public:
  // `contract` is the profile's values; `default_tls` applies to URLs of no component (--cacert …).
  RunContext(Environment env, json contract, TlsOptions default_tls = {}, std::string run_id = "");
  RunContext(const RunContext&) = delete;
  RunContext& operator=(const RunContext&) = delete;

  const Environment& environment() const { return env_; }
  const std::string& run_id() const { return run_id_; }
  const Scope& root_scope() const { return root_; }

  // The component whose URL is the longest prefix of `url`, nullptr when none.
  const Component* component_for_url(const std::string& url) const;
  // The calling thread's client for `url`: the TLS options of its component, else the defaults.
  HttpClient& client_for(const std::string& url);
  // GET `url` and parse its JSON body; successful answers are cached for the run. Errors: a
  // transport failure (environment, naming the component), a non-2xx status or a body not JSON.
  // `refresh` drops the cached answer first (a JWKS after a key rotation).
  Result<json> fetch_json(const std::string& url, bool refresh = false);

  // "<run_id>-<8 random characters>", valid for the profile's correlation id pattern.
  std::string new_correlation_id() const;

  void record_environment_error(const Error& error);
  std::vector<Error> environment_errors() const;

 private:
  Environment env_;
  TlsOptions default_tls_;
  std::string run_id_;
  Scope root_;
  mutable std::mutex mu_;
  std::map<std::string, json> json_cache_;
  std::vector<Error> env_errors_;
};

// `n` characters of [a-z0-9] from the OS CSPRNG.
std::string random_alnum(std::size_t n);

}  // namespace tc

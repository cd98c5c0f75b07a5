// What every scenario of one run shares: the environment (endpoints and audit sources), the root
// variables (each component's URL by name, `contract`, `run_id`, `fx` = the topology's bindings), HTTP clients (one per thread and
// TLS configuration, so connections are reused), the per-run cache of fetched JSON (JWKS), and the
// environment errors met while running (they make the run exit 3). Thread-safe except root_scope(),
// which is read by one test thread at a time.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "harness/env/environment.h"
#include "harness/template/template.h"

namespace tc {

// Safety limits for a run against a shared environment (staging); zero means none.
struct RunLimits {
  double max_rate = 0;          // requests per second for the whole run, all threads together
  long max_retry_wait_s = 10;   // total Retry-After wait per request before a too-many-requests answer stands
  long deadline_s = 0;          // the whole run, counted from `started`; once passed no request is sent
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

class RunContext {
 public:
  // `contract` is the profile's values; `default_tls` applies to URLs of no component (--cacert …).
  RunContext(Environment env, json contract, TlsOptions default_tls = {}, std::string run_id = "");
  RunContext(const RunContext&) = delete;
  RunContext& operator=(const RunContext&) = delete;

  const Environment& environment() const { return env_; }
  const std::string& run_id() const { return run_id_; }
  const Scope& root_scope() const { return root_; }
  // A variable every scenario sees (--var, --vars, --secret); before the run starts.
  void define(const std::string& name, json value) { root_.set(name, std::move(value)); }
  // The profile's values as `component` spells them (profile `components`); the shared spellings
  // for an empty or unknown name. Computed once per component.
  const json& contract_for(const std::string& component);

  // The component whose URL is the longest prefix of `url`, nullptr when none.
  const Component* component_for_url(const std::string& url) const;
  // The component `request` reaches: the one its URL names or, when the URL's host is routed
  // (HttpRequest::hosts), the one its route leads to; nullptr when none.
  const Component* component_for(const HttpRequest& request) const;
  // The calling thread's client for `url`: the TLS options of its component, else the defaults.
  HttpClient& client_for(const std::string& url);
  // Every request of the run goes through here (steps, audit polls, JSON fetches): none once the
  // deadline has passed (the deadline error), each under the rate cap, and a too-many-requests
  // answer with Retry-After (seconds) sent again after that delay while the waits stay within
  // max_retry_wait_s — then the answer stands; it stands at once when `asks_for_it` (called only
  // then) says the caller asked for that answer. Transport errors are returned as the client gives them.
  // `while_waiting` runs once, while the first answer is awaited (HttpClient::send): work of the
  // caller's that does not need the answer; it must not send.
  Result<HttpResponse> send(const HttpRequest& request, const std::function<bool()>& asks_for_it = {},
                            const std::function<void()>& while_waiting = {});
  // Requests sent so far through send(), retries after 429 included.
  long requests_sent() const { return requests_sent_.load(std::memory_order_relaxed); }
  // GET `url` and parse its JSON body; successful answers are cached for the run. Errors: a
  // transport failure (environment, naming the component), a non-2xx status or a body not JSON.
  // `refresh` drops the cached answer first (a JWKS after a key rotation).
  Result<json> fetch_json(const std::string& url, bool refresh = false);

  // "<run_id>-<8 random characters>", valid for the profile's correlation id pattern.
  std::string new_correlation_id() const;

  // Set before the run starts (not thread-safe against running steps).
  void set_limits(const RunLimits& limits) { limits_ = limits; }
  // Told of every request send() is about to send (explore's matrix records the pack's requests);
  // set before the run starts, called on the sending thread.
  void observe_requests(std::function<void(const HttpRequest&)> observer) { observer_ = std::move(observer); }
  // Once the deadline has passed: the environment error "run deadline of N s passed", recorded with
  // the run's environment errors the first time; nullopt before it or without a deadline.
  std::optional<Error> deadline_error();

  void record_environment_error(const Error& error);
  std::vector<Error> environment_errors() const;

 private:
  Environment env_;
  TlsOptions default_tls_;
  std::string run_id_;
  Scope root_;
  // Blocks until the next request may be sent under max_rate (requests are spaced 1/max_rate apart).
  void pace();
  HttpClient& client_with(const Component* component);

  mutable std::mutex mu_;
  json contract_;
  std::map<std::string, json> contract_views_;
  std::map<std::string, json> json_cache_;
  std::vector<Error> env_errors_;
  RunLimits limits_;
  std::chrono::steady_clock::time_point next_request_{};
  bool deadline_recorded_ = false;
  std::atomic<long> requests_sent_{0};
  std::function<void(const HttpRequest&)> observer_;
};

// `n` characters of [a-z0-9] from the OS CSPRNG.
std::string random_alnum(std::size_t n);

}  // namespace tc

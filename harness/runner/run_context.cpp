#include "harness/runner/run_context.h"

#include <algorithm>
#include <memory>
#include <thread>

#include "common/crypto.h"
#include "common/profile.h"

namespace tc {

namespace {
std::string tls_key(const TlsOptions& t) {
  return t.ca_file + '\n' + t.cert_file + '\n' + t.key_file + '\n' + (t.insecure ? "1" : "0");
}
}  // namespace

std::string random_alnum(std::size_t n) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string bytes = random_bytes(n);
  std::string out;
  out.reserve(n);
  for (unsigned char b : bytes) out += kAlphabet[b % 36];
  return out;
}

RunContext::RunContext(Environment env, json contract, TlsOptions default_tls, std::string run_id)
    : env_(std::move(env)), default_tls_(std::move(default_tls)), run_id_(std::move(run_id)) {
  if (run_id_.empty()) run_id_ = "tc-" + random_alnum(10);
  json endpoints = json::object();  // {{endpoints.NAME}} as well as {{NAME}}
  for (const auto& [name, component] : env_.components) {
    root_.set(name, component.url);
    endpoints[name] = component.url;
  }
  root_.set("endpoints", std::move(endpoints));
  contract_ = contract;
  root_.set("contract", std::move(contract));
  root_.set("run_id", run_id_);
  // The topology's bindings: the pack's fixture names bound to this environment ({{fx.users.one}}).
  if (env_.bindings.is_object() && !env_.bindings.empty()) root_.set("fx", env_.bindings);
  if (!env_.context_secret.empty()) root_.set("context_secret", env_.context_secret);  // B1 crafted signatures
}

const json& RunContext::contract_for(const std::string& component) {
  std::lock_guard lock(mu_);
  auto it = contract_views_.find(component);
  if (it == contract_views_.end()) it = contract_views_.emplace(component, component_spellings(contract_, component)).first;
  return it->second;
}

const Component* RunContext::component_for_url(const std::string& url) const {
  const Component* best = nullptr;
  for (const auto& [name, c] : env_.components) {
    if (c.url.empty() || url.compare(0, c.url.size(), c.url) != 0) continue;
    // The prefix must end at a boundary: "http://h:80" must not claim "http://h:8080".
    if (url.size() > c.url.size() && c.url.back() != '/') {
      char next = url[c.url.size()];
      if (next != '/' && next != '?' && next != '#') continue;
    }
    if (!best || c.url.size() > best->url.size()) best = &c;
  }
  return best;
}

const Component* RunContext::component_for(const HttpRequest& request) const {
  if (request.hosts.empty()) return component_for_url(request.url);
  const std::string host = url_host(request.url);
  for (const auto& route : request.hosts)
    if (iequals(route.host, host)) return component_for_url(route.to);
  return component_for_url(request.url);
}

HttpClient& RunContext::client_for(const std::string& url) { return client_with(component_for_url(url)); }

HttpClient& RunContext::client_with(const Component* c) {
  const TlsOptions& tls = c ? c->tls : default_tls_;
  thread_local std::map<std::string, std::unique_ptr<HttpClient>> clients;
  auto& slot = clients[tls_key(tls)];
  if (!slot) slot = std::make_unique<HttpClient>(tls);
  return *slot;
}

Result<json> RunContext::fetch_json(const std::string& url, bool refresh) {
  {
    std::lock_guard lock(mu_);
    if (refresh) json_cache_.erase(url);
    if (auto it = json_cache_.find(url); it != json_cache_.end()) return it->second;
  }
  HttpRequest req;
  req.url = url;
  auto res = send(req);
  if (!res) {
    Error e = res.error();
    if (const Component* c = component_for_url(url)) e.where.component = c->name;
    return e;
  }
  if (res->status < 200 || res->status > 299)
    return input_error({}, "GET " + url + " answered " + std::to_string(res->status));
  json parsed = json::parse(res->body, nullptr, false);
  if (parsed.is_discarded()) return input_error({}, "GET " + url + " did not answer JSON");
  std::lock_guard lock(mu_);
  json_cache_[url] = parsed;
  return parsed;
}

std::string RunContext::new_correlation_id() const { return run_id_ + "-" + random_alnum(8); }

void RunContext::pace() {
  if (limits_.max_rate <= 0) return;
  const auto spacing = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / limits_.max_rate));
  std::chrono::steady_clock::time_point slot;
  {
    std::lock_guard lock(mu_);
    slot = std::max(std::chrono::steady_clock::now(), next_request_);
    next_request_ = slot + spacing;
  }
  std::this_thread::sleep_until(slot);
}

Result<HttpResponse> RunContext::send(const HttpRequest& request, const std::function<bool()>& asks_for_it,
                                      const std::function<void()>& while_waiting) {
  const json* too_many = root_.lookup("contract.status.too_many_requests");
  const json* retry_after = root_.lookup("contract.headers.retry_after");
  long waited_s = 0;
  for (bool first = true;; first = false) {
    if (auto late = deadline_error()) return *late;
    pace();
    requests_sent_.fetch_add(1, std::memory_order_relaxed);
    if (observer_) observer_(request);
    static const std::function<void()> kNothing;
    auto response = client_with(component_for(request)).send(request, first ? while_waiting : kNothing);
    if (!response || !too_many || !retry_after || !retry_after->is_string() || response->status != *too_many ||
        (asks_for_it && asks_for_it()))
      return response;
    auto delay = response->headers.get(retry_after->get_ref<const std::string&>());
    if (!delay || delay->empty() || delay->find_first_not_of("0123456789") != std::string::npos || delay->size() > 6)
      return response;
    const long s = std::stol(*delay);
    if (waited_s + s > limits_.max_retry_wait_s) return response;
    waited_s += std::max(s, 1L);  // so that "Retry-After: 0" cannot retry forever
    std::this_thread::sleep_for(std::chrono::seconds(s));
  }
}

std::optional<Error> RunContext::deadline_error() {
  if (limits_.deadline_s <= 0 ||
      std::chrono::steady_clock::now() < limits_.started + std::chrono::seconds(limits_.deadline_s))
    return std::nullopt;
  Error e = environment_error("", "run deadline of " + std::to_string(limits_.deadline_s) + " s passed");
  std::lock_guard lock(mu_);
  if (!deadline_recorded_) env_errors_.push_back(e);
  deadline_recorded_ = true;
  return e;
}

void RunContext::record_environment_error(const Error& error) {
  std::lock_guard lock(mu_);
  env_errors_.push_back(error);
}

std::vector<Error> RunContext::environment_errors() const {
  std::lock_guard lock(mu_);
  return env_errors_;
}

}  // namespace tc

// Shared by the runner's tests: a real HTTP server on 127.0.0.1:0 (the stubs' core) with a test
// handler that records every request, a RunContext whose environment names that server as component
// "api", and builders for steps and expectations.
#pragma once
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "common/profile.h"
#include "harness/runner/expectation.h"
#include "harness/runner/run_context.h"
#include "harness/runner/step_runner.h"
#include "stubs/frame.h"
#include "support/reference.h"

namespace tc::testing_support {

using tc::testing::reference_profile;

class TestServer {
 public:
  explicit TestServer(stub::Handler handler)
      : server_(server_options(), [this, handler](const stub::Request& r) {
          {
            std::lock_guard lock(mu_);
            requests_.push_back(r);
          }
          return handler(r);
        }) {
    thread_ = std::thread([this] { server_.run(false); });
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return server_.url(); }
  std::vector<stub::Request> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  // The server's own answers (malformed, too large) in the reference profile's envelope.
  static stub::ServerOptions server_options() {
    stub::ServerOptions o;
    o.error_response = [](stub::ServerFault f, const stub::Request& r) {
      return stub::server_error_response(f, r, reference_profile());
    };
    return o;
  }

  mutable std::mutex mu_;
  std::vector<stub::Request> requests_;
  stub::HttpServer server_;
  std::thread thread_;
};

inline stub::Response respond(int status, std::string body = "", Headers headers = {}) {
  stub::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}


inline Component component(const std::string& name, const std::string& url, AuditSourceSpec audit = {}) {
  Component c;
  c.name = name;
  c.url = url;
  c.audit = std::move(audit);
  return c;
}

inline std::unique_ptr<RunContext> make_run(std::vector<Component> components, std::set<std::string> caps = {}) {
  register_builtin_expectations();
  Environment env;
  for (auto& c : components) env.components[c.name] = c;
  env.capabilities = std::move(caps);
  return std::make_unique<RunContext>(std::move(env), reference_profile().values(), TlsOptions{}, "run-test");
}

inline Loc loc_at(int line, const std::string& pointer = "") { return Loc{"scenarios/test.yaml", line, pointer}; }

inline ExpectationSpec expect(const std::string& kind, json spec) {
  return ExpectationSpec{kind, std::move(spec), loc_at(20, "/scenarios/0/steps/0/expect/" + kind)};
}

inline StepSpec step(const std::string& name, const std::string& url, std::vector<ExpectationSpec> expectations = {}) {
  StepSpec s;
  s.name = name;
  s.request.url = url;
  s.expectations = std::move(expectations);
  s.loc = loc_at(10, "/scenarios/0/steps/0");
  s.request.loc = s.loc;
  return s;
}

// The single outcome of `kind` in `r` (fails the test when there is not exactly one).
inline Outcome only(const StepResult& r, const std::string& kind) {
  std::vector<Outcome> found;
  for (const auto& o : r.outcomes)
    if (o.kind == kind) found.push_back(o);
  EXPECT_EQ(found.size(), 1u) << "outcomes of kind " << kind;
  return found.empty() ? Outcome{} : found.front();
}

inline std::string failures(const StepResult& r) {
  std::string out;
  for (const auto& l : r.failure_lines()) out += l + "\n";
  return out;
}

}  // namespace tc::testing_support

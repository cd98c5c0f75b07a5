// The run's safety limits against a shared environment: a request-rate cap shared by every request,
// 429 answers retried after their Retry-After within --max-retry-wait, and a deadline after which no
// request is sent and no scenario starts, recorded as an environment error (exit 3).
#include <chrono>

#include "harness/runner/scenario_runner.h"
#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;
using Clock = std::chrono::steady_clock;

// A server that answers 429 with `retry_after` to the first `refusals` requests, then 200; and keeps
// each request's arrival time.
class Limiter {
 public:
  Limiter(int refusals, std::string retry_after)
      : server_([this, refusals, retry_after](const stub::Request&) {
          std::lock_guard lock(mu_);
          arrivals_.push_back(Clock::now());
          if (static_cast<int>(arrivals_.size()) > refusals) return respond(200);
          Headers h;
          h.add(reference_profile().header("retry_after"), retry_after);
          return respond(reference_profile().status("too_many_requests"), "", h);
        }) {}
  std::string url() const { return server_.url(); }
  std::vector<Clock::time_point> arrivals() const {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Clock::time_point> arrivals_;
  TestServer server_;
};

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// One step expecting 200 from `server`, in a run with `limits`.
StepResult step_under(const Limiter& server, const RunLimits& limits) {
  auto run = make_run({component("api", server.url())});
  run->set_limits(limits);
  Scope scope(&run->root_scope());
  return run_step(step("limited", "{{api}}/x", {expect("status", 200)}), scope, *run);
}

// A run against `server` whose 1 s deadline passed a second ago.
std::unique_ptr<RunContext> run_past_its_deadline(const Limiter& server) {
  auto run = make_run({component("api", server.url())});
  RunLimits limits;
  limits.deadline_s = 1;
  limits.started = Clock::now() - std::chrono::seconds(2);
  run->set_limits(limits);
  return run;
}

RunLimits retry_wait(long seconds) {
  RunLimits limits;
  limits.max_retry_wait_s = seconds;
  return limits;
}

TEST(RunLimits, A429IsSentAgainAfterItsRetryAfterAndTheLaterAnswerCounts) {
  Limiter server(1, "1");
  auto r = step_under(server, RunLimits{});
  EXPECT_FALSE(r.failed()) << failures(r);
  auto arrivals = server.arrivals();
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_GE(seconds_between(arrivals[0], arrivals[1]), 0.95);
}

TEST(RunLimits, A429WhoseRetryAfterExceedsTheBoundStands) {
  Limiter server(5, "30");
  auto r = step_under(server, retry_wait(2));
  EXPECT_EQ(server.arrivals().size(), 1u);
  ASSERT_EQ(r.failure_lines().size(), 1u) << failures(r);
  EXPECT_NE(r.failure_lines()[0].find("429"), std::string::npos) << failures(r);
}

TEST(RunLimits, RetriesStopOnceTheirWaitsWouldPassTheBound) {
  Limiter server(5, "1");
  auto r = step_under(server, retry_wait(2));
  EXPECT_EQ(server.arrivals().size(), 3u);  // the first, then two retries a second apart
  EXPECT_TRUE(r.failed());
}

// A step that asks for the too-many-requests answer gets it at once: a retry after Retry-After
// would show it the next window's answer instead, and it would fail a platform that limits.
TEST(RunLimits, AStepThatExpectsTheTooManyAnswerIsNotRetried) {
  for (const json& expected : {json("{{contract.status.too_many_requests}}"), json::array({200, 429}), json("429")}) {
    SCOPED_TRACE(expected.dump());
    Limiter server(1, "1");
    auto run = make_run({component("api", server.url())});
    Scope scope(&run->root_scope());
    auto r = run_step(step("over the limit", "{{api}}/x", {expect("status", expected)}), scope, *run);
    EXPECT_FALSE(r.failed()) << failures(r);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(server.arrivals().size(), 1u);
  }
}

// A repeated step counts its sends: a 429 within them stands (else a budget lower than the bindings'
// would pass, each send waiting out the window).
TEST(RunLimits, ARepeatedStepsTooManyAnswerIsNotRetried) {
  Limiter server(1, "1");
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  StepSpec spend = step("spend", "{{api}}/x", {expect("status", 200)});
  spend.repeat = 2;
  auto r = run_step(spend, scope, *run);
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(server.arrivals().size(), 1u);
}

TEST(RunLimits, AnUnreadableRetryAfterIsNotRetried) {
  Limiter server(5, "Wed, 21 Oct 2026 07:28:00 GMT");
  step_under(server, RunLimits{});
  EXPECT_EQ(server.arrivals().size(), 1u);
}

TEST(RunLimits, TheRateCapSpacesEveryRequestOfTheRun) {
  Limiter server(0, "");
  auto run = make_run({component("api", server.url())});
  RunLimits limits;
  limits.max_rate = 10;  // one request per 100 ms
  run->set_limits(limits);
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&run] {
      Scope scope(&run->root_scope());
      for (int i = 0; i < 3; ++i) run_step(step("paced", "{{api}}/x"), scope, *run);
    });
  for (auto& t : threads) t.join();
  auto arrivals = server.arrivals();
  ASSERT_EQ(arrivals.size(), 6u);
  // Six requests released 100 ms apart from the first at or after t0: the last cannot arrive before
  // t0 + 0.5 s, however the threads were scheduled (an upper bound would measure the machine).
  EXPECT_GE(seconds_between(t0, *std::max_element(arrivals.begin(), arrivals.end())), 0.499);
}

TEST(RunLimits, PastTheDeadlineNoScenarioStartsAndTheRunRecordsWhy) {
  Limiter server(0, "");
  auto run = run_past_its_deadline(server);
  Scenario s;
  s.name = "late";
  s.file = "scenarios/test.yaml";
  s.steps = {step("call", "{{api}}/x", {expect("status", 200)})};
  ScenarioCase c{&s, json(), "late", "late"};
  ScenarioResult first = run_scenario(c, *run);
  ScenarioResult second = run_scenario(c, *run);
  ASSERT_TRUE(first.skipped);
  EXPECT_EQ(*first.skipped, "not run: run deadline of 1 s passed");
  EXPECT_TRUE(second.skipped);
  EXPECT_TRUE(server.arrivals().empty());
  auto errors = run->environment_errors();
  ASSERT_EQ(errors.size(), 1u);  // recorded once, however many scenarios it stopped
  EXPECT_NE(errors[0].message.find("deadline"), std::string::npos);
}

TEST(RunLimits, AStepStartedAfterTheDeadlineSendsNothing) {
  Limiter server(0, "");
  auto run = run_past_its_deadline(server);
  Scope scope(&run->root_scope());
  auto r = run_step(step("late", "{{api}}/x"), scope, *run);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, ErrorKind::environment);
  EXPECT_TRUE(server.arrivals().empty());
}

}  // namespace
}  // namespace tc

#include <chrono>
#include <fstream>
#include <thread>

#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;
using Clock = std::chrono::steady_clock;

long ms_since(Clock::time_point t) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

// A component with a stub-style audit source: /act records {event, correlation_id} `delay_ms` after
// the request; /_audit?correlation_id= answers the records of that id.
class AuditedServer {
 public:
  // `extra`: further fields of every record.
  explicit AuditedServer(long delay_ms, std::string event = "data.read", json extra = json::object()) {
    server_ = std::make_unique<TestServer>([this, delay_ms, event, extra](const stub::Request& r) {
      std::lock_guard lock(mu_);
      if (r.path == "/_audit") {
        ++reads_;
        json out = json::array();
        for (const auto& [at, rec] : records_)
          if (Clock::now() >= at && rec["correlation_id"] == r.query_param("correlation_id").value_or("")) out.push_back(rec);
        return respond(200, out.dump());
      }
      json rec = {{"event", event}, {"correlation_id", r.headers.get("X-Correlation-Id").value_or("")}, {"tenant", "tenant-alpha"}};
      rec.update(extra);
      records_.emplace_back(Clock::now() + std::chrono::milliseconds(delay_ms), rec);
      return respond(200, "{}");
    });
  }
  std::string url() const { return server_->url(); }
  int reads() {
    std::lock_guard lock(mu_);
    return reads_;
  }

 private:
  std::mutex mu_;
  int reads_ = 0;
  std::vector<std::pair<Clock::time_point, json>> records_;
  std::unique_ptr<TestServer> server_;
};

AuditSourceSpec stub_audit(const std::string& url, long deadline_ms) { return {"stub", url, deadline_ms}; }
// A source that records before it answers (environment.h): one read after the response is final.
AuditSourceSpec synchronous_audit(const std::string& url) { return {"stub", url, 3000, true}; }

TEST(ExpectAudit, PresentIsFoundWhenTheRecordArrivesLate) {
  AuditedServer server(400);
  auto run = make_run({component("platform", server.url(), stub_audit(server.url(), 2000))});
  Scope scope(&run->root_scope());
  auto start = Clock::now();
  auto r = run_step(step("a", "{{platform}}/act", {expect("audit", json::array({
      {{"component", "platform"}, {"present", {{"event", "data.read"}, {"tenant", "tenant-alpha"}}}}}))}), scope, *run);
  EXPECT_TRUE(only(r, "audit").passed()) << failures(r);
  EXPECT_GE(ms_since(start), 400);
  EXPECT_LT(ms_since(start), 2000);
}

TEST(ExpectAudit, PresentFailsAtTheDeadlineNamingWhatWasFound) {
  AuditedServer server(0);
  auto run = make_run({component("platform", server.url(), stub_audit(server.url(), 300))});
  Scope scope(&run->root_scope());
  auto r = run_step(step("a", "{{platform}}/act", {expect("audit", json::array({
      {{"component", "platform"}, {"present", {{"event", "data.write"}}}}}))}), scope, *run);
  Outcome o = only(r, "audit");
  EXPECT_TRUE(o.failed());
  EXPECT_EQ(o.expected, "a record matching {\"event\":\"data.write\"}");
  EXPECT_NE(o.actual.find("1 record(s) for correlation id " + r.correlation_id), std::string::npos) << o.actual;
  EXPECT_NE(o.actual.find("data.read"), std::string::npos) << o.actual;
}

TEST(ExpectAudit, AbsentHoldsUntilTheDeadline) {
  AuditedServer server(0);
  auto run = make_run({component("platform", server.url(), stub_audit(server.url(), 500))});
  Scope scope(&run->root_scope());
  auto start = Clock::now();
  auto r = run_step(step("a", "{{platform}}/act", {expect("audit", json::array({
      {{"component", "platform"}, {"absent", {{"event", "{{contract.events.data_write}}"}}}}}))}), scope, *run);
  EXPECT_TRUE(only(r, "audit").passed()) << failures(r);
  EXPECT_GE(ms_since(start), 500);
  EXPECT_LT(ms_since(start), 650);   // the last read is at the deadline, not a poll interval past it
}

TEST(ExpectAudit, ASynchronousSourceProvesAnAbsenceInOneRead) {
  AuditedServer server(0);
  auto run = make_run({component("platform", server.url(), synchronous_audit(server.url()))});
  Scope scope(&run->root_scope());
  auto start = Clock::now();
  auto r = run_step(step("a", "{{platform}}/act", {expect("audit", json::array({
      {{"component", "platform"}, {"absent", {{"event", "data.write"}}}}}))}), scope, *run);
  EXPECT_TRUE(only(r, "audit").passed()) << failures(r);
  EXPECT_EQ(server.reads(), 1);
  EXPECT_LT(ms_since(start), 1500);   // the 3000 ms deadline is not waited out
}

TEST(ExpectAudit, ASynchronousAbsenceStillFailsWhenTheRecordIsThere) {
  AuditedServer server(0, "data.write");
  auto run = make_run({component("platform", server.url(), synchronous_audit(server.url()))});
  Scope scope(&run->root_scope());
  auto r = run_step(step("a", "{{platform}}/act", {expect("audit", json::array({
      {{"component", "platform"}, {"absent", {{"event", "data.write"}}}}}))}), scope, *run);
  Outcome o = only(r, "audit");
  EXPECT_TRUE(o.failed());
  EXPECT_NE(o.actual.find("data.write"), std::string::npos) << o.actual;
}

// The fields U1 adds to event and correlation_id, absent values null.
json u1_fields(const std::string& ts) {
  return {{"ts", ts}, {"component", "platform"}, {"outcome", "allow"}, {"status", 200},
          {"actor", {{"sub", "user-ada"}, {"client_id", nullptr}, {"tenant", nullptr}}}, {"resolved_tenant", "tenant-alpha"},
          {"attempted_tenant", nullptr}, {"target_tenant", nullptr}, {"reason", nullptr}, {"method", "GET"},
          {"path", "/act"}, {"change_summary", nullptr}};
}

Outcome well_formed_check(const std::string& url) {
  auto run = make_run({component("platform", url, synchronous_audit(url))});
  Scope scope(&run->root_scope());
  auto r = run_step(step("a", "{{platform}}/act", {expect("audit", json::array({
      {{"component", "platform"}, {"present", {{"event", "data.read"}}}, {"well_formed", true}}}))}), scope, *run);
  return only(r, "audit");
}

TEST(ExpectAudit, WellFormedHoldsTheRecordFoundToTheShapeU1Gives) {
  AuditedServer full(0, "data.read", u1_fields("2026-12-05T10:11:12.345Z"));
  EXPECT_TRUE(well_formed_check(full.url()).passed()) << well_formed_check(full.url()).actual;
  AuditedServer offset(0, "data.read", u1_fields("2026-12-05T10:11:12+00:00"));
  EXPECT_TRUE(well_formed_check(offset.url()).passed());

  AuditedServer partial(0);  // event, correlation_id and tenant only: a subset match alone passes it
  const Outcome o = well_formed_check(partial.url());
  EXPECT_TRUE(o.failed());
  EXPECT_NE(o.expected.find("shaped as U1 says"), std::string::npos) << o.expected;
  EXPECT_NE(o.actual.find("no field 'ts'"), std::string::npos) << o.actual;

  json without_method = u1_fields("2026-12-05T10:11:12Z");
  without_method.erase("method");
  AuditedServer omitted(0, "data.read", without_method);
  EXPECT_NE(well_formed_check(omitted.url()).actual.find("no field 'method'"), std::string::npos);

  json no_actor_tenant = u1_fields("2026-12-05T10:11:12Z");
  no_actor_tenant["actor"].erase("tenant");
  AuditedServer actor(0, "data.read", no_actor_tenant);
  EXPECT_NE(well_formed_check(actor.url()).actual.find("actor has no field 'tenant'"), std::string::npos);

  json with_query = u1_fields("2026-12-05T10:11:12Z");
  with_query["path"] = "/act?tenant=tenant-alpha";
  AuditedServer query(0, "data.read", with_query);
  EXPECT_NE(well_formed_check(query.url()).actual.find("path is not a request's path without its query"), std::string::npos);

  json status_text = u1_fields("2026-12-05T10:11:12Z");
  status_text["status"] = "200";
  AuditedServer text(0, "data.read", status_text);
  EXPECT_NE(well_formed_check(text.url()).actual.find("status is not an integer or null"), std::string::npos);

  for (const json& list : {json{"tenant-bravo", "tenant-alpha"}, json{"tenant-alpha", "tenant-alpha"}, json{"tenant-alpha"}}) {
    json attempted = u1_fields("2026-12-05T10:11:12Z");
    attempted["attempted_tenant"] = list;
    AuditedServer conflict(0, "data.read", attempted);
    EXPECT_NE(well_formed_check(conflict.url()).actual.find("not the sorted list of two or more distinct values"),
              std::string::npos) << list;
  }
  json sorted = u1_fields("2026-12-05T10:11:12Z");
  sorted["attempted_tenant"] = {"tenant-alpha", "tenant-bravo"};
  AuditedServer conflict(0, "data.read", sorted);
  EXPECT_TRUE(well_formed_check(conflict.url()).passed());

  json token = u1_fields("2026-12-05T10:11:12Z");
  token["reason"] = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl";
  AuditedServer leak(0, "data.read", token);
  EXPECT_NE(well_formed_check(leak.url()).actual.find("the record holds a token"), std::string::npos);

  for (const char* ts : {"2026-12-05 10:11:12Z", "2026-12-05T10:11:12+01:00", "2026-13-05T10:11:12Z", "1733393472"}) {
    AuditedServer local(0, "data.read", u1_fields(ts));
    const Outcome bad = well_formed_check(local.url());
    EXPECT_TRUE(bad.failed()) << ts;
    EXPECT_NE(bad.actual.find("not an RFC 3339 time in UTC"), std::string::npos) << ts << ": " << bad.actual;
  }
}

// A component whose /act records the events `order` names, in that order, under the request's id.
class OrderedServer {
 public:
  explicit OrderedServer(std::vector<std::string> order) {
    server_ = std::make_unique<TestServer>([this, order](const stub::Request& r) {
      std::lock_guard lock(mu_);
      if (r.path == "/_audit") {
        json out = json::array();
        for (const auto& rec : records_)
          if (rec["correlation_id"] == r.query_param("correlation_id").value_or("")) out.push_back(rec);
        return respond(200, out.dump());
      }
      for (const auto& event : order)
        records_.push_back({{"event", event}, {"correlation_id", r.headers.get("X-Correlation-Id").value_or("")}});
      return respond(200, "{}");
    });
  }
  std::string url() const { return server_->url(); }

 private:
  std::mutex mu_;
  std::vector<json> records_;
  std::unique_ptr<TestServer> server_;
};

Outcome ordered_check(const std::string& url) {
  auto run = make_run({component("gateway", url, synchronous_audit(url))});
  Scope scope(&run->root_scope());
  auto r = run_step(step("a", "{{gateway}}/act", {expect("audit", json::array({
      {{"component", "gateway"}, {"present", {{"event", "request.forwarded"}}}, {"after", {{"event", "tenant.selected"}}}}}))}),
      scope, *run);
  return only(r, "audit");
}

TEST(ExpectAudit, AfterHoldsTheRecordFoundToComeAfterAnother) {
  OrderedServer in_order({"tenant.selected", "request.forwarded"});
  EXPECT_TRUE(ordered_check(in_order.url()).passed()) << ordered_check(in_order.url()).actual;
  OrderedServer reversed({"request.forwarded", "tenant.selected"});
  const Outcome o = ordered_check(reversed.url());
  EXPECT_TRUE(o.failed());
  EXPECT_EQ(o.expected, "a record matching {\"event\":\"request.forwarded\"} after a record matching {\"event\":\"tenant.selected\"}");
  EXPECT_NE(o.actual.find("2 record(s)"), std::string::npos) << o.actual;
  OrderedServer alone({"request.forwarded"});
  EXPECT_TRUE(ordered_check(alone.url()).failed());
}

TEST(ExpectAudit, ASynchronousPresenceFailsAtOnceWhenTheRecordIsMissing) {
  AuditedServer server(0);
  auto run = make_run({component("platform", server.url(), synchronous_audit(server.url()))});
  Scope scope(&run->root_scope());
  auto start = Clock::now();
  auto r = run_step(step("a", "{{platform}}/act", {expect("audit", json::array({
      {{"component", "platform"}, {"present", {{"event", "data.write"}}}}}))}), scope, *run);
  Outcome o = only(r, "audit");
  EXPECT_TRUE(o.failed());
  EXPECT_NE(o.actual.find("data.read"), std::string::npos) << o.actual;
  EXPECT_EQ(server.reads(), 1);
  EXPECT_LT(ms_since(start), 1500);
}

TEST(ExpectAudit, ALaggingFileSourceFailsAnAbsenceWhenTheRecordLandsBeforeTheDeadline) {
  const std::string file = ::testing::TempDir() + "/audit_lagging_test.jsonl";
  std::remove(file.c_str());
  std::vector<std::thread> writers;
  TestServer server([&file, &writers](const stub::Request& r) {
    const std::string cid = r.headers.get("X-Correlation-Id").value_or("");
    writers.emplace_back([file, cid] {   // the component answers first and records 150 ms later
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      std::ofstream(file, std::ios::app) << json{{"event", "data.write"}, {"correlation_id", cid}}.dump() << "\n";
    });
    return respond(200);
  });
  auto run = make_run({component("platform", server.url(), {"jsonl", file, 2000})});
  Scope scope(&run->root_scope());
  auto start = Clock::now();
  auto r = run_step(step("a", "{{platform}}/x", {expect("audit", json::array({
      {{"component", "platform"}, {"absent", {{"event", "data.write"}}}}}))}), scope, *run);
  for (auto& w : writers) w.join();
  Outcome o = only(r, "audit");
  EXPECT_TRUE(o.failed());
  EXPECT_NE(o.actual.find("data.write"), std::string::npos) << o.actual;
  EXPECT_GE(ms_since(start), 150);
  EXPECT_LT(ms_since(start), 2000);
  std::remove(file.c_str());
}

TEST(ExpectAudit, AbsentFailsAsSoonAsTheRecordAppears) {
  AuditedServer server(200, "data.write");
  auto run = make_run({component("platform", server.url(), stub_audit(server.url(), 3000))});
  Scope scope(&run->root_scope());
  auto start = Clock::now();
  auto r = run_step(step("a", "{{platform}}/act", {expect("audit", json::array({
      {{"component", "platform"}, {"absent", {{"event", "data.write"}}}}}))}), scope, *run);
  Outcome o = only(r, "audit");
  EXPECT_TRUE(o.failed());
  EXPECT_NE(o.actual.find("data.write"), std::string::npos);
  EXPECT_LT(ms_since(start), 2000);
}

TEST(ExpectAudit, NoAuditSourceIsSkippedNeverPassed) {
  TestServer server([](const stub::Request&) { return respond(200); });
  auto run = make_run({component("gateway", server.url())});
  Scope scope(&run->root_scope());
  auto r = run_step(step("a", "{{gateway}}/x", {expect("audit", json::array({
      {{"component", "gateway"}, {"present", {{"event", "x"}}}}}))}), scope, *run);
  Outcome o = only(r, "audit");
  EXPECT_EQ(o.status, Outcome::Status::skipped);
  EXPECT_EQ(o.reason, "component gateway has no audit source");
  EXPECT_FALSE(r.failed());
}

TEST(ExpectAudit, JsonlSourceIsFilteredByCorrelationId) {
  const std::string file = ::testing::TempDir() + "/audit_jsonl_test.jsonl";
  TestServer server([&file](const stub::Request& r) {
    std::ofstream out(file, std::ios::app);
    out << json{{"event", "data.read"}, {"correlation_id", r.headers.get("X-Correlation-Id").value_or("")}}.dump() << "\n"
        << json{{"event", "data.write"}, {"correlation_id", "someone-else"}}.dump() << "\n";
    return respond(200);
  });
  std::remove(file.c_str());
  auto run = make_run({component("platform", server.url(), {"jsonl", file, 300})});
  Scope scope(&run->root_scope());
  auto r = run_step(step("a", "{{platform}}/x", {expect("audit", json::array({
      {{"component", "platform"}, {"present", {{"event", "data.read"}}}},
      {{"component", "platform"}, {"absent", {{"event", "data.write"}}}}}))}), scope, *run);
  EXPECT_EQ(r.outcomes.size(), 2u);
  EXPECT_FALSE(r.failed()) << failures(r);
  std::remove(file.c_str());
}

TEST(ExpectAudit, HttpSourceSubstitutesTheCorrelationId) {
  std::mutex mu;
  std::string seen;
  TestServer audit([&](const stub::Request& r) {
    std::lock_guard lock(mu);
    seen = r.query_param("cid").value_or("");
    return respond(200, json{{"records", json::array({{{"event", "x"}, {"correlation_id", seen}}})}}.dump());
  });
  TestServer api([](const stub::Request&) { return respond(200); });
  auto run = make_run({component("api", api.url(), {"http", audit.url() + "/audit?cid={{correlation_id}}", 300})});
  Scope scope(&run->root_scope());
  auto r = run_step(step("a", "{{api}}/x", {expect("audit", json::array({
      {{"component", "api"}, {"present", {{"event", "x"}}}}}))}), scope, *run);
  EXPECT_FALSE(r.failed()) << failures(r);
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, r.correlation_id);
}

}  // namespace
}  // namespace tc

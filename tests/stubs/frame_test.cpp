// The request frame (stubs/frame.h) as every role runs it, over real sockets against the real
// tenantcheck-stub program: one table of the three roles, the same expectations for each — the
// audit query, a POST to it (405 with Allow), a server error (500 internal_error in the envelope, with
// the caller's correlation id), and bytes that are not UTF-8 (400 invalid_encoding, never a 500, the
// audit query still answering afterwards).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "common/profile.h"
#include "raw_http.h"
#include "stub_process.h"
#include "support/reference.h"

namespace tc::test {
namespace {

using nlohmann::json;

const ContractProfile& profile() { return tc::testing::reference_profile(); }

struct RoleCase {
  const char* name;
  std::vector<std::string> args;
  // A request the role audits before it answers (a decision), as raw HTTP without the final CRLF.
  std::string audited_method, audited_path, audited_extra, audited_body;
};

const std::vector<RoleCase>& roles() {
  static const std::vector<RoleCase> table = {
      {"authority", {"authority"}, "POST", profile().path("token"), "Content-Type: application/x-www-form-urlencoded\r\n",
       "grant_type=password"},
      {"gateway", {"gateway", "--authority", "http://127.0.0.1:9", "--shared-secret", "frame-test-secret"}, "GET",
       "/api/platform/items", "", ""},
      {"backend", {"backend", "--role", "platform", "--shared-secret", "frame-test-secret"}, "GET",
       "/api/platform/items", "", ""},
  };
  return table;
}

// A role's stub on an OS-chosen port, optionally with an audit file.
class RunningStub {
 public:
  RunningStub(const RoleCase& role, const std::string& audit_file = "") {
    std::vector<std::string> args = role.args;
    args.insert(args.end(), {"--port", "0"});
    if (!audit_file.empty()) args.insert(args.end(), {"--audit-file", audit_file});
    child_ = std::make_unique<Child>(args);
    auto line = child_->first_line();
    if (!line) throw std::runtime_error(std::string(role.name) + " did not start: " + child_->err_now());
    port_ = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  }
  RawResponse send(const std::string& request) {
    RawConnection c(port_);
    EXPECT_TRUE(c.connected());
    EXPECT_TRUE(c.send(request));
    auto r = c.read_response();
    if (!r) ADD_FAILURE() << "no answer to " << request.substr(0, request.find('\r'));
    return r.value_or(RawResponse{});
  }
  json audit(const std::string& cid = "") {
    auto r = send(raw_request("GET", profile().path("audit") + (cid.empty() ? "" : "?correlation_id=" + cid)));
    EXPECT_EQ(r.status, profile().status("ok")) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  Child& child() { return *child_; }

 private:
  std::unique_ptr<Child> child_;
  std::uint16_t port_ = 0;
};

std::string cid_header(const std::string& cid) { return profile().header("correlation_id") + ": " + cid + "\r\n"; }

json envelope_of(const RawResponse& r) { return json::parse(r.body, nullptr, false); }

TEST(StubFrame, EveryRoleAnswersAPostToTheAuditQueryWith405AndAllow) {
  std::vector<json> bodies;
  for (const auto& role : roles()) {
    RunningStub stub(role);
    auto r = stub.send(raw_request("POST", profile().path("audit"), cid_header("frame-405"), "x=1"));
    EXPECT_EQ(r.status, profile().status("method_not_allowed")) << role.name;
    EXPECT_EQ(r.headers.get("Allow"), "GET") << role.name;
    EXPECT_EQ(r.headers.get(profile().header("correlation_id")), "frame-405") << role.name;
    EXPECT_EQ(envelope_of(r).value("error", ""), profile().error("method_not_allowed")) << role.name;
    bodies.push_back(envelope_of(r));
  }
  EXPECT_EQ(bodies[0], bodies[1]);
  EXPECT_EQ(bodies[1], bodies[2]);
}

TEST(StubFrame, EveryRoleAnswersTheAuditQueryAlikeAndFindsItsDecisionByCorrelationId) {
  for (const auto& role : roles()) {
    RunningStub stub(role);
    const std::string cid = std::string("frame-audit-") + role.name;
    auto decided = stub.send(raw_request(role.audited_method, role.audited_path, cid_header(cid) + role.audited_extra,
                                         role.audited_body));
    EXPECT_GE(decided.status, 400) << role.name;
    json found = stub.audit(cid);
    ASSERT_TRUE(found.is_object() && found["records"].is_array()) << role.name << ": " << found;
    ASSERT_EQ(found["records"].size(), 1u) << role.name << ": " << found;
    const json& record = found["records"][0];
    EXPECT_EQ(record["correlation_id"], cid) << role.name;
    EXPECT_EQ(record["outcome"], profile().values()["outcomes"]["deny"]) << role.name;
    EXPECT_EQ(record["status"], decided.status) << role.name;
    for (const char* field : {"ts", "component", "event", "actor", "resolved_tenant", "attempted_tenant",
                              "target_tenant", "reason", "method", "path", "change_summary"})
      EXPECT_TRUE(record.contains(field)) << role.name << " lacks " << field;
    EXPECT_EQ(record["actor"].size(), 3u) << role.name;
    EXPECT_TRUE(stub.audit("frame-nobody")["records"].empty()) << role.name;
  }
}

// Bounded audit memory (--audit-retention): the running program's query answers from the last N
// records, and still finds the latest by correlation id; every role alike.
TEST(StubFrame, EveryRoleKeepsOnlyTheRetainedAuditRecordsForItsQuery) {
  for (RoleCase role : roles()) {
    role.args.insert(role.args.end(), {"--audit-retention", "3"});
    RunningStub stub(role);
    for (int i = 0; i < 6; ++i)
      stub.send(raw_request(role.audited_method, role.audited_path, cid_header("frame-kept-" + std::to_string(i)) + role.audited_extra,
                            role.audited_body));
    json all = stub.audit();
    ASSERT_TRUE(all.is_object() && all["records"].is_array()) << role.name << ": " << all;
    EXPECT_EQ(all["records"].size(), 3u) << role.name << ": " << all;
    EXPECT_TRUE(stub.audit("frame-kept-0")["records"].empty()) << role.name;
    EXPECT_EQ(stub.audit("frame-kept-5")["records"].size(), 1u) << role.name;
  }
}

// An audit file that cannot be written (/dev/full) makes recording fail: the decision must not be
// answered as if recorded, so the role answers the frame's 500 — the same for every role.
TEST(StubFrame, EveryRoleAnswersAServerErrorInTheSameEnvelope) {
  std::vector<json> bodies;
  for (const auto& role : roles()) {
    RunningStub stub(role, "/dev/full");
    auto r = stub.send(raw_request(role.audited_method, role.audited_path,
                                   cid_header("frame-500") + role.audited_extra, role.audited_body));
    EXPECT_EQ(r.status, profile().status("internal_error")) << role.name << ": " << r.body;
    EXPECT_EQ(r.headers.get(profile().header("correlation_id")), "frame-500") << role.name;
    json body = envelope_of(r);
    EXPECT_EQ(body.value("error", ""), profile().error("internal_error")) << role.name;
    EXPECT_EQ(body.value("correlation_id", ""), "frame-500") << role.name;
    bodies.push_back(body);
    EXPECT_TRUE(stub.audit()["records"].is_array()) << role.name << ": the audit query must still answer";
    EXPECT_NE(stub.child().err_now().find("write failed"), std::string::npos) << role.name << ": the reason is logged";
  }
  EXPECT_EQ(bodies[0], bodies[1]);
  EXPECT_EQ(bodies[1], bodies[2]);
}

// Issue: a byte that is not UTF-8 answered 500 and broke the unfiltered audit query for good.
TEST(StubFrame, BytesThatAreNotUtf8AreRefusedWith400AndTheAuditStillAnswers) {
  const std::vector<std::pair<const char*, std::string>> hostile = {
      {"header", raw_request("GET", "/api/platform/items", cid_header("frame-utf8") + "X-Note: caf\xe9\r\n")},
      {"path", raw_request("GET", "/api/platform/it%FFms", cid_header("frame-utf8"))},
      {"query", raw_request("GET", "/api/platform/items?q=%C3%28", cid_header("frame-utf8"))},
      {"form", raw_request("POST", profile().path("token"),
                           cid_header("frame-utf8") + "Content-Type: application/x-www-form-urlencoded\r\n",
                           "grant_type=password&username=%FF%FE")},
  };
  for (const auto& role : roles()) {
    RunningStub stub(role);
    for (const auto& [part, request] : hostile) {
      auto r = stub.send(request);
      EXPECT_EQ(r.status, profile().status("invalid_encoding")) << role.name << " " << part << ": " << r.body;
      EXPECT_EQ(envelope_of(r).value("error", ""), profile().error("invalid_encoding")) << role.name << " " << part;
      EXPECT_EQ(r.headers.get(profile().header("correlation_id")), "frame-utf8") << role.name << " " << part;
    }
    json all = stub.audit();
    EXPECT_TRUE(all.is_object() && all["records"].is_array()) << role.name << ": " << all;
    const std::string log = stub.child().err_now();
    EXPECT_EQ(log.find('\xff'), std::string::npos) << role.name << ": raw bytes reached the log";
  }
}

}  // namespace
}  // namespace tc::test

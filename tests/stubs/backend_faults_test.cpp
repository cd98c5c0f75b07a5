// Each backend fault (--fault backend.*) breaks exactly the assertion of its clause: the assertion
// holds on a correct backend and fails with the fault on.
#include <gtest/gtest.h>

#include <functional>

#include "backend_stub.h"

namespace tc::stub {
namespace {

using namespace tc::stub::test;

// ---- faults: each flips the assertion of its clause ----------------------------------------------------

struct FaultCase {
  std::string fault;
  std::function<bool(BackendStub&)> holds;  // the clause's assertion: true on a correct backend
};

const std::vector<FaultCase>& fault_cases() {
  static const std::vector<FaultCase> cases = {
      {"backend.unsigned_context_accepted",
       [](BackendStub& s) { Call c = get("/api/platform/items"); c.sign = Sign::none; return s.call(c).status == 401; }},
      {"backend.stale_signature_accepted",
       [](BackendStub& s) { Call c = get("/api/platform/items"); c.sign = Sign::stale; return s.call(c).status == 401; }},
      {"backend.cross_tenant_read",
       [](BackendStub& s) { return s.call(get("/api/platform/items/plat-bravo-1")).body.find("tenant-bravo") == std::string::npos; }},
      {"backend.forbidden_instead_of_not_found",
       [](BackendStub& s) { return s.call(get("/api/platform/items/plat-bravo-1")).status == 404; }},
      {"backend.list_all_tenants",
       [](BackendStub& s) { return ids_of(s.call(get("/api/platform/items"))).size() == 2; }},
      {"backend.idempotency_ignores_tenant",
       [](BackendStub& s) {
         s.call(post(R"({"name":"k"})", "fault-key", "tenant-alpha"));
         auto r = s.call(post(R"({"name":"k"})", "fault-key", "tenant-bravo"));
         return body_of(r)["tenant"] == "tenant-bravo";
       }},
      {"backend.idempotency_ignores_body",
       [](BackendStub& s) {
         s.call(post(R"({"name":"a"})", "fault-key"));
         return s.call(post(R"({"name":"b"})", "fault-key")).status == 422;
       }},
      {"backend.echo_hides_aliases",
       [](BackendStub& s) {
         Call c = get("/api/platform/_echo");
         c.extra.add("X-Tenant-Id", "tenant-bravo");
         return body_of(s.call(c))["headers"].contains("x-tenant-id");  // the echo keys names in lower case
       }},
      {"backend.no_audit_on_denial",
       [](BackendStub& s) {
         Call c = get("/api/platform/items");
         c.sign = Sign::wrong_secret;
         s.call(c);
         return s.audit(c.correlation_id).size() == 1;
       }},
      {"backend.unmasked_change_summary",
       [](BackendStub& s) {
         Call c = post(R"({"password":"hunter2-pw"})", std::nullopt);
         s.call(c);
         auto records = s.audit(c.correlation_id, "data_write");
         return records.size() == 1 && records[0].dump().find("hunter2-pw") == std::string::npos;
       }},
      {"backend.audit_without_correlation_id",
       [](BackendStub& s) {
         Call c = get("/api/platform/items");
         s.call(c);
         return s.audit(c.correlation_id, "data_read").size() == 1;
       }},
  };
  return cases;
}

TEST(BackendFaults, EveryBackendFaultIsCovered) {
  for (const auto& info : fault_catalogue()) {
    if (info.name.rfind("backend.", 0) != 0) continue;
    bool covered = false;
    for (const auto& c : fault_cases()) covered = covered || c.fault == info.name;
    EXPECT_TRUE(covered) << info.name;
  }
}

TEST(BackendFaults, EachFaultBreaksExactlyItsAssertion) {
  for (const auto& c : fault_cases()) {
    {
      BackendStub healthy;
      EXPECT_TRUE(c.holds(healthy)) << c.fault << ": the assertion fails on a correct backend";
    }
    {
      BackendStub broken({c.fault});
      EXPECT_FALSE(c.holds(broken)) << c.fault << ": the fault changed nothing";
    }
  }
}

}  // namespace
}  // namespace tc::stub

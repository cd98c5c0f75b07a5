// Each backend fault (--fault backend.*) breaks exactly the assertion of its clause: the assertion
// holds on a correct backend and fails with the fault on.
#include <gtest/gtest.h>

#include <functional>
#include <set>

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
      {"backend.signature_window_doubled",  // signed skew + 30 s ago: outside the window, inside twice it
       [](BackendStub& s) { Call c = get("/api/platform/items"); c.sign = Sign::stale; return s.call(c).status == 401; }},
      {"backend.list_tenant_query",
       [](BackendStub& s) { return ids_of(s.call(get("/api/platform/items?tenant=tenant-bravo"))) == ids_of(s.call(get("/api/platform/items"))); }},
      {"backend.page_crosses_tenants",
       [](BackendStub& s) { return ids_of(s.call(get("/api/platform/items?page=2"))).size() == 2; }},
      {"backend.item_id_case_insensitive",
       [](BackendStub& s) { return s.call(get("/api/platform/items/PLAT-BRAVO-1")).status == 404; }},
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

// Faults of a platform rule the reference world does not declare, each with its own test below.
const std::set<std::string> kOtherWorlds = {"backend.put_not_idempotent"};

TEST(BackendFaults, EveryBackendFaultIsCovered) {
  for (const auto& info : fault_catalogue()) {
    if (info.name.rfind("backend.", 0) != 0) continue;
    bool covered = kOtherWorlds.count(info.name) > 0;
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

// T3 in seed 003's world (fixtures/seed-003/tenancy.yaml: Idempotency-Key on POST and PUT): a PUT
// repeated with its key replays the first answer; with the fault it writes again (a new version).
TEST(BackendFaults, PutNotIdempotentBreaksT3) {
  const std::string src = TC_SOURCE_DIR;
  auto put_twice = [&](std::vector<std::string> faults) {
    BackendStub s(std::move(faults), "projects", src + "/fixtures/contracts/seed-003.yaml", src + "/fixtures/seed-003");
    Call c;
    c.method = "PUT";
    c.path = "/svc/projects/prj-acme-2";
    c.tenant = "1a965411-6331-4f08-8c16-5385cb99935c";
    c.body = R"({"name":"renamed"})";
    c.key = "put-key-1";
    const auto first = s.call(c);
    EXPECT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(body_of(first).value("version", 0), 2);
    c.correlation_id = "cid-" + uuid_v4();
    const auto second = s.call(c);
    EXPECT_EQ(second.status, 200) << second.body;
    return std::make_pair(second.headers.get(s.h("idempotent_replayed")).value_or("<absent>"), body_of(second).value("version", 0));
  };
  EXPECT_EQ(put_twice({}), std::make_pair(std::string("true"), 2));
  EXPECT_EQ(put_twice({"backend.put_not_idempotent"}), std::make_pair(std::string("<absent>"), 3));
}

}  // namespace
}  // namespace tc::stub

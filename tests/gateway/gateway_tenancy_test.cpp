// The gateway under seed 003's tenancy rules (fixtures/seed-003: tenants in the path and tid, tier
// rate limits, lifecycle), in process over real sockets: every gateway fault of a T clause is probed
// here — the healthy gateway answers as the contract says, the faulty one otherwise.
#include <functional>
#include <set>

#include "fault_probes.h"

namespace tc::testing {
namespace {

const std::string kAcme = "1a965411-6331-4f08-8c16-5385cb99935c", kGlobex = "fe0b1cae-55c4-4e34-86a2-ac6625473a92",
                  kLocked = "7972938e-715d-4cc2-9a18-4420b3b022dc", kStandardA = "b135c74a-fe96-48dd-be8e-a714cb4876ce",
                  kStandardB = "1c5549d3-46f0-40aa-a8b5-2227be58eeed", kNegotiated = "22bfafe3-5af7-48c2-bbae-94c4b3ebd843";

class GatewayTenancy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stubs_ = new PlatformStubs("seed-003", "projects"); }
  static void TearDownTestSuite() { delete stubs_; }
  static std::unique_ptr<ServedStub> start_gateway(std::vector<std::string> faults = {}) {
    return stubs_->start_gateway(std::move(faults));
  }

  static std::string token(const std::string& sub, const std::string& tenant) {
    auto r = call("POST", stubs_->authority->url() + stubs_->world.profile.path("mint"), {{"Content-Type", "application/json"}},
                  json{{"sub", sub}, {"tenant", tenant}, {"scope", "projects:read"}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body().value("access_token", "");
  }
  // GET the project list in `path_tenant` with a token whose tid is `tid`: the reply.
  static Reply list(ServedStub& gw, const std::string& tid, const std::string& path_tenant) {
    return call("GET", gw.url() + "/v1/" + path_tenant + "/projects", {{"Authorization", "Bearer " + token("usr-probe", tid)}});
  }
  // `n` lists in the tenant's own path; the last reply.
  static Reply burst(ServedStub& gw, const std::string& tenant, int n) {
    Reply last;
    for (int i = 0; i < n; ++i) last = list(gw, tenant, tenant);
    return last;
  }

  static std::vector<FaultProbe> cases() {
    auto status = [](const Reply& r) { return std::to_string(r.status); };
    return {
        {"gateway.path_tenant_checked_against_header_only", "409", [=](ServedStub& gw) { return status(list(gw, kAcme, kGlobex)); }},
        {"gateway.tid_case_insensitive", "409",
         [=](ServedStub& gw) {
           std::string upper = kAcme;
           for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
           return status(list(gw, kAcme, upper));
         }},
        {"gateway.rate_limit_shared_across_tenants", "200",
         [=](ServedStub& gw) {
           burst(gw, kStandardA, 4);
           return status(list(gw, kStandardB, kStandardB));
         }},
        {"gateway.rate_limit_ignores_negotiated", "429", [=](ServedStub& gw) { return status(burst(gw, kNegotiated, 6)); }},
        {"gateway.rate_limited_without_retry_after", "present",
         [=](ServedStub& gw) {
           const Reply r = burst(gw, kStandardA, 4);
           return r.status == 429 && r.headers.get("Retry-After") ? std::string("present") : "<none> " + status(r);
         }},
        {"gateway.inactive_tenant_accepted", "403", [=](ServedStub& gw) { return status(list(gw, kLocked, kLocked)); }},
    };
  }

  static inline PlatformStubs* stubs_ = nullptr;
};

TEST_F(GatewayTenancy, EveryGatewayFaultOfATClauseHasAProbe) { expect_every_fault_probed(cases(), 'T'); }

TEST_F(GatewayTenancy, HealthyGatewayAnswersAsTheContractSays) {
  expect_healthy(start_gateway, cases(), /*fresh=*/true);
}

TEST_F(GatewayTenancy, EachFaultBreaksItsClause) { expect_each_fault_breaks(start_gateway, cases()); }

TEST_F(GatewayTenancy, ARateLimitedRequestIsRecordedAndReachesNoBackend) {
  auto gw = start_gateway();
  burst(*gw, kStandardA, 3);
  const std::string cid = "cid-rate-" + std::to_string(::getpid());
  auto r = call("GET", gw->url() + "/v1/" + kStandardA + "/projects",
                {{"Authorization", "Bearer " + token("usr-sam", kStandardA)}, {"X-Correlation-Id", cid}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.json_body().value("error", ""), "rate_limited");
  const long retry = std::stol(r.headers.get("Retry-After").value_or("0"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  EXPECT_EQ(stubs_->backend->audit().query(cid, "").size(), 0u);
  auto records = call("GET", gw->url() + stubs_->world.profile.path("audit") + "?correlation_id=" + cid).json_body()["records"];
  // The path value selected the tenant (G3, tenant.selected), then its budget refused the request.
  ASSERT_EQ(records.size(), 2u) << records.dump();
  EXPECT_EQ(records[0]["event"], "tenant.selected");
  EXPECT_EQ(records[1]["event"], "tenant.rate_limited");
  EXPECT_EQ(records[1]["outcome"], "deny");
  EXPECT_EQ(records[1]["resolved_tenant"], kStandardA);
}

}  // namespace
}  // namespace tc::testing

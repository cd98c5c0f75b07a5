// Every gateway fault of the catalogue breaks its clause: one probe per fault observes the healthy
// gateway answering as the contract says and the faulty one answering otherwise.
#include <functional>

#include "common/crypto.h"
#include "common/jwt.h"
#include "stub_world.h"
#include "stubs/faults.h"

namespace tc::testing {
namespace {

using Probe = std::function<std::string(ServedStub& gw)>;

struct FaultCase {
  std::string fault;
  std::string contract;  // what the healthy gateway shows
  Probe observe;
};

std::string status_of(const Reply& r) { return std::to_string(r.status); }

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : "|") + v;
  return out;
}

class GatewayFaults : public GatewayWorld {
 protected:
  static Reply get(ServedStub& gw, const std::string& path, const std::string& who, std::vector<Headers::Entry> headers = {}) {
    headers.push_back(bearer(token_of(who)));
    return call("GET", gw.url() + path, headers);
  }
  static Reply post(ServedStub& gw, const std::string& who, std::vector<Headers::Entry> headers = {}) {
    headers.push_back(bearer(token_of(who)));
    headers.push_back({"Content-Type", "application/json"});
    return call("POST", gw.url() + "/api/platform/items", headers, R"({"name":"probe"})");
  }

  static std::vector<FaultCase> cases() {
    const std::string items = "/api/platform/items", echo = "/api/platform/_echo";
    return {
        {"gateway.accept_expired_token", "401",
         [=](ServedStub& gw) {
           auto t = mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"exp_in", -300}});
           return status_of(call("GET", gw.url() + items, {bearer(t)}));
         }},
        {"gateway.accept_alg_none", "401",
         [=](ServedStub& gw) {
           auto t = craft_alg_none(decode_jwt(token_of("ada"))->payload);
           return status_of(call("GET", gw.url() + items, {bearer(t)}));
         }},
        {"gateway.accept_wrong_audience", "401",
         [=](ServedStub& gw) {
           auto t = mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"aud", "other-api"}});
           return status_of(call("GET", gw.url() + items, {bearer(t)}));
         }},
        {"gateway.no_www_authenticate", "Bearer",
         [=](ServedStub& gw) { return call("GET", gw.url() + items).headers.get("WWW-Authenticate").value_or("<none>"); }},
        {"gateway.forward_caller_tenant_header", "tenant-alpha",
         [=](ServedStub& gw) { return joined(echoed(get(gw, echo, "ada", {{"X-Tenant-Id", "tenant-alpha, tenant-alpha"}}), "X-Tenant-Id")); }},
        {"gateway.strip_exact_case_only", "user-ada",
         [=](ServedStub& gw) { return joined(echoed(get(gw, echo, "ada", {{"x-stellaops-actor", "root"}}), "X-StellaOps-Actor")); }},
        {"gateway.forward_caller_actor", "",
         [=](ServedStub& gw) { return joined(echoed(get(gw, echo, "ada", {{"X-User-Id", "root"}}), "X-User-Id")); }},
        {"gateway.conflict_allowed", "409",
         [=](ServedStub& gw) {
           return status_of(get(gw, items, "bea", {{"X-StellaOps-Tenant", "tenant-alpha"}, {"X-Tenant", "tenant-bravo"}}));
         }},
        {"gateway.header_overrides_claim", "409",
         [=](ServedStub& gw) { return status_of(get(gw, items, "ada", {{"X-Tenant", "tenant-bravo"}})); }},
        {"gateway.tenant_case_insensitive", "400",
         [=](ServedStub& gw) { return status_of(get(gw, items, "ada", {{"X-Tenant", "TENANT-ALPHA"}})); }},
        {"gateway.path_tenant_ignored", "409",
         [=](ServedStub& gw) { return status_of(get(gw, "/v1/tenant-bravo/platform/items", "ada")); }},
        {"gateway.missing_tenant_allowed", "0 backend records",
         [=](ServedStub& gw) {
           const std::string cid = uuid_v4();  // the backends outlive each gateway: a fresh id per probe
           get(gw, items, "dee", {{"X-Correlation-Id", cid}});
           return std::to_string(backend("platform").audit().query(cid, "").size()) + " backend records";
         }},
        {"gateway.scope_unchecked", "403", [=](ServedStub& gw) { return status_of(post(gw, "rex")); }},
        {"gateway.skip_alias_rewrite", "tenant-alpha",
         [=](ServedStub& gw) { return joined(echoed(get(gw, echo, "ada"), "X-Tenant")); }},
        {"gateway.cacheable_tenant_response", "private, no-store",
         [=](ServedStub& gw) { return get(gw, items, "ada").headers.get("Cache-Control").value_or("<none>"); }},
        {"gateway.unsigned_forward", "200", [=](ServedStub& gw) { return status_of(get(gw, items, "ada")); }},
        {"gateway.correlation_id_replaced", "cid-keep-1",
         [=](ServedStub& gw) {
           return get(gw, items, "ada", {{"X-Correlation-Id", "cid-keep-1"}}).headers.get("X-Correlation-Id").value_or("");
         }},
        {"gateway.audit_without_attempted_tenant", "\"tenant-bravo\"",
         [=](ServedStub& gw) {
           get(gw, items, "ada", {{"X-Tenant", "tenant-bravo"}, {"X-Correlation-Id", "cid-attempt"}});
           auto r = gateway_audit(gw, "cid-attempt", "tenant.override_rejected");
           return r.size() == 1 ? r[0].value("attempted_tenant", json("<absent>")).dump() : "<no record>";
         }},
        {"gateway.no_audit_on_allow", "tenant.selected|request.forwarded",
         [=](ServedStub& gw) {
           get(gw, items, "bea", {{"X-Tenant", "tenant-bravo"}, {"X-Correlation-Id", "cid-allow"}});
           std::vector<std::string> events;
           for (const auto& r : gateway_audit(gw, "cid-allow")) events.push_back(r["event"]);
           return joined(events);
         }},
        {"gateway.scope_before_tenant", "409",
         [=](ServedStub& gw) { return status_of(post(gw, "rex", {{"X-Tenant", "tenant-alpha"}})); }},
        {"gateway.exp_leeway_doubled", "401",  // 90 s past exp, the leeway 60
         [=](ServedStub& gw) {
           auto t = mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"exp_in", -90}});
           return status_of(call("GET", gw.url() + items, {bearer(t)}));
         }},
        {"gateway.nbf_leeway_doubled", "401",  // nbf 90 s ahead
         [=](ServedStub& gw) {
           auto t = mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"nbf_in", 90}});
           return status_of(call("GET", gw.url() + items, {bearer(t)}));
         }},
        {"gateway.tenant_percent_decoded", "400",
         [=](ServedStub& gw) { return status_of(get(gw, items, "bea", {{"X-StellaOps-Tenant", "%74enant-bravo"}})); }},
        {"gateway.repeated_header_last_wins", "409",
         [=](ServedStub& gw) {
           return status_of(get(gw, items, "bea", {{"X-StellaOps-Tenant", "tenant-alpha"}, {"X-StellaOps-Tenant", "tenant-bravo"}}));
         }},
        {"gateway.query_tenant_selects", "tenant-alpha",
         [=](ServedStub& gw) { return get(gw, items + "?tenant=tenant-bravo", "bea").headers.get("X-StellaOps-Tenant").value_or("<none>"); }},
        {"gateway.answer_tenant_from_claim", "tenant-bravo",
         [=](ServedStub& gw) {
           return get(gw, items, "bea", {{"X-StellaOps-Tenant", "tenant-bravo"}}).headers.get("X-StellaOps-Tenant").value_or("<none>");
         }},
        {"gateway.path_selection_unaudited", "tenant.selected|request.forwarded",
         [=](ServedStub& gw) {
           get(gw, "/v1/tenant-alpha/platform/items", "ada", {{"X-Correlation-Id", "cid-path-selected"}});
           std::vector<std::string> events;
           for (const auto& r : gateway_audit(gw, "cid-path-selected")) events.push_back(r["event"]);
           return joined(events);
         }},
        {"gateway.error_without_correlation_id", "cid-e1",
         [=](ServedStub& gw) {
           return call("GET", gw.url() + items, {{"X-Correlation-Id", "cid-e1"}}).json_body().value("correlation_id", "<absent>");
         }},
    };
  }
};

TEST_F(GatewayFaults, EveryGatewayFaultHasAProbe) {
  std::set<std::string> probed;
  for (const auto& c : cases()) probed.insert(c.fault);
  // Faults of the T, H, W and P clauses break rules the reference world does not declare:
  // gateway_tenancy_test.cpp, gateway_hosts_test.cpp, gateway_workspaces_test.cpp, gateway_planes_test.cpp.
  for (const auto& info : stub::fault_catalogue()) {
    if (info.name.rfind("gateway.", 0) != 0 || std::string("THWP").find(info.clause.front()) != std::string::npos) continue;
    EXPECT_TRUE(probed.count(info.name)) << info.name << " has no probe";
  }
}

TEST_F(GatewayFaults, HealthyGatewayAnswersAsTheContractSays) {
  auto gw = start_gateway();
  for (const auto& c : cases()) EXPECT_EQ(c.observe(*gw), c.contract) << c.fault;
}

TEST_F(GatewayFaults, EachFaultBreaksItsClause) {
  for (const auto& c : cases()) {
    auto gw = start_gateway({c.fault});
    EXPECT_NE(c.observe(*gw), c.contract) << c.fault << " left its clause intact";
  }
}

}  // namespace
}  // namespace tc::testing

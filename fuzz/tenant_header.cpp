// Tenant-header parsing at the gateway (G2, G3): the caller's headers are stripped, the tenant values
// comma-split, then resolved against the claim tenant and the entitlement under every combination of
// the G3 faults. Input: "METHOD TARGET\nheaders\n\nclaim tenant\nallowed,tenants", the first byte's
// bits choosing the policy.
#include <algorithm>
#include <cstdint>
#include <regex>
#include <stdexcept>

#include "common/profile.h"
#include "fuzz/request_text.h"
#include "stubs/gateway/strip.h"
#include "stubs/gateway/tenant_resolution.h"

namespace {

const tc::ContractProfile& profile() {
  static const tc::ContractProfile p = [] {
    auto loaded = tc::ContractProfile::load(TC_SOURCE_DIR "/fixtures/contracts/reference.yaml");
    if (!loaded) throw std::runtime_error(loaded.error().to_string());
    return std::move(*loaded);
  }();
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tc::stub::gateway;
  if (size == 0) return 0;
  const std::uint8_t bits = data[0];
  const tc::stub::Request request =
      tc::fuzz::request_from_text(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));

  StripOptions strip;
  strip.exact_case_only = bits & 1;
  strip.keep_tenant_headers = bits & 2;
  const Stripped stripped = strip_headers(request.headers, profile(), strip);

  TenantInput input;
  input.values = stripped.tenant_values;
  std::string_view rest = request.body;
  const std::string_view claim = tc::fuzz::next_line(rest);
  if (!claim.empty()) input.claim_tenant = std::string(claim);
  input.allowed_tenants = tc::split_comma_list(std::string(tc::fuzz::next_line(rest)));
  input.tenant_scoped = bits & 4;

  TenantPolicy policy;
  policy.tenant_pattern = profile().regex("tenant_id");
  policy.strict_claim_match = bits & 8;
  policy.conflict_allowed = bits & 16;
  policy.header_overrides_claim = bits & 32;
  policy.case_insensitive = bits & 64;
  policy.missing_tenant_allowed = bits & 128;
  const TenantDecision d = resolve_tenant(input, policy);
  // A denial says why; a tenant selected from the request is a valid tenant id it named.
  if (!d.allowed() && d.description.empty()) __builtin_trap();
  if (d.allowed() && d.event == "tenant_selected" &&
      (!d.tenant || !std::regex_match(*d.tenant, policy.tenant_pattern) ||
       std::find(input.values.begin(), input.values.end(), *d.tenant) == input.values.end()) &&
      !policy.case_insensitive)
    __builtin_trap();
  return 0;
}

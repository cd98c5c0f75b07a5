#include "stubs/authority/tenant_selection.h"

#include <algorithm>
#include <regex>
#include <set>

#include "common/headers.h"

namespace tc::stub::authority {

namespace {
bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Every value of every tenant header: repeated headers and comma-joined values alike, trimmed.
std::vector<std::string> tenant_header_values(const Request& request, const ContractProfile& profile) {
  std::vector<std::string> names = {profile.header("tenant")};
  for (const auto& alias : profile.header_list("tenant_aliases")) names.push_back(alias);
  std::vector<std::string> values;
  for (const auto& name : names) {
    for (const auto& raw : request.headers.all(name))
      for (auto& value : split_comma_list(raw)) values.push_back(std::move(value));
  }
  return values;
}
}  // namespace

Selection select_tenant(const std::vector<std::string>& assigned, const std::string& default_tenant,
                        const std::optional<std::string>& parameter, const Faults& faults) {
  Selection s;
  s.allowed_tenants = assigned;
  if (parameter) {
    std::string asked = *parameter;
    if (faults.on("authority.tenant_param_trimmed")) asked = trim(asked);  // (the fault: a loose comparison)
    if (faults.on("authority.tenant_param_case_insensitive"))
      for (const auto& t : assigned)
        if (iequals(t, asked)) asked = t;
    if (contains(assigned, asked) || faults.on("authority.unchecked_tenant_param")) {
      s.tenant = asked;
      if (faults.on("authority.allowed_tenants_dropped_with_param")) s.allowed_tenants.clear();
    } else {
      s.error = "tenant_forbidden";
    }
    return s;
  }
  if (assigned.size() == 1) {
    s.tenant = assigned.front();
  } else if (!default_tenant.empty() && contains(assigned, default_tenant)) {
    s.tenant = default_tenant;
  } else if (assigned.size() > 1) {
    if (faults.on("authority.first_tenant_when_ambiguous")) {
      s.tenant = assigned.front();
    } else {
      s.error = "tenant_ambiguous";
    }
  }
  return s;
}

HeaderTenant header_tenant(const Request& request, const ContractProfile& profile,
                           const std::vector<std::string>& entitlement, const Faults& faults) {
  const std::regex& pattern = profile.regex("tenant_id");
  HeaderTenant result;
  const auto values = tenant_header_values(request, profile);
  if (values.empty()) return result;
  for (const auto& value : values) {
    if (value.empty() || !std::regex_match(value, pattern)) {
      result.kind = HeaderTenant::Kind::invalid;
      result.value = value;
      return result;
    }
  }
  const std::set<std::string> distinct(values.begin(), values.end());
  if (distinct.size() > 1) {
    result.kind = HeaderTenant::Kind::conflict;
    result.distinct.assign(distinct.begin(), distinct.end());
    return result;
  }
  result.value = values.front();
  const bool entitled = contains(entitlement, result.value) || faults.on("authority.console_header_unchecked");
  result.kind = entitled ? HeaderTenant::Kind::selected : HeaderTenant::Kind::forbidden;
  return result;
}

}  // namespace tc::stub::authority

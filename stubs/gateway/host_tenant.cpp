#include "stubs/gateway/host_tenant.h"

#include <algorithm>

namespace tc::stub::gateway {

std::string host_of(const std::string& raw) {
  std::string value = to_lower(trim(raw));
  if (auto scheme = value.find("://"); scheme != std::string::npos) value = value.substr(scheme + 3);
  value = value.substr(0, value.find_first_of("/?#"));
  if (auto at = value.rfind('@'); at != std::string::npos) value = value.substr(at + 1);
  if (!value.empty() && value.front() == '[') return value.substr(0, value.find(']') + 1);  // an IPv6 literal
  return value.substr(0, value.find(':'));
}

std::string peer_address(const std::string& remote) {
  if (!remote.empty() && remote.front() == '[') return remote.substr(1, remote.find(']') - 1);
  const auto colon = remote.rfind(':');
  if (colon == std::string::npos || remote.find(':') != colon) return remote;  // no port, or a bare IPv6 address
  return remote.substr(0, colon);
}

bool is_host_label(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

namespace {

// The host the request names, from the first source present (and believed).
std::string requested_host(const Headers& headers, const std::string& peer, const ContractProfile& profile,
                           const HostRules& rules, const HostOptions& options) {
  std::vector<std::string> order = rules.sources;
  if (options.host_first) {
    auto it = std::find(order.begin(), order.end(), "host");
    if (it != order.end()) std::rotate(order.begin(), it, it + 1);
  }
  const bool trusted = options.trust_any_peer || rules.trusted_proxies.count(peer_address(peer)) > 0;
  for (const auto& source : order) {
    if (rules.trusted_sources.count(source) && !trusted) continue;
    auto value = headers.get(profile.header(source));
    if (!value) continue;
    // X-Forwarded-Host may list every proxy's host: the first is the client's.
    return host_of(value->substr(0, value->find(',')));
  }
  return {};
}

// The tenant `host` names under the tenancy's host rules.
std::optional<HostTenant> tenant_of_host(const std::string& host, const Tenancy& tenancy, const HostOptions& options) {
  const HostRules& rules = *tenancy.hosts;
  const std::string suffix = "." + rules.base_domain;
  if (host == rules.oauth_gateway || host.size() <= suffix.size() ||
      host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  const std::string slug = host.substr(0, host.size() - suffix.size());
  if (!is_host_label(slug)) return std::nullopt;
  if (auto id = tenancy.tenant_of_slug(slug); !id.empty()) return HostTenant{id, slug, id == rules.placeholder};
  return HostTenant{rules.placeholder, options.placeholder_keeps_own_slug ? tenancy.slug_of(rules.placeholder) : slug, true};
}

}  // namespace

HostContext resolve_host(const Headers& headers, const std::string& peer, const ContractProfile& profile,
                         const Tenancy& tenancy, const HostOptions& options) {
  if (!tenancy.hosts) return {};
  HostContext c;
  c.host = requested_host(headers, peer, profile, *tenancy.hosts, options);
  c.tenant = tenant_of_host(c.host, tenancy, options);
  return c;
}

}  // namespace tc::stub::gateway

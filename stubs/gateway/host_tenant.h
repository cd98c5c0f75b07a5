// H1: the tenant a request's host names (seed 004, fixtures tenancy.yaml `hosts`). The host is read
// from the first source present, in the rules' order (X-Forwarded-Host, Origin, Host in seed 004);
// a source listed as trusted-only is skipped unless the peer is a trusted proxy. The host (an
// Origin's host part; any port dropped; letter case folded) names a slug when it is exactly one
// label under the base domain and not the OAuth gateway's host. A known slug is its tenant; an
// unknown one is the placeholder tenant with the requested slug kept; no slug is no tenant. Pure.
#pragma once
#include <optional>
#include <string>

#include "common/headers.h"
#include "common/profile.h"
#include "stubs/tenancy.h"

namespace tc::stub::gateway {

struct HostTenant {
  std::string id;            // the tenant, or the placeholder tenant's id
  std::string slug;          // the effective slug: the requested one, placeholder or not
  bool placeholder = false;
};

// What a request's host says: the host read (lower case, no port; "" when no source names one) and
// the tenant it names.
struct HostContext {
  std::string host;
  std::optional<HostTenant> tenant;
};

// Switches for the faults that break H1 on purpose (stubs/faults.cpp); all off is the contract.
struct HostOptions {
  bool trust_any_peer = false;        // trusted-only sources are believed from every caller
  bool host_first = false;            // Host is read before every other source
  bool placeholder_keeps_own_slug = false;  // the placeholder answers with its own slug, not the requested one
};

// The host part of a request-header value: "acme.example.test:8443" -> "acme.example.test",
// "https://acme.example.test/x" -> "acme.example.test", lower case; "" when there is none.
std::string host_of(const std::string& value);
// One DNS label in lower case (letters, digits, inner hyphens, at most 63): what a slug is.
bool is_host_label(const std::string& text);
// The peer address without its port: "127.0.0.2:5123" -> "127.0.0.2", "[::1]:80" -> "::1".
std::string peer_address(const std::string& remote);

// Nothing (no host, no tenant) for a platform without hosts rules.
HostContext resolve_host(const Headers& headers, const std::string& peer, const ContractProfile& profile,
                         const Tenancy& tenancy, const HostOptions& options = {});

}  // namespace tc::stub::gateway

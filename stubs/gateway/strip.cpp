#include "stubs/gateway/strip.h"

#include <algorithm>

#include "common/encoding.h"

namespace tc::stub::gateway {
namespace {

// RFC 9110 §7.6.1 connection-specific fields, plus the framing fields the upstream client recomputes
// (an Expect the gateway already answered would make it wait for a second 100 Continue).
const std::vector<std::string>& hop_by_hop() {
  static const std::vector<std::string> names = {"Connection", "Keep-Alive",       "Transfer-Encoding", "TE",
                                                 "Upgrade",    "Host",             "Content-Length",    "Expect",
                                                 "Trailer",    "Proxy-Connection", "Proxy-Authorization"};
  return names;
}

bool name_in(const std::string& name, const std::vector<std::string>& list, bool exact) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& n) { return exact ? n == name : iequals(n, name); });
}

}  // namespace

Stripped strip_headers(const Headers& in, const ContractProfile& profile, const StripOptions& options) {
  std::vector<std::string> tenant_names = {profile.header("tenant")};
  for (auto& alias : profile.header_list("tenant_aliases")) tenant_names.push_back(alias);
  std::vector<std::string> identity_names = {profile.header("actor")};
  for (auto& name : profile.header_list("identity")) identity_names.push_back(name);
  const std::vector<std::string> signature = {profile.header("context_signature")};
  const std::vector<std::string> never = {profile.header("authorization"), profile.header("correlation_id")};
  const bool exact = options.exact_case_only;

  Stripped out;
  std::vector<std::pair<std::string, std::size_t>> first_value_of;  // last_line_wins: a name's values start here
  for (const auto& [name, value] : in.entries()) {
    if (name_in(name, hop_by_hop(), false) || name_in(name, never, false)) continue;
    if (name_in(name, tenant_names, exact)) {
      if (options.last_line_wins) {
        const std::string lower = to_lower(name);
        auto at = std::find_if(first_value_of.begin(), first_value_of.end(), [&](const auto& e) { return e.first == lower; });
        if (at != first_value_of.end()) out.tenant_values.resize(at->second);  // (the fault reads the last line only)
        else first_value_of.emplace_back(lower, out.tenant_values.size());
      }
      for (auto& v : split_comma_list(value))
        out.tenant_values.push_back(options.percent_decode_values ? percent_decode(v) : std::move(v));
      if (!options.keep_tenant_headers) continue;
    } else if (name_in(name, identity_names, exact)) {
      if (!options.keep_identity_headers) continue;
    } else if (name_in(name, signature, exact)) {
      continue;
    }
    out.forward.add(name, value);
  }
  return out;
}

}  // namespace tc::stub::gateway

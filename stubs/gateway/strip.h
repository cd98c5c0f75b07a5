// G2: what of a caller's request may reach a backend. The canonical tenant header, its aliases, the
// actor header, the identity headers and the context signature are removed in any letter case,
// however often repeated; the tenant values are kept aside for tenant resolution (G3) only.
// Authorization never reaches a backend (backends trust the context signature), the caller's
// correlation id is replaced by the gateway's (G5), hop-by-hop headers are not copied. Pure.
#pragma once
#include <string>
#include <vector>

#include "common/headers.h"
#include "common/profile.h"

namespace tc::stub::gateway {

// Switches for the faults that break G2 on purpose (stubs/faults.cpp); all off is the contract.
struct StripOptions {
  bool exact_case_only = false;        // strip (and read tenant values from) canonical spellings only
  bool keep_tenant_headers = false;    // the caller's tenant headers are copied untouched
  bool keep_identity_headers = false;  // the caller's actor and identity headers are copied
  bool percent_decode_values = false;  // tenant values are percent-decoded before they are read
  bool last_line_wins = false;         // a tenant header sent twice: only its last line is read
};

struct Stripped {
  Headers forward;                          // the caller's headers that may reach a backend
  std::vector<std::string> tenant_values;   // every canonical/alias value, comma-split and trimmed
};

// Tenant values keep their order of arrival; an empty element ("", "a,,b") stays as "" so that
// resolution answers tenant_invalid for it.
Stripped strip_headers(const Headers& in, const ContractProfile& profile, const StripOptions& options = {});


}  // namespace tc::stub::gateway

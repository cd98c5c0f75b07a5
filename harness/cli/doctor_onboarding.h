// doctor's onboarding checks: whether each tenant a platform names is ready, as the bindings'
// `onboarding` section describes it (docs/topology.md, "Onboarding checks"). Per tenant (a key of
// `tenants`), named checks in file order, each one of
//   get:   a GET by one of the bindings' users (`as`) on a component (default gateway), its status
//          (default status.ok) and, at `pointer`, a list of at least `at_least` (default 1) elements,
//          one of them subset-matching `contains`;
//   token: the user's token from the Authority, asked with these scopes, is in the tenant and was
//          granted each of them;
//   audit: the request of an earlier get check of the tenant left a record in a component's audit
//          source (default gateway) with that tenant as resolved_tenant.
// Values are templates over contract, fx (the bindings), tenant (its id) and env. One line per check:
// "OK|FAIL <tenant id> onboarding.<check>: detail". Tokens are never printed.
#pragma once
#include <string>

#include "common/document.h"
#include "common/profile.h"
#include "common/strict.h"
#include "harness/cli/doctor_spellings.h"
#include "harness/env/environment.h"

namespace tc::cli {

// The section's shape, read strictly from the bindings file (its tenants, users, clients and earlier
// checks must exist); a failure names the JSON pointer.
void check_onboarding_shape(const StrictReader& r, const json& onboarding, const std::string& pointer);

// Runs every check of `bindings_file`'s onboarding section against `env` (whose bindings are the
// file rendered); `token_url` is where tokens are asked, over `token_tls` (each component is asked
// over its own). A value that renders to the wrong type fails its check. Nothing when the section
// is absent.
void run_onboarding_checks(const Document& bindings_file, const Environment& env, const ContractProfile& profile,
                           const std::string& token_url, const TlsOptions& token_tls, const DoctorReport& report);

}  // namespace tc::cli

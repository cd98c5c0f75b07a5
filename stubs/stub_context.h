// What every role shares: its options, the contract profile, the fixtures, the audit log and the
// faults it was started with. Built once at start, then read by handlers from any worker thread.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/fixtures.h"
#include "common/profile.h"
#include "stubs/audit_log.h"
#include "stubs/faults.h"
#include "stubs/http_server.h"
#include "stubs/tenancy.h"

namespace tc::stub {

struct StubOptions {
  std::string role;                               // authority | gateway | backend
  std::string fixtures_dir;
  std::string profile_path;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::vector<std::string> faults;
  std::string audit_file;                         // JSONL, appended; empty: in memory only
  std::string outbox_file;                        // gateway: the outbox's JSONL, likewise
  std::size_t audit_retention = AuditLog::kDefaultRetention;  // records kept for the audit query
  // gateway
  std::string authority_url;
  std::map<std::string, std::string> backends;    // backend role -> base URL
  std::string shared_secret;                      // context-signature HMAC key (gateway, backend)
  bool development = false;                       // gateway: accept the local issuer (tenancy.yaml)
  // backend
  std::string backend_role;                       // platform | scanner | graph
  // authority
  bool enable_mint = false;                       // A10 test-only endpoints
  std::string audience;                           // default: profile values.default_audience
  std::string signing_key_pem;                    // the first signing key (a secret); empty: generated
};

struct StubContext {
  StubOptions options;
  ContractProfile profile;
  Fixtures fixtures;
  Tenancy tenancy;                                // the platform's tenancy rules (stubs/tenancy.h)
  Faults faults;
  std::unique_ptr<AuditLog> audit;
  // The gateway's outbox of committed changes (P6), kept as the audit is (retention included); only
  // where the profile spells paths.outbox; in memory unless --outbox-file names a file.
  std::unique_ptr<AuditLog> outbox;
  std::string base_url;                           // known once bound
};

// A role's request handler, the request frame (stubs/frame.h) over the role's table. Built after the
// server is bound (it may need base_url).
class Role {
 public:
  virtual ~Role() = default;
  virtual Response handle(const Request& request) = 0;
  // Whether handling `request` may wait on another server (ServerOptions::may_wait); called on the
  // I/O thread before handle(), so it must not wait itself.
  virtual bool may_wait(const Request&) const { return true; }
  // The server's own answers (ServerOptions::error_response), in the role's envelope.
  virtual Response server_error(ServerFault fault, const Request& request) = 0;
};

// Opens ctx.audit (and the gateway's outbox) for `component` from ctx.options and ctx.profile.
// Throws std::runtime_error naming a file that cannot be opened.
void open_records(StubContext& ctx, const std::string& component);

std::unique_ptr<Role> make_authority(StubContext& ctx);
std::unique_ptr<Role> make_gateway(StubContext& ctx);
std::unique_ptr<Role> make_backend(StubContext& ctx);

}  // namespace tc::stub

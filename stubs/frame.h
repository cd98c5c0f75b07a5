// The request frame every stub role runs on, written once (contract E1, U1, U2): it gives each
// request its correlation id, refuses bytes that are not UTF-8 (status.invalid_encoding), serves the
// audit query (paths.audit), runs the role's guard (what the role decides before routing: G1 at the
// gateway, B1 at a backend), matches the role's route table (unknown path 404 not_found; known path,
// other method 405 method_not_allowed with Allow), calls the route's handler, records the handler's
// decisions (stubs/audit_record.h) before the answer leaves, and builds the server's own error
// answers. A role is its route table and its guard; a new endpoint is one row.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stubs/audit_record.h"
#include "stubs/route_table.h"
#include "stubs/stub_context.h"

namespace tc::stub {

// One request being answered.
struct Call {
  const Request& request;
  std::string correlation_id;
  // What the guard established (the gateway: the verified claims, for a signed token the object its
  // cache of verified tokens holds). Read-only; replacing it ends references claims() gave out.
  std::shared_ptr<const nlohmann::json> principal{};
  const nlohmann::json& claims() const {  // *principal, or null when the guard established none
    static const nlohmann::json none;
    return principal ? *principal : none;
  }
  std::vector<Decision> decisions{};   // recorded by the frame, in order, before the answer is sent
  bool open_route = false;             // the matched route needs no credentials (the guard still runs)
  Headers echo{};                      // set on every answer of the call, the guard's included
  std::shared_ptr<void> context{};     // what the role's guard worked out for its handlers
  std::vector<Published> published{};  // committed changes, put in the outbox by the frame (P6)
  void decide(Decision d) { decisions.push_back(std::move(d)); }
  void publish(Published p) { published.push_back(std::move(p)); }
};

// A handler may answer pending (Response::pending): its `then` may refer to the Call, which the
// frame keeps alive, and the frame records the call's decisions once `then` has answered.
using RouteHandler = std::function<Response(Call&, const PathParams&)>;

struct RouteRow {
  std::string method;
  std::string path;  // a template: {name} segments match one segment
  RouteHandler handler;
  bool open = false;  // served without credentials: the guard is told (Call::open_route)
};

// The faults that break what the frame does for every role (stubs/faults.cpp); all off is the contract.
struct FrameFaults {
  bool fresh_correlation_id = false;      // the caller's valid correlation id is replaced
  bool errors_without_correlation_id = false;  // error bodies lack correlation_id
  bool skip_allowed_records = false;      // allowed decisions leave no record
  bool skip_denied_records = false;       // denied decisions leave no record
  bool records_with_own_correlation_id = false;  // records carry a new id instead of the caller's
  bool records_without_correlation_id = false;   // records lack correlation_id
};

struct RoleTable {
  std::vector<RouteRow> routes;
  // Runs before route matching is acted on (so an unknown path is decided after it, Interpretation 4);
  // an answer ends the request.
  std::function<std::optional<Response>(Call&)> guard;
  FrameFaults faults;
  std::shared_ptr<void> state;  // the role's own state, kept alive as long as the frame
  // Role::may_wait; unset: every request may.
  std::function<bool(const Request&)> may_wait;
};

// The server's own answer for `fault` (ServerOptions::error_response) in the profile's envelope:
// malformed 400 invalid_request, status.header_too_large, status.payload_too_large, 500 internal_error.
Response server_error_response(ServerFault fault, const Request& request, const ContractProfile& profile);

class Frame final : public Role {
 public:
  Frame(StubContext& ctx, RoleTable table);
  Response handle(const Request& request) override;
  bool may_wait(const Request& request) const override { return !table_.may_wait || table_.may_wait(request); }
  Response server_error(ServerFault fault, const Request& request) override;

 private:
  Response answer(Call& call);
  Response recorded_if_thrown(const std::shared_ptr<Call>& call, const std::function<Response()>& make);
  Response finish(Call& call, Response response);
  void record(Call& call);
  Response audit_query(const Call& call) const;
  Response outbox_query(const Call& call) const;
  Response method_not_allowed(const Call& call, const std::vector<std::string>& allowed) const;

  StubContext& ctx_;
  RoleTable table_;
};

}  // namespace tc::stub

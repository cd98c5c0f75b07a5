#include "stubs/frame.h"

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/text.h"
#include "stubs/envelope.h"

namespace tc::stub {

namespace {

// Where a request carries bytes that are not UTF-8, for the answer's description; nullopt when none.
std::optional<std::string> non_utf8_part(const Request& r) {
  for (const auto& [name, value] : r.headers.entries())
    if (!is_utf8(name) || !is_utf8(value)) return "the " + escape_non_utf8(name) + " header";
  if (!is_utf8(r.path)) return std::string("the path");
  for (const auto& [name, value] : r.query)
    if (!is_utf8(name) || !is_utf8(value)) return std::string("the query");
  const auto type = r.headers.get("Content-Type");
  if (type && to_lower(*type).rfind("application/x-www-form-urlencoded", 0) == 0)
    for (const auto& [name, value] : r.form())
      if (!is_utf8(name) || !is_utf8(value)) return std::string("the form body");
  return std::nullopt;
}

// The profile's names of what the server answers itself: status key, error key, description.
struct ServerAnswer {
  const char* status;
  const char* error;
  const char* description;
};

ServerAnswer server_answer(ServerFault fault) {
  switch (fault) {
    case ServerFault::malformed_request: return {"bad_request", "invalid_request", "malformed HTTP request"};
    case ServerFault::header_too_large: return {"header_too_large", "header_too_large", "the request header exceeds the limit"};
    case ServerFault::payload_too_large: return {"payload_too_large", "payload_too_large", "the request body exceeds the limit"};
    case ServerFault::handler_failed: break;
  }
  // The reason may hold request data or secrets; the answer says only that the handler failed.
  return {"internal_error", "internal_error", "the server failed to handle the request"};
}

}  // namespace

Frame::Frame(StubContext& ctx, RoleTable table) : ctx_(ctx), table_(std::move(table)) {}

Response Frame::handle(const Request& request) {
  const auto& p = ctx_.profile;
  // The call outlives this function when the answer is pending: its handlers' `then` refer to it.
  auto call = std::make_shared<Call>(Call{request, table_.faults.fresh_correlation_id ? uuid_v4() : correlation_id_of(request, p)});
  return and_then(recorded_if_thrown(call, [&] { return answer(*call); }),
                  [this, call](Response r) { return finish(*call, std::move(r)); });
}

// U1 on the failure path: a handler (or a pending answer's `then`) that throws after stating decisions
// has them recorded before the exception goes on to the server, which answers handler_failed. Its
// published changes go to the outbox too: a handler publishes a change once it is committed (P6).
Response Frame::recorded_if_thrown(const std::shared_ptr<Call>& call, const std::function<Response()>& make) {
  Response r;
  try {
    r = make();
  } catch (...) {
    record(*call);
    throw;
  }
  if (!r.pending) return r;
  r.pending = std::make_shared<Pending>(Pending{r.pending->request, [this, call, then = r.pending->then](Result<HttpResponse> outcome) {
                                                  return recorded_if_thrown(call, [&] { return then(std::move(outcome)); });
                                                }});
  return r;
}

Response Frame::answer(Call& call) {
  const auto& p = ctx_.profile;
  const Request& request = call.request;
  if (auto part = non_utf8_part(request))
    return error_response("invalid_encoding", *part + " is not UTF-8", call.correlation_id, p);
  if (request.path == p.path("audit"))
    return request.method == "GET" ? audit_query(call) : method_not_allowed(call, {"GET"});
  if (ctx_.outbox && request.path == p.path("outbox"))
    return request.method == "GET" ? outbox_query(call) : method_not_allowed(call, {"GET"});
  const auto match = match_route(table_.routes, request.method, request.path);
  call.open_route = match.route && match.route->open;
  if (table_.guard)
    if (auto denied = table_.guard(call)) return std::move(*denied);
  if (match.route) return match.route->handler(call, match.params);
  if (match.allowed.empty()) return error_response("not_found", "no such endpoint", call.correlation_id, p);
  return method_not_allowed(call, match.allowed);
}

// RFC 9110 §15.5.6: a 405 names the methods the path has.
Response Frame::method_not_allowed(const Call& call, const std::vector<std::string>& allowed) const {
  const std::string methods = join(allowed, ", ");
  Response r = error_response("method_not_allowed", methods + " only", call.correlation_id, ctx_.profile);
  r.headers.set(ctx_.profile.header("allow"), methods);
  return r;
}

// U1: every decision of the request becomes a record before the answer leaves (the runner reads
// the audit as soon as it has the answer).
Response Frame::finish(Call& call, Response response) {
  record(call);
  const auto& f = table_.faults;
  for (const auto& [name, value] : call.echo.entries()) response.headers.set(name, value);
  if (f.errors_without_correlation_id && response.status >= 400) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object() && body.erase("correlation_id") > 0) response.body = body.dump();
  }
  return response;
}

// The call's decisions as audit records and its published changes as outbox events, once.
void Frame::record(Call& call) {
  const auto& f = table_.faults;
  for (const auto& d : call.decisions) {
    if ((d.allow && f.skip_allowed_records) || (!d.allow && f.skip_denied_records)) continue;
    const std::string cid = f.records_with_own_correlation_id ? uuid_v4() : call.correlation_id;
    record_decision(*ctx_.audit, d, call.request.method, call.request.path,
                    f.records_without_correlation_id ? nullptr : &cid, ctx_.profile);
  }
  if (ctx_.outbox)
    for (const auto& p : call.published) ctx_.outbox->record(outbox_event(p, call.correlation_id, ctx_.profile));
  call.decisions.clear();
  call.published.clear();
}

Response Frame::audit_query(const Call& call) const {
  const auto& r = call.request;
  auto records = ctx_.audit->query(r.query_param("correlation_id").value_or(""), r.query_param("event").value_or(""));
  return json_response(ctx_.profile.status("ok"), {{"records", std::move(records)}}, call.correlation_id, ctx_.profile);
}

void open_records(StubContext& ctx, const std::string& component) {
  const StubOptions& o = ctx.options;
  ctx.audit = std::make_unique<AuditLog>(component, o.audit_file, o.audit_retention);
  if (o.role == "gateway" && ctx.profile.find("paths.outbox"))
    ctx.outbox = std::make_unique<AuditLog>(component, o.outbox_file, o.audit_retention);
}

// The outbox, queried as the audit is (by correlation_id and event).
Response Frame::outbox_query(const Call& call) const {
  const auto& r = call.request;
  auto events = ctx_.outbox->query(r.query_param("correlation_id").value_or(""), r.query_param("event").value_or(""));
  return json_response(ctx_.profile.status("ok"), {{"records", std::move(events)}}, call.correlation_id, ctx_.profile);
}

Response server_error_response(ServerFault fault, const Request& request, const ContractProfile& profile) {
  const ServerAnswer a = server_answer(fault);
  return error_response(profile.status(a.status), a.error, a.description, correlation_id_of(request, profile), profile);
}

Response Frame::server_error(ServerFault fault, const Request& request) {
  Call call{request, ""};
  return finish(call, server_error_response(fault, request, ctx_.profile));
}

}  // namespace tc::stub

// The Backend role (B1–B5, E1, U1): one program serving platform, scanner or graph, chosen at start.
// Routes, at the role's paths of the fixtures (routes.yaml `backends`): GET and POST collection,
// GET and PUT item/{id}, GET echo, GET status (the audit query is the frame's).
// Every route needs a valid context signature (B1: the frame's guard, so an unknown path is not
// told from a known one without it). Items are scoped to the tenant in the canonical header, which
// the gateway set and signed (B2); another tenant's id is answered exactly as a missing one. Each
// decision leaves one audit record (B5).
#include <optional>
#include <string>

#include "common/echo_shape.h"
#include "common/utc_time.h"
#include "stubs/change_summary.h"
#include "stubs/backend/item_store.h"
#include "stubs/context_signature.h"
#include "stubs/envelope.h"
#include "stubs/frame.h"

namespace tc::stub {

namespace {

using nlohmann::json;

// The role's paths (routes.yaml `backends`); main() has checked that the role has them.
const BackendPaths& paths_of(const StubContext& ctx) { return ctx.fixtures.backends.at(ctx.options.backend_role); }

class Backend {
 public:
  explicit Backend(StubContext& ctx)
      : ctx_(ctx),
        profile_(ctx.profile),
        role_(ctx.options.backend_role),
        paths_(paths_of(ctx)),
        store_(seed_items(ctx), role_, ItemFields::of(ctx.profile)),
        items_at_(json::json_pointer(ctx.profile.value("items_pointer"))),
        echo_shape_(EchoShape::from_profile(ctx.profile.values()).value()) {}  // checked when the profile loaded

  RoleTable table(std::shared_ptr<Backend> self) {
    RoleTable t;
    auto row = [&](const char* method, const std::string& path, Response (Backend::*serve)(Call&, const PathParams&)) {
      t.routes.push_back({method, path,
                          [b = self.get(), serve](Call& call, const PathParams& params) { return (b->*serve)(call, params); }});
    };
    row("GET", paths_.status, &Backend::status);
    row("GET", paths_.echo, &Backend::echo);
    row("GET", paths_.collection, &Backend::list);
    row("POST", paths_.collection, &Backend::create);
    row("GET", paths_.item, &Backend::get_item);
    row("PUT", paths_.item, &Backend::update);
    t.guard = [b = self.get()](Call& call) { return b->check_signature(call); };
    t.faults.skip_denied_records = ctx_.faults.on("backend.no_audit_on_denial");
    t.faults.records_without_correlation_id = ctx_.faults.on("backend.audit_without_correlation_id");
    t.state = std::move(self);
    return t;
  }

 private:
  static std::vector<Item> seed_items(const StubContext& ctx) {
    auto it = ctx.fixtures.items.find(ctx.options.backend_role);
    return it == ctx.fixtures.items.end() ? std::vector<Item>{} : it->second;
  }

  static std::optional<std::string> non_empty(std::optional<std::string> v) {
    if (v && v->empty()) return std::nullopt;
    return v;
  }

  // The tenant the gateway set and signed (B2), if any.
  std::optional<std::string> tenant_of(const Call& call) const {
    return non_empty(call.request.headers.get(profile_.header("tenant")));
  }

  // --- B1 -----------------------------------------------------------------------------------------
  std::optional<Response> check_signature(Call& call) {
    if (!profile_.flag("backend_requires_signature")) return std::nullopt;
    const Request& req = call.request;
    std::string header = req.headers.get(profile_.header("context_signature")).value_or("");
    if (header.empty() && ctx_.faults.on("backend.unsigned_context_accepted")) return std::nullopt;
    SignedContext context;
    context.method = req.method;
    context.path = req.target.substr(0, req.target.find('?'));
    context.tenant = req.headers.get(profile_.header("tenant")).value_or("");
    context.actor = req.headers.get(profile_.header("actor")).value_or("");
    context.correlation_id = req.headers.get(profile_.header("correlation_id")).value_or("");
    SignatureCheck check = verify_context(ctx_.options.shared_secret, context, header, epoch_seconds(),
                                          profile_.window("signature_skew_seconds") *
                                              (ctx_.faults.on("backend.signature_window_doubled") ? 2 : 1),
                                          !ctx_.faults.on("backend.stale_signature_accepted"));
    if (check == SignatureCheck::ok) return std::nullopt;
    return deny(call, "context_unverified", "context_unverified", describe(check));
  }

  // --- B2 -----------------------------------------------------------------------------------------
  // The tenant of a tenant-scoped route, or the tenant_missing denial.
  template <class F>
  Response with_tenant(Call& call, F&& f) {
    const auto tenant = tenant_of(call);
    if (!tenant) return deny(call, "tenant_missing", "tenant_missing", "the request names no tenant");
    return f(*tenant);
  }

  Response list(Call& call, const PathParams&) {
    return with_tenant(call, [&](const std::string& tenant) {
      auto scope = ctx_.faults.on("backend.list_all_tenants") ? std::nullopt : std::optional<std::string>(tenant);
      if (auto asked = call.request.query_param("tenant"); asked && ctx_.faults.on("backend.list_tenant_query"))
        scope = *asked;  // (the fault: a filter parameter over the signed tenant)
      if (call.request.query_param("page") && ctx_.faults.on("backend.page_crosses_tenants"))
        scope = std::nullopt;  // (the fault: a page past the first is taken from every tenant)
      json items = json::array();
      for (auto& fields : store_.list(scope)) items.push_back(std::move(fields));
      allow(call, "data_read", profile_.status("ok"), tenant);
      json body;
      body[items_at_] = std::move(items);   // the profile's values.items_pointer ("" : the array itself)
      return json_response(profile_.status("ok"), body, call.correlation_id, profile_);
    });
  }

  Response get_item(Call& call, const PathParams& params) {
    return with_tenant(call, [&](const std::string& tenant) {
      const std::string id = params.empty() ? std::string() : params.begin()->second;  // the item path's one {name}
      auto found = store_.find(id);
      bool owner_unchecked = ctx_.faults.on("backend.cross_tenant_read");
      if (!found && ctx_.faults.on("backend.item_id_case_insensitive")) {  // (the fault: a second, caseless lookup
        found = store_.find_ignoring_case(id);                             //  that skips the owner check)
        owner_unchecked = found.has_value();
      }
      if (found && (found->owner == tenant || owner_unchecked)) {
        allow(call, "data_read", profile_.status("ok"), found->owner);
        return json_response(profile_.status("ok"), found->fields, call.correlation_id, profile_);
      }
      std::optional<std::string> owner = found ? std::optional<std::string>(found->owner) : std::nullopt;
      if (found && ctx_.faults.on("backend.forbidden_instead_of_not_found"))
        return deny(call, "data_not_found", "tenant_forbidden", "the item belongs to another tenant", owner);
      // The same answer whether the id is missing or another tenant's: only the audit record knows.
      return deny(call, "data_not_found", "not_found", "no item with this id", owner);
    });
  }

  // --- B3, T3 ----------------------------------------------------------------------------------------
  Response create(Call& call, const PathParams&) { return write(call, std::nullopt); }
  Response update(Call& call, const PathParams& params) {
    return write(call, params.empty() ? std::string() : params.begin()->second);  // the item path's one {name}
  }

  // An Idempotency-Key counts on the methods the platform's tenancy rules name (POST by default).
  bool idempotent(const std::string& method) const {
    if (method == "PUT" && ctx_.faults.on("backend.put_not_idempotent")) return false;
    return ctx_.tenancy.idempotent_methods.count(method) > 0;
  }

  // POST creates an item in the tenant; PUT (`id`) replaces one of the tenant's items.
  Response write(Call& call, const std::optional<std::string>& id) {
    return with_tenant(call, [&](const std::string& tenant) {
      const Request& req = call.request;
      json fields = json::parse(req.body, nullptr, false);
      if (fields.is_discarded() || !fields.is_object())
        return deny(call, "data_write", "invalid_request", "the body must be a JSON object", std::nullopt,
                    profile_.status("bad_request"));
      ItemStore::Write w;
      w.tenant = tenant;
      w.id = id;
      w.fields = fields;
      if (idempotent(req.method)) w.key = non_empty(req.headers.get(profile_.header("idempotency_key")));
      w.key_scope = ctx_.faults.on("backend.idempotency_ignores_tenant") ? std::string() : tenant;
      w.request_body = req.method + " " + req.path + "\n" + req.body;
      w.compare_body = !ctx_.faults.on("backend.idempotency_ignores_body");
      w.created_status = profile_.status("created");
      w.updated_status = profile_.status("ok");
      auto result = store_.write(w);
      switch (result.kind) {
        case ItemStore::WriteKind::missing:
          // Another tenant's id is a missing one (I2); only the record names the owner.
          return deny(call, "data_not_found", "not_found", "no item with this id",
                      result.owner.empty() ? std::nullopt : std::optional<std::string>(result.owner));
        case ItemStore::WriteKind::rejected:
          return deny(call, "idempotency_rejected", "idempotency_key_reused",
                      "the idempotency key was used with another request");
        case ItemStore::WriteKind::replayed: {
          allow(call, "idempotency_replayed", result.status, tenant);
          Response r = raw_json(result.status, result.body, call.correlation_id);
          r.headers.set(profile_.header("idempotent_replayed"), profile_.value("idempotent_replayed"));
          return r;
        }
        case ItemStore::WriteKind::created:
        case ItemStore::WriteKind::updated:
          break;
      }
      json summary = ctx_.faults.on("backend.unmasked_change_summary") ? fields
                                                                        : masked_change_summary(fields, profile_.value("masked"));
      allow(call, "data_write", result.status, tenant, summary);
      return raw_json(result.status, result.body, call.correlation_id);
    });
  }

  // --- B4 and the unscoped routes -----------------------------------------------------------------
  // The headers as received, in the profile's echo shape (common/echo_shape.h). Recorded as a read.
  Response echo(Call& call, const PathParams&) {
    const Request& req = call.request;
    auto aliases = profile_.header_list("tenant_aliases");
    auto is_alias = [&](const std::string& name) {
      for (const auto& a : aliases)
        if (iequals(a, name)) return true;
      return false;
    };
    bool hide_aliases = ctx_.faults.on("backend.echo_hides_aliases");
    Headers received;
    for (const auto& [name, value] : req.headers.entries())
      if (!(hide_aliases && is_alias(name))) received.add(name, value);
    allow(call, "data_read", profile_.status("ok"), tenant_of(call));
    json body = echo_shape_.body(received);
    body["method"] = req.method;
    body["path"] = req.path;
    return json_response(profile_.status("ok"), body, call.correlation_id, profile_);
  }

  Response status(Call& call, const PathParams&) {
    return json_response(profile_.status("ok"), json{{"status", "ok"}, {"role", role_}}, call.correlation_id, profile_);
  }

  // --- answers and decisions ------------------------------------------------------------------------
  Response raw_json(int status, std::string body, const std::string& cid) {
    Response r = json_response(status, json::object(), cid, profile_);
    r.body = std::move(body);
    return r;
  }

  // The decision's common part: the actor the gateway named, the request's tenant.
  Decision decision(const Call& call, const std::string& event, bool allowed, int status) const {
    Decision d;
    d.event = event;
    d.allow = allowed;
    d.status = status;
    const auto tenant = tenant_of(call);
    d.actor = Actor::of(call.request.headers.get(profile_.header("actor")).value_or(""), "", tenant);
    d.resolved_tenant = or_null(tenant);
    return d;
  }

  void allow(Call& call, const std::string& event, int status, const std::optional<std::string>& target,
             json change_summary = nullptr) {
    Decision d = decision(call, event, true, status);
    d.target_tenant = or_null(target);
    d.change_summary = std::move(change_summary);
    call.decide(std::move(d));
  }

  // A denial: the envelope for `error` (status from the profile unless given) and its decision.
  Response deny(Call& call, const std::string& event, const std::string& error, const std::string& description,
                std::optional<std::string> target = std::nullopt, std::optional<int> status = std::nullopt) {
    Decision d = decision(call, event, false, status ? *status : profile_.status(error));
    d.reason = error;
    d.target_tenant = or_null(target);
    call.decide(d);
    return error_response(d.status, error, description, call.correlation_id, profile_);
  }

  StubContext& ctx_;
  const ContractProfile& profile_;
  std::string role_;
  const BackendPaths& paths_;
  ItemStore store_;
  json::json_pointer items_at_;   // where a list answer holds its items
  EchoShape echo_shape_;
};

}  // namespace

std::unique_ptr<Role> make_backend(StubContext& ctx) {
  auto backend = std::make_shared<Backend>(ctx);
  return std::make_unique<Frame>(ctx, backend->table(backend));
}

}  // namespace tc::stub

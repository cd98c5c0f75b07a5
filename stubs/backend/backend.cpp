// The Backend role (B1–B5, E1, U1): one program serving platform, scanner or graph, chosen at start.
// Routes, at the role's paths of the fixtures (routes.yaml `backends`): GET and POST collection,
// GET item/{id}, GET echo, GET status; and GET paths.audit (U2).
// Every route but /_audit needs a valid context signature (B1). Items are scoped to the tenant in the
// canonical header, which the gateway set and signed (B2); another tenant's id is answered exactly as a
// missing one. Each decision leaves one audit record (B5).
#include <chrono>
#include <optional>
#include <string>

#include "common/echo_shape.h"
#include "stubs/backend/change_summary.h"
#include "stubs/context_signature.h"
#include "stubs/backend/item_store.h"
#include "stubs/envelope.h"
#include "stubs/stub_context.h"

namespace tc::stub {

namespace {

// The role's paths (routes.yaml `backends`); main() has checked that the role has them.
const BackendPaths& paths_of(const StubContext& ctx) { return ctx.fixtures.backends.at(ctx.options.backend_role); }

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json or_null(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

// The outcome of one request: its audit record's variable part (the answer is built alongside).
struct Decision {
  std::string event;                    // key of the profile's events section
  bool allow = true;
  int status = 200;
  std::string reason;                   // key of the profile's errors section; empty on allow
  std::optional<std::string> target_tenant;
  json change_summary = nullptr;
};

class Backend final : public Role {
 public:
  explicit Backend(StubContext& ctx)
      : ctx_(ctx),
        profile_(ctx.profile),
        role_(ctx.options.backend_role),
        paths_(paths_of(ctx)),
        item_prefix_(paths_.item.substr(0, paths_.item.find('{'))),
        store_(seed_items(ctx), role_),
        echo_shape_(EchoShape::from_profile(ctx.profile.values()).value()) {}  // checked when the profile loaded

  Response handle(const Request& req) override {
    const std::string cid = correlation_id_of(req, profile_);
    if (req.path == profile_.path("audit")) return audit_query(req, cid);

    const std::optional<std::string> tenant = non_empty(req.headers.get(profile_.header("tenant")));
    if (auto denied = check_signature(req, cid, tenant)) return *denied;

    if (req.path == paths_.status) return only_get(req, cid, [&] { return status(cid); });
    if (req.path == paths_.echo) return only_get(req, cid, [&] { return echo(req, cid, tenant); });
    if (req.path == paths_.collection) {
      if (req.method == "GET") return with_tenant(req, cid, tenant, [&](const std::string& t) { return list(req, cid, t); });
      if (req.method == "POST") return with_tenant(req, cid, tenant, [&](const std::string& t) { return create(req, cid, t); });
      return method_not_allowed(cid);
    }
    const std::size_t n = item_prefix_.size();
    if (req.path.rfind(item_prefix_, 0) == 0 && req.path.size() > n && req.path.find('/', n) == std::string::npos) {
      std::string id = req.path.substr(n);
      return only_get(req, cid, [&] {
        return with_tenant(req, cid, tenant, [&](const std::string& t) { return get_item(req, cid, t, id); });
      });
    }
    return not_found(cid);
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

  // --- B1 -----------------------------------------------------------------------------------------
  std::optional<Response> check_signature(const Request& req, const std::string& cid,
                                          const std::optional<std::string>& tenant) {
    if (!profile_.flag("backend_requires_signature")) return std::nullopt;
    std::string header = req.headers.get(profile_.header("context_signature")).value_or("");
    if (header.empty() && ctx_.faults.on("backend.unsigned_context_accepted")) return std::nullopt;
    SignedContext context;
    context.method = req.method;
    context.path = req.target.substr(0, req.target.find('?'));
    context.tenant = req.headers.get(profile_.header("tenant")).value_or("");
    context.actor = req.headers.get(profile_.header("actor")).value_or("");
    context.correlation_id = req.headers.get(profile_.header("correlation_id")).value_or("");
    SignatureCheck check = verify_context(ctx_.options.shared_secret, context, header, unix_now(),
                                          profile_.window("signature_skew_seconds"),
                                          !ctx_.faults.on("backend.stale_signature_accepted"));
    if (check == SignatureCheck::ok) return std::nullopt;
    return deny(req, cid, tenant, "context_unverified", "context_unverified", describe(check));
  }

  // --- B2 -----------------------------------------------------------------------------------------
  template <class F>
  Response with_tenant(const Request& req, const std::string& cid, const std::optional<std::string>& tenant, F&& f) {
    if (!tenant)
      return deny(req, cid, tenant, "tenant_missing", "tenant_missing", "the request names no tenant");
    return f(*tenant);
  }

  Response list(const Request& req, const std::string& cid, const std::string& tenant) {
    auto scope = ctx_.faults.on("backend.list_all_tenants") ? std::nullopt : std::optional<std::string>(tenant);
    json items = json::array();
    for (auto& fields : store_.list(scope)) items.push_back(std::move(fields));
    Decision d{"data_read", true, profile_.status("ok"), "", tenant, nullptr};
    record(req, cid, tenant, d);
    return json_response(d.status, json{{"items", items}}, cid, profile_);
  }

  Response get_item(const Request& req, const std::string& cid, const std::string& tenant, const std::string& id) {
    auto found = store_.find(id);
    if (found && (found->owner == tenant || ctx_.faults.on("backend.cross_tenant_read"))) {
      Decision d{"data_read", true, profile_.status("ok"), "", found->owner, nullptr};
      record(req, cid, tenant, d);
      return json_response(d.status, found->fields, cid, profile_);
    }
    std::optional<std::string> owner = found ? std::optional<std::string>(found->owner) : std::nullopt;
    if (found && ctx_.faults.on("backend.forbidden_instead_of_not_found"))
      return deny(req, cid, tenant, "data_not_found", "tenant_forbidden", "the item belongs to another tenant", owner);
    // The same answer whether the id is missing or another tenant's: only the audit record knows.
    return deny(req, cid, tenant, "data_not_found", "not_found", "no item with this id", owner);
  }

  // --- B3 -----------------------------------------------------------------------------------------
  Response create(const Request& req, const std::string& cid, const std::string& tenant) {
    json fields = json::parse(req.body, nullptr, false);
    if (fields.is_discarded() || !fields.is_object())
      return deny(req, cid, tenant, "data_write", "invalid_request", "the body must be a JSON object",
                  std::nullopt, profile_.status("bad_request"));
    ItemStore::Write w;
    w.tenant = tenant;
    w.fields = fields;
    w.key = non_empty(req.headers.get(profile_.header("idempotency_key")));
    w.key_scope = ctx_.faults.on("backend.idempotency_ignores_tenant") ? std::string() : tenant;
    w.request_body = req.body;
    w.compare_body = !ctx_.faults.on("backend.idempotency_ignores_body");
    w.created_status = profile_.status("created");
    auto result = store_.write(w);
    switch (result.kind) {
      case ItemStore::WriteKind::rejected:
        return deny(req, cid, tenant, "idempotency_rejected", "idempotency_key_reused",
                    "the idempotency key was used with another body");
      case ItemStore::WriteKind::replayed: {
        record(req, cid, tenant, Decision{"idempotency_replayed", true, result.status, "", tenant, nullptr});
        Response r = raw_json(result.status, result.body, cid);
        r.headers.set(profile_.header("idempotent_replayed"), profile_.value("idempotent_replayed"));
        return r;
      }
      case ItemStore::WriteKind::created:
        break;
    }
    json summary = ctx_.faults.on("backend.unmasked_change_summary") ? fields : masked_change_summary(fields, profile_.value("masked"));
    record(req, cid, tenant, Decision{"data_write", true, result.status, "", tenant, summary});
    return raw_json(result.status, result.body, cid);
  }

  // --- B4 and the unscoped routes -----------------------------------------------------------------
  // The headers as received, in the profile's echo shape (common/echo_shape.h). Recorded as a read.
  Response echo(const Request& req, const std::string& cid, const std::optional<std::string>& tenant) {
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
    record(req, cid, tenant, Decision{"data_read", true, profile_.status("ok"), "", tenant, nullptr});
    json body = echo_shape_.body(received);
    body["method"] = req.method;
    body["path"] = req.path;
    return json_response(profile_.status("ok"), body, cid, profile_);
  }

  Response status(const std::string& cid) {
    return json_response(profile_.status("ok"), json{{"status", "ok"}, {"role", role_}}, cid, profile_);
  }

  // U2: GET /_audit?correlation_id=&event= (a stub-only capability, not signature-checked).
  Response audit_query(const Request& req, const std::string& cid) {
    if (req.method != "GET") return method_not_allowed(cid);
    auto records = ctx_.audit->query(req.query_param("correlation_id").value_or(""), req.query_param("event").value_or(""));
    return json_response(profile_.status("ok"), json{{"records", records}}, cid, profile_);
  }

  // --- answers and records --------------------------------------------------------------------------
  template <class F>
  Response only_get(const Request& req, const std::string& cid, F&& f) {
    return req.method == "GET" ? f() : method_not_allowed(cid);
  }

  Response not_found(const std::string& cid) {
    return error_response("not_found", "no such route", cid, profile_);
  }

  Response method_not_allowed(const std::string& cid) {
    return error_response(profile_.status("method_not_allowed"), "invalid_request", "method not allowed here", cid,
                          profile_);
  }

  Response raw_json(int status, std::string body, const std::string& cid) {
    Response r = json_response(status, json::object(), cid, profile_);
    r.body = std::move(body);
    return r;
  }

  // A denial: the envelope for `error` (status from the profile unless given) and its audit record.
  Response deny(const Request& req, const std::string& cid, const std::optional<std::string>& tenant,
                const std::string& event, const std::string& error, const std::string& description,
                std::optional<std::string> target = std::nullopt, std::optional<int> status = std::nullopt) {
    int code = status ? *status : profile_.status(error);
    record(req, cid, tenant, Decision{event, false, code, error, std::move(target), nullptr});
    return error_response(code, error, description, cid, profile_);
  }

  void record(const Request& req, const std::string& cid, const std::optional<std::string>& tenant, const Decision& d) {
    if (!d.allow && ctx_.faults.on("backend.no_audit_on_denial")) return;
    json r = {
        {"event", profile_.event(d.event)},
        {"outcome", profile_.values().at("outcomes").at(d.allow ? "allow" : "deny")},
        {"status", d.status},
        {"correlation_id", cid},
        {"actor",
         {{"sub", or_null(non_empty(req.headers.get(profile_.header("actor"))))}, {"client_id", nullptr}, {"tenant", or_null(tenant)}}},
        {"resolved_tenant", or_null(tenant)},
        {"attempted_tenant", nullptr},
        {"target_tenant", or_null(d.target_tenant)},
        {"reason", d.reason.empty() ? json(nullptr) : json(profile_.error(d.reason))},
        {"method", req.method},
        {"path", req.path},
        {"change_summary", d.change_summary},
    };
    if (ctx_.faults.on("backend.audit_without_correlation_id")) r.erase("correlation_id");
    ctx_.audit->record(std::move(r));
  }

  StubContext& ctx_;
  const ContractProfile& profile_;
  std::string role_;
  const BackendPaths& paths_;
  std::string item_prefix_;  // the item path up to its {id}
  ItemStore store_;
  EchoShape echo_shape_;
};

}  // namespace

std::unique_ptr<Role> make_backend(StubContext& ctx) { return std::make_unique<Backend>(ctx); }

}  // namespace tc::stub

#include "stubs/backend/item_store.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/headers.h"

namespace tc::stub {

ItemStore::ItemStore(std::vector<Item> seed, std::string id_prefix, ItemFields fields)
    : items_(std::move(seed)), id_prefix_(std::move(id_prefix)), names_(std::move(fields)) {
  for (auto& item : items_) item.fields = spelt(item, names_);
}

void ItemStore::stamp(Item& item) const {
  item.fields[names_.id] = item.id;
  item.fields[names_.tenant] = item.tenant;
}

std::vector<json> ItemStore::list(const std::optional<std::string>& tenant) const {
  std::lock_guard lock(mu_);
  std::vector<json> out;
  for (const auto& item : items_)
    if (!tenant || item.tenant == *tenant) out.push_back(item.fields);
  return out;
}

std::optional<ItemStore::Found> ItemStore::find(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const auto& item : items_)
    if (item.id == id) return Found{item.fields, item.tenant};
  return std::nullopt;
}

std::optional<ItemStore::Found> ItemStore::find_ignoring_case(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const auto& item : items_)
    if (iequals(item.id, id)) return Found{item.fields, item.tenant};
  return std::nullopt;
}

ItemStore::WriteResult ItemStore::write(const Write& w) {
  std::lock_guard lock(mu_);
  if (w.key) {
    auto it = idempotency_.find({w.key_scope, *w.key});
    if (it != idempotency_.end()) {
      if (w.compare_body && it->second.request_body != w.request_body) return {WriteKind::rejected, 0, "", ""};
      return {WriteKind::replayed, it->second.status, it->second.response_body, ""};
    }
  }
  if (w.id) return update(w);
  Item item;
  item.id = id_prefix_ + "-" + uuid_v4();
  item.tenant = w.tenant;
  item.fields = w.fields.is_object() ? w.fields : json::object();
  // The store, not the caller, decides id and tenant: a body naming another tenant writes nothing there.
  stamp(item);
  std::string body = item.fields.dump();
  items_.push_back(std::move(item));
  if (w.key) idempotency_[{w.key_scope, *w.key}] = Stored{w.request_body, w.created_status, body};
  return {WriteKind::created, w.created_status, body, ""};
}

// Replaces an item's fields; its version counts the writes it has had (a fixture item is version 1),
// so a write that happens twice is seen in the answer. Called with mu_ held.
ItemStore::WriteResult ItemStore::update(const Write& w) {
  auto it = std::find_if(items_.begin(), items_.end(), [&](const Item& i) { return i.id == *w.id; });
  if (it == items_.end() || it->tenant != w.tenant)
    return {WriteKind::missing, 0, "", it == items_.end() ? std::string() : it->tenant};
  const long long version = it->fields.value("version", 1LL) + 1;
  it->fields = w.fields.is_object() ? w.fields : json::object();
  stamp(*it);
  it->fields["version"] = version;
  std::string body = it->fields.dump();
  if (w.key) idempotency_[{w.key_scope, *w.key}] = Stored{w.request_body, w.updated_status, body};
  return {WriteKind::updated, w.updated_status, body, ""};
}

}  // namespace tc::stub

// A backend's items (B2, B3): the fixture items of its role plus those written while it runs, kept in
// memory, and the idempotency records of writes. Thread-safe; a write with its idempotency decision
// is atomic.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/fixtures.h"
#include "stubs/item_fields.h"

namespace tc::stub {

class ItemStore {
 public:
  // `id_prefix` starts the id of every new item ("platform" -> "platform-<uuid>"); the seed's id and
  // tenant are written under `fields`' names.
  ItemStore(std::vector<Item> seed, std::string id_prefix, ItemFields fields);

  // The items of `tenant` (every tenant's when `tenant` is nullopt), as their JSON fields.
  std::vector<json> list(const std::optional<std::string>& tenant) const;

  struct Found {
    json fields;
    std::string owner;  // the tenant the item belongs to
  };
  // The item with `id` in any tenant; the caller decides what another tenant's item means.
  std::optional<Found> find(const std::string& id) const;
  // The first item whose id equals `id` in any letter case (a fault's lookup; the contract's is exact).
  std::optional<Found> find_ignoring_case(const std::string& id) const;

  enum class WriteKind { created, updated, replayed, rejected, missing };
  struct WriteResult {
    WriteKind kind = WriteKind::created;
    int status = 0;       // created / updated: the Write's status; replayed: the stored one
    std::string body;     // the exact bytes to answer (created, updated or replayed); empty otherwise
    std::string owner;    // missing: the tenant that owns the id, "" when none does
  };
  struct Write {
    std::string tenant;                   // the item's tenant
    std::optional<std::string> id;        // an update (PUT) of this item of `tenant`; nullopt creates
    json fields;                          // the request's JSON object; id and tenant are set by the store
    std::optional<std::string> key;       // Idempotency-Key
    std::string key_scope;                // idempotency keys are unique per scope (the tenant)
    std::string request_body;             // byte-exact, with method and path: compared on a reused key
    bool compare_body = true;             // false: a reused key always replays
    int created_status = 201;             // the status of a new item; of an update: `updated_status`
    int updated_status = 200;
  };
  WriteResult write(const Write& w);

 private:
  // Writes `item`'s id and tenant into its fields, spelled as the profile says (the store decides both).
  void stamp(Item& item) const;
  WriteResult update(const Write& w);

  struct Stored {
    std::string request_body;
    int status;
    std::string response_body;
  };
  mutable std::mutex mu_;
  std::vector<Item> items_;
  std::string id_prefix_;
  ItemFields names_;
  std::map<std::pair<std::string, std::string>, Stored> idempotency_;  // (scope, key) -> first answer
};

}  // namespace tc::stub

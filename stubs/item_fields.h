// How an item is spelt in answers (contract B2, W4): the fields that carry its id, its tenant and its
// name are the profile's `values.item_id_field`, `item_tenant_field` and `item_name_field`, at a
// backend and on the gateway's workspace-admin surfaces alike. Fixture items (fixtures/*/items.yaml)
// write them as id, tenant and name, and are renamed; their other fields are kept as written.
#pragma once
#include <string>

#include "common/fixtures.h"
#include "common/profile.h"

namespace tc::stub {

struct ItemFields {
  std::string id = "id";
  std::string tenant = "tenant";
  std::string name = "name";
  static ItemFields of(const ContractProfile& profile);
};

// `item`'s fields as answers spell them: its id and tenant under `names`, its fixture name renamed.
json spelt(const Item& item, const ItemFields& names);

}  // namespace tc::stub

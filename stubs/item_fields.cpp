#include "stubs/item_fields.h"

namespace tc::stub {

ItemFields ItemFields::of(const ContractProfile& profile) {
  return {profile.value("item_id_field"), profile.value("item_tenant_field"), profile.value("item_name_field")};
}

json spelt(const Item& item, const ItemFields& names) {
  json fields = item.fields.is_object() ? item.fields : json::object();
  json name = fields.value("name", json());
  for (const char* fixture_field : {"id", "tenant", "name"}) fields.erase(fixture_field);
  if (!name.is_null()) fields[names.name] = std::move(name);
  fields[names.id] = item.id;
  fields[names.tenant] = item.tenant;
  return fields;
}

}  // namespace tc::stub

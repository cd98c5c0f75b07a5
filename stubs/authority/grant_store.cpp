#include "stubs/authority/grant_store.h"

namespace tc::stub::authority {

void GrantStore::put_code(const std::string& code, CodeGrant grant) {
  std::lock_guard lock(mu_);
  codes_[code] = std::move(grant);
}

std::optional<CodeGrant> GrantStore::find_code(const std::string& code) const {
  std::lock_guard lock(mu_);
  auto it = codes_.find(code);
  if (it == codes_.end()) return std::nullopt;
  return it->second;
}

bool GrantStore::mark_code_used(const std::string& code) {
  std::lock_guard lock(mu_);
  auto it = codes_.find(code);
  if (it == codes_.end() || it->second.used) return false;
  it->second.used = true;
  return true;
}

void GrantStore::put_refresh(const std::string& token, RefreshGrant grant) {
  std::lock_guard lock(mu_);
  refresh_[token] = std::move(grant);
}

std::optional<RefreshGrant> GrantStore::find_refresh(const std::string& token) const {
  std::lock_guard lock(mu_);
  auto it = refresh_.find(token);
  if (it == refresh_.end()) return std::nullopt;
  return it->second;
}

bool GrantStore::erase_refresh(const std::string& token) {
  std::lock_guard lock(mu_);
  return refresh_.erase(token) > 0;
}

void GrantStore::revoke(const std::string& jti) {
  std::lock_guard lock(mu_);
  revoked_.insert(jti);
}

bool GrantStore::revoked(const std::string& jti) const {
  std::lock_guard lock(mu_);
  return revoked_.count(jti) > 0;
}

void GrantStore::remember_console_tenant(const std::string& jti, const std::string& tenant) {
  std::lock_guard lock(mu_);
  console_tenant_[jti] = tenant;
}

std::optional<std::string> GrantStore::remembered_console_tenant(const std::string& jti) const {
  std::lock_guard lock(mu_);
  auto it = console_tenant_.find(jti);
  if (it == console_tenant_.end()) return std::nullopt;
  return it->second;
}

}  // namespace tc::stub::authority

// What the Authority remembers between requests (contracts A3, A4, A9, A10): authorization codes,
// refresh tokens, and the revocation list of access-token ids. Thread-safe; every check-and-change
// (redeeming a code) happens under one lock so a code cannot be redeemed twice concurrently.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tc::stub::authority {

// An authorization code (A3): what it was issued for and to whom.
struct CodeGrant {
  std::string client_id, redirect_uri, sub, code_challenge;
  std::vector<std::string> scopes;
  std::optional<std::string> tenant;  // bound at authorize (A5), if a tenant was given there
  long long expires_at = 0;           // unix seconds
  bool used = false;
};

// A refresh token (A4): the principal and the tenant selection of the original grant.
struct RefreshGrant {
  std::string client_id, sub;  // sub == client_id for client principals
  bool client_principal = false;
  std::vector<std::string> scopes;
  std::optional<std::string> tenant;
  std::vector<std::string> allowed_tenants;
  long long expires_at = 0;
};

class GrantStore {
 public:
  void put_code(const std::string& code, CodeGrant grant);
  std::optional<CodeGrant> find_code(const std::string& code) const;
  // Marks the code used; false when it already was (the loser of a concurrent redemption).
  bool mark_code_used(const std::string& code);

  void put_refresh(const std::string& token, RefreshGrant grant);
  std::optional<RefreshGrant> find_refresh(const std::string& token) const;
  bool erase_refresh(const std::string& token);

  void revoke(const std::string& jti);
  bool revoked(const std::string& jti) const;

  // Only for the fault authority.stateful_console_selection: a console tenant kept per token id.
  void remember_console_tenant(const std::string& jti, const std::string& tenant);
  std::optional<std::string> remembered_console_tenant(const std::string& jti) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, CodeGrant> codes_;
  std::map<std::string, RefreshGrant> refresh_;
  std::set<std::string> revoked_;
  std::map<std::string, std::string> console_tenant_;
};

}  // namespace tc::stub::authority

#include "stubs/context_signature.h"

#include <charconv>

#include "common/crypto.h"
#include "common/encoding.h"

namespace tc::stub {

namespace {

std::string mac_hex(std::string_view secret, const SignedContext& c, std::string_view t) {
  std::string data;
  data.reserve(c.method.size() + c.path.size() + c.tenant.size() + c.actor.size() + c.correlation_id.size() + 32);
  for (std::string_view part : {std::string_view(c.method), std::string_view(c.path), std::string_view(c.tenant),
                                std::string_view(c.actor), std::string_view(c.correlation_id)}) {
    data += part;
    data += '\n';
  }
  data += t;
  return hex_encode(hmac_sha256(secret, data));
}

}  // namespace

std::string sign_context(std::string_view secret, const SignedContext& context, long long t) {
  std::string ts = std::to_string(t);
  return "t=" + ts + ",v1=" + mac_hex(secret, context, ts);
}

SignatureCheck verify_context(std::string_view secret, const SignedContext& context, std::string_view header,
                              long long now, long long skew_seconds, bool check_freshness) {
  if (header.empty()) return SignatureCheck::missing;
  std::string_view t, v1;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (part.substr(0, 2) == "t=") t = part.substr(2);
    else if (part.substr(0, 3) == "v1=") v1 = part.substr(3);
    start = end + 1;
  }
  long long when = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), when);
  if (t.empty() || v1.empty() || ec != std::errc() || ptr != t.data() + t.size()) return SignatureCheck::malformed;
  // The MAC is checked before the time so that a forged header never learns about the window.
  if (!constant_time_equal(mac_hex(secret, context, t), v1)) return SignatureCheck::mismatch;
  if (check_freshness && (now - when > skew_seconds || when - now > skew_seconds)) return SignatureCheck::stale;
  return SignatureCheck::ok;
}

const char* describe(SignatureCheck check) {
  switch (check) {
    case SignatureCheck::ok: return "valid";
    case SignatureCheck::missing: return "the context signature is missing";
    case SignatureCheck::malformed: return "the context signature is malformed";
    case SignatureCheck::mismatch: return "the context signature does not match the request";
    case SignatureCheck::stale: return "the context signature is outside the freshness window";
  }
  return "invalid";
}

}  // namespace tc::stub

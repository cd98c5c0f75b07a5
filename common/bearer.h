// HTTP authentication credentials and challenges (RFC 9110 §11, RFC 6750 §2.1 and §3), written once
// for the stubs (what they accept and how they ask) and the runner (tokens captured from headers).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tc {

// The credential of "<scheme> <credential>": the scheme compared ignoring letter case, the
// credential trimmed. nullopt when the value uses another scheme or carries no credential.
std::optional<std::string> credential_of(std::string_view authorization, std::string_view scheme);

// A WWW-Authenticate challenge: `scheme`, then name="value" parameters in order. Values are made
// safe for a quoted-string (no quote, backslash or control; at most 200 bytes), as they may echo
// caller input.
std::string challenge(std::string_view scheme, const std::vector<std::pair<std::string, std::string>>& params = {});

}  // namespace tc

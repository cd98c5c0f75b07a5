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

// The schemes of the challenges a WWW-Authenticate value lists, in order (RFC 9110 §11.6.1: challenges
// and their auth-params are comma-separated; quoted strings may hold commas).
std::vector<std::string> challenge_schemes(std::string_view www_authenticate);

// The scheme to answer the WWW-Authenticate fields `fields` with: `wanted` when one of their
// challenges names it (letter case ignored, as schemes are compared), else the first challenge's;
// "" when they name none. Each field is read on its own, so a malformed one cannot hide the next.
std::string scheme_to_answer(const std::vector<std::string>& fields, std::string_view wanted);

}  // namespace tc

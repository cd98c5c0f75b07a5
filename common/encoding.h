// Byte encodings used by JWTs, PKCE, HMAC signatures and Basic credentials.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace tc {

std::string base64url_encode(std::string_view bytes);                  // no padding
std::optional<std::string> base64url_decode(std::string_view text);    // padding optional; nullopt if invalid
std::string base64_encode(std::string_view bytes);                     // standard alphabet, padded
std::string hex_encode(std::string_view bytes);                        // lower case
std::string url_encode(std::string_view text);                         // RFC 3986 unreserved kept
std::string percent_decode(std::string_view text);                     // RFC 3986 §2.1 (a path): '+' stays '+'
std::string url_decode(std::string_view text);                         // a form's: '+' becomes ' ' first
// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_utf8(std::string_view bytes);
// `bytes` with every byte that is not part of well-formed UTF-8 written as the text \xNN, so
// hostile bytes can be stored and shown without breaking a JSON or text writer.
std::string escape_non_utf8(std::string_view bytes);

}  // namespace tc

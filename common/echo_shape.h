// How a backend's echo (B4) shows the headers it received: the profile's `echo` section. The stubs
// write an echo body in this shape; the runner reads what was received back out of one, so the pack
// asserts what reached the backend, not how a platform spells its echo.
#pragma once
#include <optional>
#include <string>

#include "common/document.h"
#include "common/headers.h"

namespace tc {

struct EchoShape {
  enum class Values { list, string };         // every value as an array, or one string (", "-joined)
  enum class Names { lower, upper, as_received };
  std::string headers_at = "/headers";        // JSON pointer to the map of name -> value(s)
  Values values = Values::list;
  Names names = Names::lower;

  // Reads profile section `echo` ({headers_at, values, names}); an input error names the key.
  static Result<EchoShape> from_profile(const json& profile_values, const Document* where = nullptr);

  // The echo body for `received` (names spelled as `names` says; repeats kept in order).
  json body(const Headers& received) const;
  // What `body` says was received: every header with its values (a string is one value); an error
  // message when the body has no map of headers at `headers_at`.
  Result<Headers> received(const json& body) const;
};

}  // namespace tc

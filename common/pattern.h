// Regular expressions of scenario files (ECMAScript syntax, docs/scenario-format.md: captures'
// `regex`, `matches` of headers and json checks), compiled once per distinct text: a literal
// pattern when its file is read, one a template makes the first time it is evaluated. A compiled
// pattern is shared and never changed, so it may be used from any thread.
#pragma once
#include <memory>
#include <regex>
#include <string>

#include "common/status.h"

namespace tc {

// The compiled `text`, or an input error "invalid regular expression: …" (without a location: the
// caller knows where the pattern was written).
Result<std::shared_ptr<const std::regex>> compiled_regex(const std::string& text);

}  // namespace tc

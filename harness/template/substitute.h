// Binding include parameters at load time: every use of a parameter in the templates of an included
// step is replaced by the template the includer passed (`with:`), so that included steps need no
// scope of their own and run exactly like the includer's steps.
//   "{{user}}"            -> the passed value itself (any JSON type: "{{code}}" with code: 404 -> 404)
//   "id-{{user}}"         -> the passed text spliced in ("id-{{ env.BEA }}" stays a template)
//   "{{sha256(user)}}"    -> the passed value as an argument: a literal, or a single "{{ expr }}"
//   "{{pk.verifier}}"     -> with pk passed as "{{ x }}": "{{ x.verifier }}"; as an object: its member
// A use that cannot be rewritten (e.g. a mixed text passed where an argument is needed) is an input
// error at `loc`.
#pragma once
#include <map>
#include <string>

#include "harness/template/template.h"

namespace tc {

Result<json> substitute_params(const json& node, const std::map<std::string, json>& params, const Loc& loc);

}  // namespace tc

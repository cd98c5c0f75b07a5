// Reading the `steps:` of a scenario or a step file into StepSpecs, with includes expanded in place:
// an include's steps come from the step file (path relative to the including file), with its
// params bound to the includer's `with:` values (harness/template/substitute.h). Include cycles,
// missing or extra params and non-step files are input errors at the include, and so is an include
// outside `include_roots` (the pack's folders): it is refused before it is opened.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "common/strict.h"
#include "harness/model/scenario.h"

namespace tc::loader {

// Documents loaded so far, by path as resolved (step files are read once per load).
using DocumentCache = std::map<std::string, Document>;

// Throws Rejected (common/strict.h) on the first problem. `include_stack` holds the files being
// expanded. `node` is the list at `pointer` in the reader's document.
std::vector<StepSpec> read_steps(const StrictReader& r, const json& node, const std::string& pointer,
                                 DocumentCache& cache, std::vector<std::string>& include_stack,
                                 const std::vector<std::string>& include_roots);

// What of `step` may be rendered before its answer (StepSpec::ahead): a template that uses none of
// the step's captures (a variable it sets once the answer is in) and calls nothing that reads the
// clock (its time is the answer's; a 429 waited out comes seconds later). A spec without templates
// is not rendered at all; a template that does not parse waits (its error is told then).
StepSpec::Ahead rendered_ahead(const StepSpec& step);

}  // namespace tc::loader

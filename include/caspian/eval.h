// Evaluation of caspian's models against reference data (`caspian eval`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"

namespace caspian {

// Names of the evaluable tasks ("tokenize", "timex", ...).
std::vector<std::string> eval_tasks();

// Runs the evaluation of `task` over `inputs` (files or directories in the
// task's reference format) and returns a human-readable report with the
// task's standard metrics. Unknown tasks yield kInvalidArgument.
Result<std::string> evaluate(std::string_view task, const std::vector<std::string>& inputs);

}  // namespace caspian

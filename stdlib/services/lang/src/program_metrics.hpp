// Internal to fnd_lang_services: the /metrics options of generated programs (program_metrics.cpp).
#pragma once

#include <string>
#include <string_view>

#include "fnd/node.hpp"

namespace fnd::lang::services {
// `option` is "--metrics-port" or "--metrics-address"; returns a usage error or "".
std::string parse_metrics_option(std::string_view option, std::string_view value);
// Starts /metrics if an option asked for it; false (logged) if it cannot listen.
bool start_metrics(fnd::Node& node);
}  // namespace fnd::lang::services

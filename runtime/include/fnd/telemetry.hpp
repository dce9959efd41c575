// Telemetry hook: named events with numeric measurements, delivered synchronously to the handlers
// attached to a matching prefix (and logged at debug level). The runtime emits:
//   fnd.process.crash      {id}                 a process ended with an error reason
//   fnd.supervisor.restart {restarts}           a supervisor restarted a child
//   fnd.supervisor.shutdown {}                  a supervisor gave up (intensity exceeded)
//   fnd.node.stop          {processes}
// Handlers run on the emitting thread (often a scheduler worker): keep them short and non-blocking.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fnd::telemetry {

using Measurements = std::vector<std::pair<std::string, double>>;
using Handler = std::function<void(std::string_view event, const Measurements&)>;
using HandlerId = uint64_t;

// `prefix` matches an event whose name equals it or starts with it followed by '.'; "" matches all.
HandlerId attach(std::string prefix, Handler handler);
bool detach(HandlerId id);
void emit(std::string_view event, const Measurements& measurements = {});

}  // namespace fnd::telemetry

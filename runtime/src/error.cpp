#include "fnd/error.hpp"

namespace fnd {

const char* to_string(Severity s) noexcept {
  switch (s) {
    case Severity::debug: return "debug";
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    case Severity::critical: return "critical";
  }
  return "?";
}

const char* to_string(ExitKind k) noexcept {
  switch (k) {
    case ExitKind::normal: return "normal";
    case ExitKind::shutdown: return "shutdown";
    case ExitKind::kill: return "kill";
    case ExitKind::killed: return "killed";
    case ExitKind::noproc: return "noproc";
    case ExitKind::error: return "error";
  }
  return "?";
}

std::optional<std::chrono::milliseconds> RetryStrategy::delay_for(uint32_t attempt) const {
  if (kind == RetryKind::none || attempt == 0 || attempt > max_attempts) return std::nullopt;
  switch (kind) {
    case RetryKind::immediate: return std::chrono::milliseconds(0);
    case RetryKind::fixed: return base_delay;
    case RetryKind::exponential_backoff: {
      uint32_t shift = attempt - 1 < 30 ? attempt - 1 : 30;
      return base_delay * (int64_t{1} << shift);
    }
    case RetryKind::none: break;
  }
  return std::nullopt;
}

std::string Error::to_string() const {
  std::string s = code;
  if (!message.empty()) s += ": " + message;
  if (!context.empty()) {
    s += " {";
    bool first = true;
    for (auto& [k, v] : context) {
      if (!first) s += ", ";
      first = false;
      s += k + "=" + v;
    }
    s += "}";
  }
  return s;
}

std::string ExitReason::to_string() const {
  if (kind_ == ExitKind::error) return "error(" + (error_ ? error_->to_string() : std::string()) + ")";
  return fnd::to_string(kind_);
}

}  // namespace fnd

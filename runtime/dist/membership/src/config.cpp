#include "fnd/dist/membership/config.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

namespace fnd::dist::membership {

std::optional<std::string> Config::validate() const {
  if (probe_interval <= Duration::zero()) return "probe_interval must be positive";
  if (probe_timeout <= Duration::zero() || probe_timeout >= probe_interval) {
    auto ms = [](Duration d) {
      return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + "ms";
    };
    std::string why = "probe_timeout (" + ms(probe_timeout) + ") must be positive and shorter than probe_interval (" +
                      ms(probe_interval) + "): the rest of the period is for the indirect probes";
    if (probe_timeout == Config{}.probe_timeout) why += "; probe_timeout is " + ms(probe_timeout) + " unless set";
    return why;
  }
  if (suspicion_mult < 1) return "suspicion_mult must be at least 1";
  if (retransmit_mult < 1) return "retransmit_mult must be at least 1";
  if (gossip_interval <= Duration::zero()) return "gossip_interval must be positive";
  if (gossip_fanout < 1) return "gossip_fanout must be at least 1";
  if (awareness_max < 1 || awareness_max > 64) return "awareness_max must be between 1 and 64";
  if (sync_interval <= Duration::zero()) return "sync_interval must be positive";
  if (join_retry_interval <= Duration::zero()) return "join_retry_interval must be positive";
  if (down_retention <= Duration::zero()) return "down_retention must be positive";
  // Room for the largest header (two 255-byte strings) and a few updates.
  if (max_datagram_bytes < 1024 || max_datagram_bytes > 65536)
    return "max_datagram_bytes must be between 1024 and 65536";
  return std::nullopt;
}

Duration Config::suspicion_timeout(std::size_t live_members) const {
  double scale = std::max(1.0, std::log10(static_cast<double>(std::max<std::size_t>(1, live_members))));
  return std::chrono::duration_cast<Duration>(probe_interval * (suspicion_mult * scale));
}

std::uint32_t Config::retransmit_limit(std::size_t live_members) const {
  double scale = std::ceil(std::log10(static_cast<double>(live_members) + 1.0));
  return retransmit_mult * static_cast<std::uint32_t>(std::max(1.0, scale));
}

Duration Config::worst_case_detection(std::size_t n) const {
  return probe_interval * static_cast<std::int64_t>(std::max<std::size_t>(n, 1)) + suspicion_timeout(n);
}

const char* to_string(MemberStatus s) {
  switch (s) {
    case MemberStatus::alive: return "alive";
    case MemberStatus::suspect: return "suspect";
    case MemberStatus::down: return "down";
    case MemberStatus::left: return "left";
  }
  return "?";
}

const char* to_string(EventKind k) {
  switch (k) {
    case EventKind::up: return "up";
    case EventKind::suspect: return "suspect";
    case EventKind::alive: return "alive";
    case EventKind::down: return "down";
    case EventKind::left: return "left";
  }
  return "?";
}

}  // namespace fnd::dist::membership

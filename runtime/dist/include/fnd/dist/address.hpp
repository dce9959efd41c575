// What a node address may be: "tcp://HOST:PORT", the form nodes bind and connect to. Header-only,
// so that fndc (a cluster's declared addresses, E0703) and programs (--addrs at start) accept the
// same addresses.
#pragma once

#include <charconv>
#include <string_view>

namespace fnd::dist {

// A non-empty host (a name, an IPv4 address or a bracketed IPv6 one) and a port from 1 to 65535 (ZeroMQ would take port 0, any port, which no other
// node could know, and wrap 70000 to 4464). An IPv6 host is written in brackets, "tcp://[::1]:7001":
// unbracketed, "::1:7001" reads as the host "::1" or as "::" with port 1:7001.
inline bool is_node_address(std::string_view a) {
  constexpr std::string_view kScheme = "tcp://";
  if (!a.starts_with(kScheme)) return false;
  const auto colon = a.rfind(':');
  if (colon == std::string_view::npos || colon <= kScheme.size()) return false;
  const std::string_view host = a.substr(kScheme.size(), colon - kScheme.size());
  // "*" (every interface) can be bound but not connected to: other nodes could not reach it.
  if (host.find_first_of(" \t/*") != std::string_view::npos) return false;
  const bool bracketed = host.front() == '[';
  if (bracketed != (host.back() == ']') || (bracketed && host.size() < 3)) return false;
  const std::string_view inner = bracketed ? host.substr(1, host.size() - 2) : host;
  if (inner.find_first_of("[]") != std::string_view::npos) return false;
  if (!bracketed && inner.find(':') != std::string_view::npos) return false;
  const std::string_view port = a.substr(colon + 1);
  unsigned n = 0;
  auto r = std::from_chars(port.data(), port.data() + port.size(), n);
  return r.ec == std::errc() && r.ptr == port.data() + port.size() && n >= 1 && n <= 65535;
}

}  // namespace fnd::dist

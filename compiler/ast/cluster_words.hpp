// The words of a `cluster` body (docs/language.md section 16) that the grammar does not reserve:
// item words, placement words and setting names. One table for the AST builder (which accepts these
// and no others), fndc lsp (completion) and the editors (editors/keywords/extract.py reads the
// `kName = "word"` and `kName = {"...", ...}` definitions below, so keep each on one line).
#pragma once

#include <array>
#include <string_view>

namespace fnd::ast::cluster_words {

inline constexpr std::string_view kNode = "node";          // node NAME: "tcp://HOST:PORT"
inline constexpr std::string_view kPlace = "place";        // place PATH on NODE
inline constexpr std::string_view kAcross = "across";      // place PATH across [NODES]   (`on` is a keyword)
inline constexpr std::string_view kSecurity = "security";  // security: none | curve
inline constexpr std::array<std::string_view, 2> kSecurityValues = {"none", "curve"};  // ClusterSecurity::None, ::Curve
inline constexpr std::array<std::string_view, 5> kDurationSettings = {"probe_interval", "probe_timeout", "gossip_interval", "sync_interval", "down_retention"};
inline constexpr std::array<std::string_view, 2> kCountSettings = {"indirect_probes", "suspicion_mult"};

template <std::size_t N>
constexpr bool isOneOf(const std::array<std::string_view, N>& words, std::string_view w) {
  for (std::string_view x : words)
    if (x == w) return true;
  return false;
}

}  // namespace fnd::ast::cluster_words

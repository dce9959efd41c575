// The neighbour rules of society topologies (docs/language.md section 11), by member index: one
// definition for both back ends (the C++ back end's fnd::lang societies and the C ABI's societies the
// LLVM back end uses), so `neighbors` answers the same under either, and for `fndc graph`, which
// counts the links a society makes. Header-only, so the compiler uses it without linking the runtime.
#pragma once

#include <cstddef>
#include <vector>

namespace fnd {

// The values are those of fnd_topology (runtime.h), which the C ABI converts from.
enum class SocietyTopology { mesh = 0, tree = 1, ring = 2, star = 3, pub_sub = 4 };

// Whether every member is a neighbour of every other member (mesh, pub_sub). Tools that count links
// use it instead of listing the neighbours of every member (n * (n - 1) of them).
constexpr bool society_all_to_all(SocietyTopology topology) {
  return topology == SocietyTopology::mesh || topology == SocietyTopology::pub_sub;
}

// The member indices that member `index` of `count` members (member order: roles in declaration order,
// each 0..n-1) has as neighbours, in the order `neighbors` lists them. Empty for an index out of range
// or an unknown topology. Every topology is symmetric: j is a neighbour of i exactly when i is one of j.
inline std::vector<std::size_t> society_neighbors(SocietyTopology topology, std::size_t i, std::size_t n) {
  std::vector<std::size_t> out;
  if (i >= n) return out;
  if (society_all_to_all(topology)) {
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) out.push_back(j);
    return out;
  }
  switch (topology) {
    case SocietyTopology::ring:  // previous, then next; two members are each other's only neighbour
      if (n > 1) {
        out.push_back((i + n - 1) % n);
        if (n > 2) out.push_back((i + 1) % n);
      }
      break;
    case SocietyTopology::star:  // member 0 is the hub
      if (i == 0) {
        for (std::size_t j = 1; j < n; ++j) out.push_back(j);
      } else {
        out.push_back(0);
      }
      break;
    case SocietyTopology::tree:  // binary tree in member order: parent first, then children
      if (i > 0) out.push_back((i - 1) / 2);
      if (2 * i + 1 < n) out.push_back(2 * i + 1);
      if (2 * i + 2 < n) out.push_back(2 * i + 2);
      break;
    default:  // mesh and pub_sub above; an unknown value has no neighbours
      break;
  }
  return out;
}

}  // namespace fnd

// The neighbour rules of society topologies (docs/language.md section 11), by member index: one
// definition for both back ends (the C++ back end's fnd::lang societies and the C ABI's societies the
// LLVM back end uses), so `neighbors` answers the same under either.
#pragma once

#include <cstddef>
#include <vector>

namespace fnd {

// The values are those of fnd_topology (runtime.h), which the C ABI converts from.
enum class SocietyTopology { mesh = 0, tree = 1, ring = 2, star = 3, pub_sub = 4 };

// The member indices that member `index` of `count` members (member order: roles in declaration order,
// each 0..n-1) has as neighbours, in the order `neighbors` lists them. Empty for an index out of range
// or an unknown topology.
std::vector<std::size_t> society_neighbors(SocietyTopology topology, std::size_t index, std::size_t count);

}  // namespace fnd

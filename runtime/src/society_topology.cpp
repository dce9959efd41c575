#include "fnd/society_topology.hpp"

namespace fnd {

std::vector<std::size_t> society_neighbors(SocietyTopology topology, std::size_t i, std::size_t n) {
  std::vector<std::size_t> out;
  if (i >= n) return out;
  switch (topology) {
    case SocietyTopology::mesh:
    case SocietyTopology::pub_sub:
      for (std::size_t j = 0; j < n; ++j)
        if (j != i) out.push_back(j);
      break;
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
  }
  return out;
}

}  // namespace fnd

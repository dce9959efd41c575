// The neighbour rules of society topologies (fnd/society_topology.hpp), which both back ends use:
// the documented examples (docs/language.md section 11), and properties over every size up to 40.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "fnd/society_topology.hpp"

using fnd::society_neighbors;
using fnd::SocietyTopology;
using V = std::vector<std::size_t>;

TEST_CASE("topology rules on small societies, in the order neighbors lists them") {
  CHECK(society_neighbors(SocietyTopology::mesh, 1, 4) == V{0, 2, 3});
  CHECK(society_neighbors(SocietyTopology::pub_sub, 0, 3) == V{1, 2});
  CHECK(society_neighbors(SocietyTopology::ring, 0, 4) == V{3, 1});  // previous, then next
  CHECK(society_neighbors(SocietyTopology::ring, 3, 4) == V{2, 0});
  CHECK(society_neighbors(SocietyTopology::ring, 0, 2) == V{1});     // two members: one neighbour
  CHECK(society_neighbors(SocietyTopology::ring, 0, 1).empty());
  CHECK(society_neighbors(SocietyTopology::star, 0, 4) == V{1, 2, 3});  // member 0 is the hub
  CHECK(society_neighbors(SocietyTopology::star, 2, 4) == V{0});
  CHECK(society_neighbors(SocietyTopology::tree, 0, 6) == V{1, 2});  // parent first, then children
  CHECK(society_neighbors(SocietyTopology::tree, 2, 6) == V{0, 5});
  CHECK(society_neighbors(SocietyTopology::tree, 4, 6) == V{1});
}

TEST_CASE("out of range: an index past the members, or a topology value the C ABI does not define") {
  for (auto t : {SocietyTopology::mesh, SocietyTopology::ring, SocietyTopology::star, SocietyTopology::tree})
    CHECK(society_neighbors(t, 3, 3).empty());
  CHECK(society_neighbors(static_cast<SocietyTopology>(17), 0, 3).empty());
}

TEST_CASE("every topology: symmetric, no self, no repeats; edge counts per topology") {
  for (auto t : {SocietyTopology::mesh, SocietyTopology::pub_sub, SocietyTopology::ring, SocietyTopology::star,
                 SocietyTopology::tree}) {
    for (std::size_t n = 0; n <= 40; ++n) {
      std::set<std::pair<std::size_t, std::size_t>> edges;
      for (std::size_t i = 0; i < n; ++i) {
        V ns = society_neighbors(t, i, n);
        std::set<std::size_t> unique(ns.begin(), ns.end());
        INFO("topology " << static_cast<int>(t) << " n " << n << " member " << i);
        CHECK(unique.size() == ns.size());
        CHECK(unique.count(i) == 0);
        for (std::size_t j : ns) {
          CHECK(j < n);
          V back = society_neighbors(t, j, n);
          CHECK(std::find(back.begin(), back.end(), i) != back.end());
          edges.insert({std::min(i, j), std::max(i, j)});
        }
      }
      std::size_t expected = 0;
      switch (t) {
        case SocietyTopology::mesh:
        case SocietyTopology::pub_sub: expected = n * (n ? n - 1 : 0) / 2; break;
        case SocietyTopology::ring: expected = n < 2 ? 0 : n == 2 ? 1 : n; break;
        case SocietyTopology::star:
        case SocietyTopology::tree: expected = n ? n - 1 : 0; break;  // trees, both
      }
      INFO("topology " << static_cast<int>(t) << " n " << n);
      CHECK(edges.size() == expected);
    }
  }
}

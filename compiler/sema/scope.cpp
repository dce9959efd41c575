#include "sema/scope.hpp"

#include <algorithm>

#include "sema/context.hpp"

namespace fnd::sema {

ast::LocalVar* Scope::find(const std::string& name) const {
  for (auto f = frames_.rbegin(); f != frames_.rend(); ++f)
    for (auto v = f->rbegin(); v != f->rend(); ++v)
      if ((*v)->name.name == name) return *v;
  return nullptr;
}

std::vector<std::string> Scope::names() const {
  std::vector<std::string> out;
  for (auto& f : frames_)
    for (auto* v : f) out.push_back(v->name.name);
  return out;
}

std::string closestName(const std::string& name, const std::vector<std::string>& candidates) {
  // Levenshtein distance; suggest only close, unambiguous matches.
  auto dist = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1] ? 1u : 0u)});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  std::size_t bestD = name.size() <= 3 ? 1 : name.size() <= 6 ? 2 : 3;
  bool found = false;
  for (const auto& c : candidates) {
    if (c == name || c.empty()) continue;
    std::size_t d = dist(name, c);
    if (d < bestD || (!found && d == bestD)) {
      if (d < bestD || !found) {
        best = c;
        bestD = d;
        found = true;
      }
    }
  }
  return found ? best : std::string();
}

}  // namespace fnd::sema

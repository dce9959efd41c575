#include "fnd/telemetry.hpp"

#include <memory>
#include <mutex>
#include <string>

#include "fnd/log.hpp"

namespace fnd::telemetry {
namespace {
struct Entry {
  HandlerId id;
  std::string prefix;
  std::shared_ptr<Handler> fn;
};
std::mutex g_mu;
std::vector<Entry>& handlers() {
  static std::vector<Entry> v;
  return v;
}
HandlerId g_next = 1;
bool matches(const std::string& prefix, std::string_view ev) {
  if (prefix.empty()) return true;
  if (ev.size() < prefix.size() || ev.compare(0, prefix.size(), prefix) != 0) return false;
  return ev.size() == prefix.size() || ev[prefix.size()] == '.';
}
}  // namespace

HandlerId attach(std::string prefix, Handler handler) {
  std::lock_guard<std::mutex> g(g_mu);
  HandlerId id = g_next++;
  handlers().push_back({id, std::move(prefix), std::make_shared<Handler>(std::move(handler))});
  return id;
}

bool detach(HandlerId id) {
  std::lock_guard<std::mutex> g(g_mu);
  auto& v = handlers();
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it->id == id) {
      v.erase(it);
      return true;
    }
  return false;
}

void emit(std::string_view event, const Measurements& m) {
  if (log::enabled(log::Level::debug)) {
    std::string s = "telemetry ";
    s += event;
    for (auto& [k, v] : m) s += " " + k + "=" + std::to_string(v);
    log::debug(s);
  }
  std::vector<std::shared_ptr<Handler>> hs;
  {
    std::lock_guard<std::mutex> g(g_mu);
    for (auto& e : handlers())
      if (matches(e.prefix, event)) hs.push_back(e.fn);
  }
  for (auto& h : hs) (*h)(event, m);  // outside the lock: a handler may attach/detach/emit
}

}  // namespace fnd::telemetry

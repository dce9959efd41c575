// Society subscriptions of members on other nodes (fnd/society_remote.hpp).
#include "fnd/society_remote.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <utility>

namespace fnd::society_remote {

namespace {

using Listener = std::function<void(const Subscription&)>;

struct Table {
  std::mutex mu;
  // society -> topic -> (member index, incarnation). A set, not index -> pid: announcements of two
  // incarnations of one member may arrive in either order (a sync and a fresh subscribe), and each
  // entry lives until its own incarnation is gone.
  std::map<std::string, std::map<std::string, std::set<std::pair<std::size_t, Pid>>, std::less<>>, std::less<>> subs;
  std::shared_ptr<const Listener> listener;
};

Table& table() {
  static Table* t = new Table;  // never destroyed: actors may publish while the process exits
  return *t;
}

// Whether there is anything to merge or announce: publish and subscribe outside clusters skip the lock.
std::atomic<bool> g_active{false};

void update_active(Table& t) {
  g_active.store(t.listener || !t.subs.empty(), std::memory_order_release);
}

}  // namespace

void set_listener(std::function<void(const Subscription&)> listener) {
  Table& t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  t.listener = listener ? std::make_shared<const Listener>(std::move(listener)) : nullptr;
  update_active(t);
}

void add(Subscription s) {
  if (!s.pid) return;
  Table& t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  t.subs[s.society][s.topic].emplace(s.index, std::move(s.pid));
  update_active(t);
}

void remove_pid(const Pid& pid) {
  Table& t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  for (auto soc = t.subs.begin(); soc != t.subs.end();) {
    for (auto topic = soc->second.begin(); topic != soc->second.end();) {
      std::erase_if(topic->second, [&](const auto& e) { return e.second == pid; });
      topic = topic->second.empty() ? soc->second.erase(topic) : std::next(topic);
    }
    soc = soc->second.empty() ? t.subs.erase(soc) : std::next(soc);
  }
  update_active(t);
}

std::vector<Subscription> all() {
  std::vector<Subscription> out;
  Table& t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  for (const auto& [society, topics] : t.subs)
    for (const auto& [topic, entries] : topics)
      for (const auto& [index, pid] : entries) out.push_back({society, topic, index, pid});
  return out;
}

namespace detail {

void notify(const Subscription& s) {
  if (!g_active.load(std::memory_order_acquire)) return;
  std::shared_ptr<const Listener> l;
  {
    Table& t = table();
    std::lock_guard<std::mutex> lock(t.mu);
    l = t.listener;
  }
  if (l) (*l)(s);  // outside the lock: the listener sends a message
}

void append_subscribers(const std::string& society, std::string_view topic,
                        std::vector<std::pair<std::size_t, Pid>>& out) {
  if (!g_active.load(std::memory_order_acquire)) return;
  Table& t = table();
  std::lock_guard<std::mutex> lock(t.mu);
  auto soc = t.subs.find(society);
  if (soc == t.subs.end()) return;
  auto it = soc->second.find(topic);
  if (it == soc->second.end()) return;
  out.insert(out.end(), it->second.begin(), it->second.end());
}

}  // namespace detail

}  // namespace fnd::society_remote

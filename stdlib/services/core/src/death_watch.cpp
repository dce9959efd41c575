#include "fnd/services/death_watch.hpp"

#include <mutex>
#include <unordered_map>

#include "fnd/actor.hpp"

namespace fnd::services {

struct DeathWatch::State {
  std::mutex mu;  // held while on_down runs, so the destructor can wait for a running call
  bool active = true;
  std::function<void(const Pid&)> on_down;
};

namespace {
struct Watch {
  Pid pid;
};
struct Unwatch {
  Pid pid;
};

class Watcher final : public Actor {
 public:
  explicit Watcher(std::shared_ptr<DeathWatch::State> st) : st_(std::move(st)) {}
  void on_message(Message& m) override {
    if (auto* w = m.try_get<Watch>()) {
      auto it = watched_.find(w->pid);
      if (it != watched_.end()) {
        ++it->second.count;
      } else {
        watched_.emplace(w->pid, Entry{monitor(w->pid), 1});
      }
    } else if (auto* u = m.try_get<Unwatch>()) {
      auto it = watched_.find(u->pid);
      if (it != watched_.end() && --it->second.count == 0) {
        demonitor(it->second.ref, true);
        watched_.erase(it);
      }
    } else if (auto* d = m.try_get<Down>()) {
      auto it = watched_.find(d->pid);
      if (it == watched_.end() || !(it->second.ref == d->ref)) return;  // unwatched meanwhile
      watched_.erase(it);
      std::lock_guard<std::mutex> g(st_->mu);
      if (st_->active) st_->on_down(d->pid);
    }
  }

 private:
  struct Entry {
    MonitorRef ref;
    int count;
  };
  std::shared_ptr<DeathWatch::State> st_;
  std::unordered_map<Pid, Entry, PidHash> watched_;
};
}  // namespace

DeathWatch::DeathWatch(Node& node, std::function<void(const Pid&)> on_down)
    : node_(node), st_(std::make_shared<State>()) {
  st_->on_down = std::move(on_down);
  actor_ = node_.spawn<Watcher>(st_);
}

DeathWatch::~DeathWatch() {
  {
    std::lock_guard<std::mutex> g(st_->mu);
    st_->active = false;
  }
  node_.exit(actor_, ExitReason::shutdown());
}

void DeathWatch::watch(const Pid& pid) {
  if (pid) node_.send(actor_, Watch{pid});
}
void DeathWatch::unwatch(const Pid& pid) {
  if (pid) node_.send(actor_, Unwatch{pid});
}

}  // namespace fnd::services

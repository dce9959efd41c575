// The node's timer thread: a min-heap of deadlines. Firing and cancelling happen under one mutex, so
// cancel() returning true guarantees the message was not (and will not be) sent.
#include "fnd/log.hpp"
#include "internal.hpp"

namespace fnd::detail {

TimerService::TimerService(NodeImpl* node) : node_(node) {}

TimerService::~TimerService() {
  stop();
  for (auto& [id, e] : entries_) destroy_message(e.once);
}

void TimerService::stop() {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

TimerRef TimerService::start(ProcessCore* owner, const Pid& to, Duration delay, Duration period, Message* once,
                             std::function<Message*()> make) {
  std::unique_lock<std::mutex> g(mu_);
  if (stop_) {
    destroy_message(once);
    return {};
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
  uint64_t id = next_id_++;
  Entry e;
  e.to = to;
  if (owner) e.owner = Pid::share(owner->cb_);
  e.once = once;
  e.make = std::move(make);
  e.period = period;
  if (delay < Duration::zero()) delay = Duration::zero();
  e.deadline = Clock::now() + delay;
  bool earliest = heap_.empty() || e.deadline < heap_.top().first;
  heap_.push({e.deadline, id});
  if (owner) {
    owned_[owner->cb_->id].insert(id);
    owner->flags_ |= kHasTimers;
  }
  entries_.emplace(id, std::move(e));
  g.unlock();
  if (earliest) cv_.notify_one();
  return TimerRef{id};
}

void TimerService::erase_locked(uint64_t id, std::unordered_map<uint64_t, Entry>::iterator it) {
  if (it->second.owner) {
    auto o = owned_.find(it->second.owner.id());
    if (o != owned_.end()) {
      o->second.erase(id);
      if (o->second.empty()) owned_.erase(o);
    }
  }
  destroy_message(it->second.once);
  entries_.erase(it);
}

bool TimerService::cancel(uint64_t id) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  erase_locked(id, it);
  return true;  // its heap item is skipped when it comes up
}

void TimerService::cancel_owner(uint64_t owner_id) {
  std::lock_guard<std::mutex> g(mu_);
  auto o = owned_.find(owner_id);
  if (o == owned_.end()) return;
  auto ids = std::move(o->second);
  owned_.erase(o);
  for (uint64_t id : ids) {
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    destroy_message(it->second.once);
    entries_.erase(it);
  }
}

void TimerService::loop() {
  std::unique_lock<std::mutex> g(mu_);
  while (!stop_) {
    if (heap_.empty()) {
      cv_.wait(g);
      continue;
    }
    auto [deadline, id] = heap_.top();
    if (Clock::now() < deadline) {
      cv_.wait_until(g, deadline);
      continue;
    }
    heap_.pop();
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.deadline != deadline) continue;  // cancelled
    Entry& e = it->second;
    Message* m;
    if (e.period > Duration::zero()) {
      m = e.make();
      e.deadline += e.period;
      heap_.push({e.deadline, id});
    } else {
      m = e.once;
      e.once = nullptr;
    }
    m->sender_ = e.owner;
    Pid to = e.to;
    if (e.period <= Duration::zero()) erase_locked(id, it);
    // Delivered under the lock so that cancel() is exact; delivery never blocks (post_nowait).
    post_nowait(nullptr, to, m);
  }
}

TimerRef timer_once(NodeImpl* node, ProcessCore* owner, const Pid& to, Duration delay, Message* m) {
  // A delayed send is a send: it carries the context in effect now (periodic timers carry none).
  ContextData* c = owner ? owner->ctx_ : ambient_context();
  if (c && m && !m->ctx_) {
    retain_context(c);
    m->ctx_ = c;
  }
  return node->timers.start(owner, to, delay, Duration::zero(), m, {});
}

TimerRef timer_periodic(NodeImpl* node, ProcessCore* owner, const Pid& to, Duration period,
                        std::function<Message*()> make) {
  if (period <= Duration::zero()) period = std::chrono::milliseconds(1);
  return node->timers.start(owner, to, period, period, nullptr, std::move(make));
}

bool timer_cancel(NodeImpl* node, ProcessCore*, TimerRef t) { return t && node->timers.cancel(t.id); }

}  // namespace fnd::detail

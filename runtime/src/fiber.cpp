// Blocking processes on Boost.Context fibers, scheduled by the node's own work-stealing scheduler (not by
// Boost.Fiber's per-thread scheduler: one scheduler owns every process, so fibers and actors share the
// queues, stealing and fairness rules). A fiber that must wait returns control to its worker with an
// action; the worker — off the fiber's stack — then publishes the idle state (kInboxEmpty -> kInboxBlocked),
// so a producer can never resume a fiber that is still running.
#include <sys/mman.h>
#include <unistd.h>

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "fnd/log.hpp"
#include "fnd/process.hpp"
#include "internal.hpp"
#include "sanitizer.hpp"

namespace ctx = boost::context;

namespace fnd::detail {

// Pool of guard-paged stacks shared by the node's workers (mutex: stacks are taken and returned on any
// worker; Boost's pooled_fixedsize_stack is not thread-safe).
struct StackPool {
  explicit StackPool(size_t sz) {
    size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    size = (sz + page - 1) / page * page;
    guard = page;
  }
  ~StackPool() {
    for (auto& s : free) unmap(s);
  }
  ctx::stack_context allocate() {
    {
      std::lock_guard<std::mutex> g(mu);
      if (!free.empty()) {
        ctx::stack_context s = free.back();
        free.pop_back();
        return s;
      }
    }
    void* base = ::mmap(nullptr, size + guard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    ::mprotect(base, guard, PROT_NONE);  // overflow faults instead of corrupting memory
    ctx::stack_context s;
    s.size = size + guard;
    s.sp = static_cast<char*>(base) + size + guard;
    return s;
  }
  void deallocate(ctx::stack_context& s) noexcept {
    unpoison_stack(static_cast<char*>(s.sp) - size, size);  // the usable part, above the guard page
    std::lock_guard<std::mutex> g(mu);
    if (free.size() < 1024) free.push_back(s);
    else unmap(s);
  }
  void unmap(ctx::stack_context& s) noexcept { ::munmap(static_cast<char*>(s.sp) - s.size, s.size); }

  size_t size, guard;
  std::mutex mu;
  std::vector<ctx::stack_context> free;
};

StackPool* make_stack_pool(size_t size) { return new StackPool(size); }
void destroy_stack_pool(StackPool* p) { delete p; }

struct FiberState;
struct PoolAllocator {
  StackPool* pool;
  SanitizerFiber* san;
  ctx::stack_context allocate() {
    ctx::stack_context s = pool->allocate();
    san->stack_bottom = static_cast<char*>(s.sp) - s.size;
    san->stack_size = s.size;
    return s;
  }
  void deallocate(ctx::stack_context& s) noexcept { pool->deallocate(s); }
};

struct FiberState {
  enum Action : uint8_t { none, wait, yield, finished };
  ctx::fiber fiber;
  ctx::fiber sink;
  Action action = none;
  ExitReason reason;
  // receive timeout
  bool armed = false;
  bool timed_out = false;
  uint64_t token = 0;
  uint64_t armed_token = 0;
  Clock::time_point armed_deadline;
  TimerRef timer;
  SanitizerFiber san;
};

Pid spawn_fiber_core(NodeImpl* node, ProcessCore* parent, std::function<void(Process&)> fn,
                     const SpawnOptions& opts, bool link_parent) {
  auto* p = new Process(std::move(fn));
  return spawn_core(node, parent, p, opts, link_parent);
}

}  // namespace fnd::detail

namespace fnd {
using namespace detail;

Process::Process(std::function<void(Process&)> fn) : fn_(std::move(fn)) { flags_ |= kFiber; }

Process::~Process() {
  if (fs_) {
    // A fiber still suspended (node stop): destroying it unwinds its stack here.
    if (fs_->fiber) {
      fs_->san.switch_to_fiber();
      fs_->fiber = ctx::fiber();
      fs_->san.back_from_fiber();
      fs_->san.finished_on_worker();
    }
    delete fs_;
  }
}

RunResult Process::run_turn(Worker&) {
  if (!fs_) {
    fs_ = new FiberState();
    fs_->fiber = ctx::fiber(std::allocator_arg, PoolAllocator{node_->stacks, &fs_->san}, [this](ctx::fiber&& sink) {
      fs_->san.back_in_fiber();
      fs_->sink = std::move(sink);
      ExitReason r;
      try {
        ExitReason pre;
        if (fetch(this, pre)) throw ExitException{pre};
        fn_(*this);
      } catch (const ExitException& e) {
        r = e.reason;
      } catch (const ctx::detail::forced_unwind&) {
        fs_->san.back_in_fiber();
        fs_->san.leave_for_good();
        throw;
      } catch (const std::exception& e) {
        r = ExitReason::error(Error(errc::exception, e.what()));
      } catch (...) {
        r = ExitReason::error(Error(errc::exception, "unknown exception"));
      }
      fs_->reason = std::move(r);
      fs_->action = FiberState::finished;
      fs_->san.leave_for_good();
      return std::move(fs_->sink);
    });
  }
  for (;;) {
    fs_->action = FiberState::none;
    fs_->san.switch_to_fiber();
    fs_->fiber = std::move(fs_->fiber).resume();
    fs_->san.back_from_fiber();
    switch (fs_->action) {
      case FiberState::finished:
        fs_->san.finished_on_worker();
        terminate(this, fs_->reason);
        return RunResult::dead;
      case FiberState::yield: return RunResult::requeue;
      case FiberState::wait: {
        InboxWord expected = kInboxEmpty;
        if (cb_->head.compare_exchange_strong(expected, kInboxBlocked, std::memory_order_acq_rel,
                                              std::memory_order_acquire))
          return RunResult::idle;
        continue;  // messages arrived while it was deciding to wait
      }
      case FiberState::none: return RunResult::requeue;
    }
  }
}

// Switches back to the worker; returns when a worker resumes this fiber (maybe on another thread).
static void suspend(Process* p, FiberState::Action a) {
  FiberState* fs = p->fs_;
  fs->action = a;
  fs->san.switch_to_worker();
  fs->sink = std::move(fs->sink).resume();
  fs->san.back_in_fiber();
}

bool Process::await_more(const Clock::time_point* deadline) {
  for (;;) {
    Message* tail_before = q_tail_;
    if (cb_->head.load(std::memory_order_acquire) != kInboxEmpty) {
      ExitReason r;
      if (fetch(this, r)) throw ExitException{r};
      if (flags_ & kQueueTrimmed) {
        flags_ &= ~kQueueTrimmed;
        q_reset_ = true;
      }
      // Return after any fetch: new data, or a signal that changed state (unmute, timeout, trap).
      (void)tail_before;
      return true;
    }
    if (fs_->timed_out) {
      fs_->timed_out = false;
      return false;
    }
    if (deadline) {
      auto now = Clock::now();
      if (now >= *deadline) {
        if (fs_->armed) {
          timer_cancel(node_, this, fs_->timer);
          fs_->armed = false;
        }
        return false;
      }
      if (!fs_->armed || fs_->armed_deadline != *deadline) {
        if (fs_->armed) timer_cancel(node_, this, fs_->timer);
        fs_->armed = true;
        fs_->armed_deadline = *deadline;
        fs_->armed_token = ++fs_->token;
        fs_->timer = timer_once(node_, this, self(), *deadline - now,
                                make_signal(Sys::timeout, SigTimeout{fs_->armed_token}));
      }
    }
    suspend(this, FiberState::wait);
  }
}

void Process::on_timeout_signal(uint64_t token) noexcept {
  if (fs_ && fs_->armed && token == fs_->armed_token) {
    fs_->armed = false;
    fs_->timed_out = true;
  }
}

void Process::on_taken(Message* m) noexcept {
  on_dequeued(this);
  last_sender_ = m->sender_;
  last_corr_ = (m->flags_ & Message::kRequest) ? m->corr_ : 0;
  last_msg_corr_ = m->corr_;
  if (m->ctx_ || ctx_) adopt_context(this, m->ctx_);
  if (Worker* w = current_worker()) w->handled.store(w->handled.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  if (fs_->armed) {
    timer_cancel(node_, this, fs_->timer);
    fs_->armed = false;
  }
  fs_->timed_out = false;
}

size_t Process::queued() const noexcept {
  size_t n = 0;
  for (Message* m = q_head_; m; m = m->next_) ++n;
  return n;
}

void Process::yield() {
  ExitReason r;
  if (fetch(this, r)) throw ExitException{r};
  suspend(this, FiberState::yield);
  if (fetch(this, r)) throw ExitException{r};
}

void Process::stop(ExitReason reason) { throw ExitException{std::move(reason)}; }
void Process::crash(Error error) { throw ExitException{ExitReason::error(std::move(error))}; }

Result<MessagePtr> Process::call_raw(const Pid& to, Message* req, Duration timeout) {
  if (!to) {
    destroy_message(req);
    return Error(errc::noproc, "call to the null pid");
  }
  uint64_t id = next_request_id();
  MonitorRef mref = monitor(to);
  req->flags_ |= Message::kRequest;
  req->corr_ = id;
  post(this, to, req);
  auto deadline = Clock::now() + timeout;
  Message* m = select_(
      [&](Message& x) {
        return ((x.flags_ & Message::kReply) && x.corr_ == id) || (x.is<Down>() && x.get<Down>().ref == mref);
      },
      &deadline);
  if (!m) {
    demonitor(mref, true);
    extras(this).abandoned_calls.insert(id);
    return Error(errc::timeout, "call to " + to.to_string() + " timed out").with("pid", to.to_string());
  }
  MessagePtr r(m);
  if (!(m->flags_ & Message::kReply)) {
    // The server died. A reply bounced on its behalf may follow the Down: drop it now or on arrival.
    bool found = false;
    Message* prev = nullptr;
    for (Message* x = q_head_; x; prev = x, x = x->next_) {
      if ((x->flags_ & Message::kReply) && x->corr_ == id) {
        if (prev) prev->next_ = x->next_;
        else q_head_ = x->next_;
        if (q_tail_ == x) q_tail_ = prev;
        on_dequeued(this);
        destroy_message(x);
        flags_ |= kQueueTrimmed;
        found = true;
        break;
      }
    }
    if (!found) extras(this).abandoned_calls.insert(id);
    auto& d = m->get<Down>();
    return Error(errc::noproc, "process " + to.to_string() + " exited: " + d.reason.to_string())
        .with("pid", to.to_string());
  }
  demonitor(mref, true);
  return r;
}

}  // namespace fnd

// Internal: the state every process (event-driven actor or fiber) carries. Kept small: an idle actor's
// total footprint (this + the user's fields + the control block) is a first-class target.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "fnd/detail/control_block.hpp"
#include "fnd/error.hpp"
#include "fnd/message.hpp"
#include "fnd/pid.hpp"
#include "fnd/request_context.hpp"
#include "fnd/spawn.hpp"
#include "fnd/timer.hpp"

namespace fnd {
class Node;
class Process;
class Ref;
namespace detail {

class NodeImpl;
class Worker;
struct Extras;  // lazily allocated: links, monitors, timers, pending exit, ...

enum class RunResult : uint8_t { idle, requeue, dead };

enum ProcessFlags : uint32_t {
  kStarted = 1u << 0,
  kTrapExit = 1u << 1,
  kDead = 1u << 2,
  kMuted = 1u << 3,
  kStopRequested = 1u << 4,
  kFiber = 1u << 5,
  kHasTimers = 1u << 6,
  kRegistered = 1u << 7,
  kSupervisor = 1u << 8,
  kTrapLinkedOnly = 1u << 9,  // trap_exit covers linked exits only (Context::trap_linked_exits_only)
  kHeld = 1u << 10,           // an actor that takes no more messages (Context::hold_messages)
  // A C actor's fnd_crash: its error is the stop reason, which a later fnd_stop does not replace.
  // (The only stop reason other than normal a C actor can have: fnd_stop needs no Extras.)
  kCrashPending = 1u << 11,
};

class ProcessCore {
 public:
  ProcessCore() = default;
  ProcessCore(const ProcessCore&) = delete;
  ProcessCore& operator=(const ProcessCore&) = delete;
  virtual ~ProcessCore();

  // Runs one scheduling turn on worker `w` (runtime internal).
  virtual RunResult run_turn(Worker& w) = 0;

  ControlBlock* cb_ = nullptr;   // own control block (holds one reference)
  NodeImpl* node_ = nullptr;
  Message* q_head_ = nullptr;    // private FIFO of delivered data messages
  Message* q_tail_ = nullptr;
  Message* current_ = nullptr;   // message being handled (actors)
  Extras* ext_ = nullptr;
  ProcessCore* live_prev_ = nullptr;  // node's list of live processes (for stop())
  ProcessCore* live_next_ = nullptr;
  uint32_t flags_ = 0;
  uint32_t credits_ = 0;         // extra references to cb_ held for the sender field of outgoing messages
  ContextData* ctx_ = nullptr;   // request context in effect for sends (one reference), or null
};

// Process objects in whole cache lines: the size rounded up to 64 bytes, from the runtime's block pool
// (msg_alloc.cpp), which aligns such blocks to 64 bytes (128 for multiples of 128), up to 256 bytes;
// larger ones, and every one in sanitizer builds, come from malloc (16-aligned). The fields a
// process's worker writes on every message then share no line with another process's, which another
// worker writes. Used for the actors of generated code (fnd::lang::Actor, the C ABI's actors); `size`
// must be the same for both calls.
void* alloc_process(size_t size);
void free_process(void* p, size_t size) noexcept;

// ---- runtime entry points used by the header templates ----
ProcessCore* current_process() noexcept;     // the process running on this thread, or nullptr
NodeImpl* current_node() noexcept;           // its node, or nullptr
Node& node_of(NodeImpl* n) noexcept;

// Sends `m` (ownership taken). `from` may be null (no sender). Sends to a dead/null pid drop `m`.
void post(ProcessCore* from, const Pid& to, Message* m);
Result<void> try_post(ProcessCore* from, const Pid& to, Message* m);
void post_ref(NodeImpl* node, ProcessCore* from, const Ref& to, Message* m);
// Request/reply correlation.
uint64_t next_request_id() noexcept;
void reply_to(ProcessCore* from, const Pid& to, uint64_t corr, Message* m);

// Registers `p` (already constructed) as a new process and schedules it.
Pid spawn_core(NodeImpl* node, ProcessCore* parent, ProcessCore* p, const SpawnOptions& opts, bool link_parent);
Pid spawn_fiber_core(NodeImpl* node, ProcessCore* parent, std::function<void(Process&)> fn,
                     const SpawnOptions& opts, bool link_parent);

TimerRef timer_once(NodeImpl* node, ProcessCore* owner, const Pid& to, Duration delay, Message* m);
TimerRef timer_periodic(NodeImpl* node, ProcessCore* owner, const Pid& to, Duration period,
                        std::function<Message*()> make);
bool timer_cancel(NodeImpl* node, ProcessCore* owner, TimerRef t);

// Thrown to unwind a process (crash(), stop() in a fiber, a kill observed at a yield point).
struct ExitException {
  ExitReason reason;
};

}  // namespace detail
}  // namespace fnd

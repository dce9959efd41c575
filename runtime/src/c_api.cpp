// The C ABI (fnd/runtime.h) over the C++ runtime. C actors are fnd::Actor subclasses whose state is
// allocated inline after the object; C message types get a TypeInfo each (created on first use) and travel
// in envelopes whose payload follows the header at the type's alignment.
#include "fnd/runtime.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <utility>

#include "fnd/c_interop.hpp"
#include "fnd/fnd.hpp"
#include "actor_turn.hpp"
#include "c_envelope.hpp"
#include "c_spawn.hpp"
#include "c_values_internal.hpp"
#include "internal.hpp"
#include "msg_alloc_cache.hpp"

using namespace fnd;
using namespace fnd::detail;

struct fnd_node {
  explicit fnd_node(NodeOptions o) : node(std::move(o)) {}
  Node node;
};

Node& fnd::node_from_c(fnd_node* n) noexcept { return n->node; }
namespace fnd::detail {
CChildStart c_wrap_child_start(CChildStart start);  // c_interop.cpp
}


namespace {
thread_local std::string t_err_code, t_err_msg;

void set_error(const Error& e) {
  t_err_code = e.code;
  t_err_msg = e.message;
}
// The error of a failed spawn, out of line: the spawn path itself then builds no strings and needs
// no large stack frame.
[[gnu::noinline, gnu::cold]] void set_spawn_error(const char* code, const char* message) {
  set_error(Error(code, message));
}
[[gnu::noinline, gnu::cold]] void set_init_error(const fnd_actor_class* cls) {
  set_error(Error(errc::start_failed, std::string(cls->name ? cls->name : "actor") + ": init failed"));
}
fnd_status status_of(const Error& e) {
  set_error(e);
  if (e.code == errc::noproc) return FND_ERR_NOPROC;
  if (e.code == errc::mailbox_full) return FND_ERR_MAILBOX_FULL;
  if (e.code == errc::name_taken) return FND_ERR_NAME_TAKEN;
  if (e.code == errc::not_found) return FND_ERR_NOT_FOUND;
  if (e.code == errc::timeout) return FND_ERR_TIMEOUT;
  if (e.code == errc::badarg) return FND_ERR_BADARG;
  if (e.code == errc::start_failed) return FND_ERR_START_FAILED;
  return FND_ERR_OTHER;
}
fnd_status status_of(const Result<void>& r) { return r ? FND_OK : status_of(r.error()); }

inline Pid borrow(fnd_pid p) { return Pid::share(reinterpret_cast<ControlBlock*>(p)); }
inline fnd_pid handle(const Pid& p) { return reinterpret_cast<fnd_pid>(p.control_block()); }
inline fnd_pid owned(Pid p) { return reinterpret_cast<fnd_pid>(p.detach()); }

size_t align_of(const fnd_type* t) { return t->align ? t->align : alignof(std::max_align_t); }

// ---- C message envelopes (c_envelope.hpp) ----
// Alignments are powers of two: masks, not divisions.
size_t header_size(const fnd_type* t) {
  const size_t a = align_of(t);
  return (sizeof(CMessage) + a - 1) & ~(a - 1);
}
// Pooled size class of an envelope, as TypedMessage's (detail::block_class); >= 32: not pooled.
size_t c_class(const fnd_type* t, size_t total) {
  const size_t g = align_of(t) > 8 ? 16 : 8;
  return (((total < 16 ? 16 : total) + g - 1) & ~(g - 1)) / 8 - 1;
}
[[gnu::always_inline]] inline void* c_alloc(const CTypeInfo& ci) {
  return ci.cls < msg_pool::kClasses ? msg_pool::alloc_block_inline(ci.cls) : alloc_message(ci.total);
}
void* c_payload(Message* m) noexcept { return reinterpret_cast<char*>(m) + c_info(m).header; }
void c_destroy(Message* m) noexcept {
  const CTypeInfo& ci = c_info(m);
  if (ci.value_destroy) ci.value_destroy(reinterpret_cast<char*>(m) + ci.header);
  static_cast<CMessage*>(m)->~CMessage();
  if (ci.cls < msg_pool::kClasses) msg_pool::free_block_inline(m, ci.cls);
  else free_message(m, ci.total);
}
// The common case, chosen once per type: a pooled envelope whose value owns nothing. One function
// per size class, so that the class is a constant (as in a C++ TypedMessage's destroy) and freeing
// reads nothing of the type.
template <size_t Class>
void c_destroy_pooled_trivial(Message* m) noexcept {
  static_cast<CMessage*>(m)->~CMessage();
  msg_pool::free_block_inline(m, Class);
}
template <size_t... Class>
constexpr std::array<void (*)(Message*) noexcept, sizeof...(Class)> pooled_trivial_destroys(
    std::index_sequence<Class...>) {
  return {&c_destroy_pooled_trivial<Class>...};
}
constexpr auto kPooledTrivialDestroy = pooled_trivial_destroys(std::make_index_sequence<msg_pool::kClasses>());

// A C type's envelope geometry and destroy function, built in `mem` (heap, or the program's storage:
// fnd_msg_class_init).
CTypeInfo* make_type_info(const fnd_type* t, void* mem) {
  const size_t header = header_size(t), total = header + t->size, cls = c_class(t, total);
  auto* destroy = cls < msg_pool::kClasses && !t->destroy ? kPooledTrivialDestroy[cls] : &c_destroy;
  return new (mem) CTypeInfo{{t->name ? t->name : "c-type", &c_payload, destroy, t}, header, total, cls, t->destroy};
}
static_assert(sizeof(CTypeInfo) <= FND_MSG_CLASS_SIZE && alignof(CTypeInfo) <= 8,
              "FND_MSG_CLASS_SIZE (fnd/runtime.h) must hold a CTypeInfo");

// Every C type's class, made on first use, or registered by the program with its own storage.
std::mutex g_types_mu;
std::unordered_map<const fnd_type*, CTypeInfo*>& types() {
  static auto* map = new std::unordered_map<const fnd_type*, CTypeInfo*>();
  return *map;
}

[[gnu::noinline]] const CTypeInfo* info_for_slow(const fnd_type* t) {
  std::lock_guard<std::mutex> g(g_types_mu);
  auto& slot = types()[t];
  if (!slot) slot = make_type_info(t, ::operator new(sizeof(CTypeInfo)));
  return slot;
}

const CTypeInfo* register_type_info(const fnd_type* t, void* storage, size_t size) {
  if (size < sizeof(CTypeInfo) || reinterpret_cast<uintptr_t>(storage) % alignof(CTypeInfo) != 0) {
    std::fprintf(stderr, "fnd: fnd_msg_class_init: storage for message type '%s' is %zu bytes at %p; this runtime needs %zu bytes aligned to %zu (rebuild the program with this runtime's fndc)\n",
                 t->name ? t->name : "?", size, storage, sizeof(CTypeInfo), alignof(CTypeInfo));
    std::abort();
  }
  std::lock_guard<std::mutex> g(g_types_mu);
  auto& slot = types()[t];
  if (slot) {
    std::fprintf(stderr, "fnd: fnd_msg_class_init: message type '%s' already has a class\n", t->name ? t->name : "?");
    std::abort();
  }
  slot = make_type_info(t, storage);
  return slot;
}
// Every C send looks its type up: a per-thread direct-mapped cache keeps the shared table's mutex
// off that path (entries are never removed, so a cached TypeInfo stays valid).
struct TypeCacheEntry {
  const fnd_type* key;
  const CTypeInfo* info;
};
thread_local TypeCacheEntry t_type_cache[64] = {};
[[gnu::always_inline]] inline const CTypeInfo& info_for(const fnd_type* t) {
  const auto h = reinterpret_cast<uintptr_t>(t);
  TypeCacheEntry& e = t_type_cache[((h >> 4) ^ (h >> 10)) & 63];
  if (e.key != t) [[unlikely]] e = {t, info_for_slow(t)};
  return *e.info;
}

// Moves `value` into a new envelope.
[[gnu::always_inline]] inline Message* make_c_message(const fnd_type* t, void* value) {
  const CTypeInfo& ci = info_for(t);
  void* mem = c_alloc(ci);
  auto* m = new (mem) CMessage();
  m->type_ = &ci;
  void* dst = static_cast<char*>(mem) + ci.header;
  if (t->move) t->move(dst, value);
  else if (t->size) std::memcpy(dst, value, t->size);
  return m;
}
Message* copy_c_message(const fnd_type* t, const void* value) {
  const CTypeInfo& ci = info_for(t);
  void* mem = c_alloc(ci);
  auto* m = new (mem) CMessage();
  m->type_ = &ci;
  if (t->copy) t->copy(c_payload(m), value);
  else if (t->size) std::memcpy(c_payload(m), value, t->size);
  return m;
}

fnd_exit_reason to_c(const ExitReason& r) {
  fnd_exit_reason c{static_cast<fnd_exit_kind>(r.kind()), nullptr, nullptr};
  if (auto* e = r.error_value()) {
    c.code = e->code.c_str();
    c.message = e->message.c_str();
  }
  return c;
}
ExitReason from_c(fnd_exit_kind k, const char* code, const char* msg) {
  switch (k) {
    case FND_EXIT_NORMAL: return ExitReason::normal();
    case FND_EXIT_SHUTDOWN: return ExitReason::shutdown();
    case FND_EXIT_KILL: return ExitReason::kill();
    case FND_EXIT_KILLED: return ExitReason::killed();
    case FND_EXIT_NOPROC: return ExitReason::noproc();
    case FND_EXIT_ERROR: break;
  }
  return ExitReason::error(code ? code : "error", msg ? msg : "");
}

// ---- C++ messages arriving at C actors (extern actors' replies): converted to records ----
struct Bridge {
  const TypeInfo* native;
  const fnd_type* type;
  fnd_from_native_fn convert;
  const Bridge* next;
};
// Prepend-only list, read without a lock (registration happens at start-up, before the node runs,
// but may race with nothing that removes).
std::atomic<const Bridge*> g_bridges{nullptr};
const Bridge* bridge_for(const TypeInfo* native) {
  for (const Bridge* b = g_bridges.load(std::memory_order_acquire); b; b = b->next)
    if (b->native == native) return b;
  return nullptr;
}
// A new envelope holding the record of `m`'s payload, with m's sender and request id.
Message* from_native(const Bridge* b, Message& m) {
  const CTypeInfo& ci = info_for(b->type);
  void* mem = c_alloc(ci);
  auto* c = new (mem) CMessage();
  c->type_ = &ci;
  b->convert(c_payload(c), m.data());
  c->sender_ = m.sender_;
  c->corr_ = m.corr_;
  c->flags_ = m.flags_;
  return c;
}

// ---- C actors ----
// Layout: the Actor base, the class, then the state at a fixed offset (alignments up to
// alignof(max_align_t), checked at spawn; the offset is FND_CTX_STATE_OFFSET of the C ABI). What
// few C actors need (society membership, the monitor table, a pending crash's error: its flag is
// kCrashPending) lives with the process's lazily allocated Extras. A C actor is exactly as large as
// a C++ back end actor with the same fields (a larger actor spreads its hot lines over more cache
// lines and malloc size classes: chameneos with two workers ran 1.5x slower with 344-byte C actors,
// thread ring 2.5% slower with 24 bytes more per actor).
class CActor final : public Actor {
 public:
  // Every C actor is made here (spawn, supervised children, pools): NULL with the error set for a
  // class the runtime cannot run (badarg) or whose init fails (start_failed).
  [[gnu::always_inline]] static CActor* create(const fnd_actor_class* cls, const void* arg) {
    CActor* p = allocate(cls);
    if (p && cls->init && cls->init(p->state(), arg) != 0) [[unlikely]] {
      p->discard();
      set_init_error(cls);
      return nullptr;
    }
    return p;
  }
  // A process of class `cls` whose state is not constructed yet (create, c_actor_make): NULL with
  // the error set for a class the runtime cannot run.
  [[gnu::always_inline]] static CActor* allocate(const fnd_actor_class* cls) {
    if (!c_class_runnable(cls)) [[unlikely]] {
      c_actor_refuse(cls);
      return nullptr;
    }
    return make(cls);
  }
  [[gnu::always_inline]] static CActor* make(const fnd_actor_class* cls) {
    return new (alloc_process(object_size(cls))) CActor(cls);
  }
  // Frees a process that never ran, without the class's destroy callback (its state was not
  // constructed): create's init failure, fnd_actor_discard.
  void discard() {
    const size_t size = object_size(cls_);
    cls_ = nullptr;  // no destroy callback
    this->~CActor();
    free_process(this, size);
  }
  // In whole cache lines, as a C++ back end actor (alloc_process); its size is the class's, read
  // before the object is destroyed.
  static void operator delete(CActor* p, std::destroying_delete_t) {
    const size_t size = object_size(p->cls_);
    p->~CActor();
    free_process(p, size);
  }
  ~CActor() override {
    if (cls_ && cls_->destroy) cls_->destroy(state());
  }
  // A crash (fnd_crash) is a stop request with the error as its reason, which run_turn takes when
  // the callback returns: the receive path below is a tail call with nothing to check afterwards.
  void on_start() override {
    if (cls_->start) cls_->start(ctx(), state());
  }
  // A class with a receive callback: the turn calls it for each message straight from its loop, with
  // the callback loaded once per turn (actor_turn.hpp), so a C actor pays one indirect call per message,
  // as a C++ actor does for its virtual on_message.
  RunResult run_turn(Worker& w) override {
    if (auto receive = cls_->receive) [[likely]]
      return actor_turn(*this, w, [this, receive](Message& m) { receive(ctx(), reinterpret_cast<fnd_msg*>(&m)); });
    return Actor::run_turn(w);
  }
  // The turn of a class without a receive callback (Actor::run_turn) calls this for each message.
  void on_message(Message& m) override { deliver_data(m); }
  // Every message of a class without `receive`, and what a `receive` callback passes on
  // (fnd_msg_deliver).
  void deliver_data(Message& m) {
    if (m.type_->c_type) [[likely]] deliver(m);  // a C message: straight to the class (no detour)
    else on_other_message(m);
  }
  // Where the state starts: right after the CActor, rounded to alignof(max_align_t) (a constant,
  // FND_CTX_STATE_OFFSET in the C ABI).
  static constexpr size_t state_offset() {
    constexpr size_t a = alignof(std::max_align_t);
    return (sizeof(CActor) + a - 1) & ~(a - 1);
  }
  void on_stop(const ExitReason& r) override {
    if (cls_->stop) {
      fnd_exit_reason c = to_c(r);
      cls_->stop(ctx(), state(), &c);
    }
  }
  // The bytes of a C actor of class `c`: the object, then its state (what alloc_process is given).
  static size_t object_size(const fnd_actor_class* c) { return state_offset() + c->state_size; }
  fnd_ctx* ctx() { return reinterpret_cast<fnd_ctx*>(this); }
  void* state() { return reinterpret_cast<char*>(this) + state_offset(); }
  // fnd_crash: raised when the callback returns (a later fnd_stop does not replace it; the last
  // crash's error is the exit reason).
  void set_pending_crash(Error e) {
    flags_ |= kCrashPending;
    stop(ExitReason::error(std::move(e)));
  }
  bool crash_is_pending() const { return flags_ & kCrashPending; }
  const CMembership* membership() const {
    const CExtras* x = c_extras_if_any();
    return x ? x->membership.get() : nullptr;
  }
  fnd_monitors** monitors() { return &c_extras().monitors; }

 private:
  // What few C actors need: the extension of their Extras (allocated on first use, freed when the
  // process terminates).
  struct CExtras final : ProcessExtension {
    std::unique_ptr<CMembership> membership;  // society members only
    fnd_monitors* monitors = nullptr;         // fnd_ctx_monitors: the language's monitor table
    ~CExtras() override { fnd_monitors_free(monitors); }
  };
  explicit CActor(const fnd_actor_class* c) : cls_(c) {
    trap_linked_exits_only();  // as the C++ back end's actors: a supervisor's stop is not trapped
    CMembership m = c_take_pending_membership();
    if (m.society) c_extras().membership = std::make_unique<CMembership>(std::move(m));
  }
  // A class with only a message callback, reached the same way as one with message_data.
  static void via_message(fnd_ctx* ctx, void* state, fnd_msg* msg, const fnd_type*, void*) {
    reinterpret_cast<CActor*>(ctx)->cls_->message(ctx, state, msg);
  }
  decltype(fnd_actor_class::message_data) data_fn() const {
    return cls_->message_data ? cls_->message_data : &via_message;
  }
  CExtras& c_extras() {
    Extras& e = extras(this);
    if (!e.extension) e.extension = std::make_unique<CExtras>();
    return static_cast<CExtras&>(*e.extension);
  }
  const CExtras* c_extras_if_any() const {
    return ext_ && ext_->extension ? static_cast<const CExtras*>(ext_->extension.get()) : nullptr;
  }
  // To the class's message_data callback with the C type and payload at hand (the generated
  // dispatch then makes no call to find them), else (via_message) to its message callback.
  [[gnu::always_inline]] void deliver(Message& m) {
    auto* msg = reinterpret_cast<fnd_msg*>(&m);
    const TypeInfo* t = m.type_;
    if (t->c_type) data_fn()(ctx(), state(), msg, t->c_type, reinterpret_cast<char*>(&m) + c_info(&m).header);
    else data_fn()(ctx(), state(), msg, nullptr, nullptr);
  }
  // Runtime messages and C++ messages (no C type). Out of line: the path above stays light.
  [[gnu::noinline]] void on_other_message(Message& m) {
    if (on_native_message(m)) return;
    deliver(m);
  }
  // A bridged C++ message (an extern actor's reply): delivered as its record; false for others.
  [[gnu::noinline]] bool on_native_message(Message& m) {
    const Bridge* b = bridge_for(m.type_);
    if (!b) return false;
    Message* c = from_native(b, m);
    deliver(*c);
    destroy_message(c);
    return true;
  }
  const fnd_actor_class* cls_;
};

inline CActor* actor(fnd_ctx* c) { return reinterpret_cast<CActor*>(c); }

// The layout a class's receive callback relies on (fnd/runtime.h): a change here is an ABI change.
static_assert(CActor::state_offset() == FND_CTX_STATE_OFFSET);
static_assert(offsetof(Message, type_) == FND_MSG_CLASS_OFFSET);
static_assert(sizeof(CMessage) == FND_MSG_HEADER);

SpawnOptions to_opts(const fnd_spawn_opts* o) {
  SpawnOptions s;
  if (!o) return s;
  s.mailbox.capacity = o->mailbox_capacity;
  s.mailbox.policy = static_cast<OverflowPolicy>(o->overflow);
  if (o->name) s.name = o->name;
  s.trap_exit = o->trap_exit != 0;
  return s;
}

// Spawn options that say nothing (the common case: every `spawn` of an actor without a mailbox
// declaration): one shared SpawnOptions (kNoSpawnOptions) instead of building and destroying one
// per spawn.
bool default_opts(const fnd_spawn_opts* o) {
  return !o || (!o->mailbox_capacity && !o->overflow && !o->name && !o->trap_exit);
}

// A spawn with options (a bounded mailbox, a name, trap_exit): out of line, so that the common
// spawn builds no SpawnOptions.
[[gnu::noinline]] Pid spawn_with_opts(NodeImpl* node, ProcessCore* parent, ProcessCore* a, const fnd_spawn_opts* o,
                                      bool link) {
  return spawn_core(node, parent, a, to_opts(o), link);
}

// Starts a made C actor (spawn_core destroys it when it cannot start). Inlined into its callers: a
// spawn is then one call into the runtime before spawn_core.
[[gnu::always_inline]] inline fnd_pid start_c(NodeImpl* node, ProcessCore* parent, ProcessCore* a,
                                              const fnd_spawn_opts* o, bool link) {
  Pid p = default_opts(o) ? spawn_core(node, parent, a, kNoSpawnOptions, link) : spawn_with_opts(node, parent, a, o, link);
  if (!p) [[unlikely]] return c_spawn_refused();
  return owned(std::move(p));
}

[[gnu::always_inline]] inline fnd_pid spawn_c(NodeImpl* node, ProcessCore* parent, const fnd_actor_class* cls,
                                              const void* arg, const fnd_spawn_opts* o, bool link) {
  CActor* a = CActor::create(cls, arg);  // error set when NULL
  if (!a) [[unlikely]] return nullptr;
  return start_c(node, parent, a, o, link);
}

}  // namespace

namespace fnd::detail {
const SpawnOptions kNoSpawnOptions;
ProcessCore* c_actor_make(const fnd_actor_class* cls) { return CActor::make(cls); }
void* c_actor_refuse(const fnd_actor_class* cls) {
  set_spawn_error(errc::badarg, !cls                                       ? "null actor class"
                                : !cls->message && !cls->message_data ? "actor class without a message callback"
                                                                      : "actor class state_align above alignof(max_align_t)");
  return nullptr;
}
fnd_pid c_actor_start(ProcessCore* parent, ProcessCore* child, const fnd_spawn_opts* o) {
  return start_c(parent->node_, parent, child, o, o && o->link);
}
void c_actor_discard(ProcessCore* p) { static_cast<CActor*>(static_cast<Actor*>(p))->discard(); }
fnd_pid c_spawn_refused() {
  set_spawn_error(errc::start_failed, "spawn failed (name taken or node stopping)");
  return nullptr;
}
}  // namespace fnd::detail

namespace {

Shutdown shutdown_of(fnd_shutdown_kind shutdown, uint32_t shutdown_ms) {
  return shutdown == FND_SHUTDOWN_BRUTAL_KILL ? Shutdown::brutal()
         : shutdown == FND_SHUTDOWN_INFINITY  ? Shutdown::infinite()
                                              : Shutdown::after(std::chrono::milliseconds(shutdown_ms));
}

// A native actor from its factory; NULL (error set) when the factory fails.
Actor* make_native(fnd_native_make_fn make, const void* arg) {
  auto* a = static_cast<Actor*>(make ? make(arg) : nullptr);
  if (!a) set_error(Error(errc::start_failed, "extern actor: construction failed"));
  return a;
}

}  // namespace

[[gnu::noinline, gnu::cold]] fnd_status fnd::detail::c_reply_nobody(Message* m) {
  destroy_message(m);
  return status_of(Error(errc::noproc, "no sender to reply to"));
}

// A message to a named ref or the null ref: the name's process now, else dropped.
void fnd::detail::c_ref_post_slow(fnd_ctx* ctx, const fnd_ref* to, Message* m) {
  Pid p;
  if (ref_is_name(to)) p = actor(ctx)->whereis(to->ref.name());
  if (!p) {
    destroy_message(m);
    return;
  }
  post(sender_of(ctx), p, m);
}

namespace fnd::detail {
Actor* c_new_actor(const fnd_actor_class* cls, fnd_native_make_fn make, const void* arg);
}

extern "C" {

uint32_t fnd_abi_version(void) { return FND_ABI_VERSION; }
const char* fnd_runtime_version(void) { return runtime_version_string(); }
const char* fnd_last_error_code(void) { return t_err_code.c_str(); }
const char* fnd_last_error_message(void) { return t_err_msg.c_str(); }
void fnd_set_last_error(const char* code, const char* message) {
  t_err_code = code ? code : "";
  t_err_msg = message ? message : "";
}

fnd_node* fnd_node_new(const fnd_node_options* o) {
  NodeOptions n;
  if (o) {
    n.threads = o->threads;
    if (o->name) n.name = o->name;
    if (o->log_level >= 0) n.log_level = static_cast<log::Level>(o->log_level);
    n.node_id = o->node_id;
    if (o->stop_grace_ms) n.stop_grace = std::chrono::milliseconds(o->stop_grace_ms);
    if (o->throughput) n.throughput = o->throughput;
  }
  return new fnd_node(std::move(n));
}
void fnd_node_free(fnd_node* node) { delete node; }
int fnd_node_run(fnd_node* node) { return node->node.run(); }
void fnd_node_set_root(fnd_node* node, fnd_pid root) { node->node.set_root(borrow(root)); }
void fnd_node_shutdown(fnd_node* node, int code) { node->node.shutdown(code); }
int fnd_node_shutdown_code(fnd_node* node, int* code) {
  const std::optional<int> c = node->node.shutdown_code();
  if (c && code) *code = *c;
  return c ? 1 : 0;
}
void fnd_shutdown(fnd_ctx* ctx, int code) {
  actor(ctx)->hold_messages();
  actor(ctx)->node().shutdown(code);
}
void fnd_node_stop(fnd_node* node) { node->node.stop(); }
size_t fnd_node_process_count(fnd_node* node) { return node->node.process_count(); }
fnd_node* fnd_ctx_node(fnd_ctx* ctx) {
  // The facade Node is the first member of fnd_node.
  return reinterpret_cast<fnd_node*>(&actor(ctx)->node());
}

fnd_pid fnd_pid_retain(fnd_pid pid) {
  retain(reinterpret_cast<ControlBlock*>(pid));
  return pid;
}
void fnd_pid_release(fnd_pid pid) { release(reinterpret_cast<ControlBlock*>(pid)); }
uint64_t fnd_pid_id(fnd_pid pid) { return pid ? reinterpret_cast<ControlBlock*>(pid)->id : 0; }
uint32_t fnd_pid_node(fnd_pid pid) { return pid ? reinterpret_cast<ControlBlock*>(pid)->node : 0; }
int fnd_pid_equal(fnd_pid a, fnd_pid b) { return a == b; }
int fnd_pid_alive(fnd_pid pid) { return borrow(pid).alive(); }
size_t fnd_pid_format(fnd_pid pid, char* buf, size_t cap) {
  std::string s = borrow(pid).to_string();
  if (buf && cap) {
    size_t n = s.size() < cap - 1 ? s.size() : cap - 1;
    std::memcpy(buf, s.data(), n);
    buf[n] = 0;
  }
  return s.size();
}

fnd_pid fnd_spawn(fnd_ctx* ctx, const fnd_actor_class* cls, const void* arg, const fnd_spawn_opts* o) {
  CActor* self = actor(ctx);
  return spawn_c(self->node_, self, cls, arg, o, o && o->link);
}
fnd_pid fnd_node_spawn(fnd_node* node, const fnd_actor_class* cls, const void* arg, const fnd_spawn_opts* o) {
  return spawn_c(node->node.impl(), nullptr, cls, arg, o, false);
}

fnd_pid fnd_spawn_native(fnd_ctx* ctx, fnd_node* node, fnd_native_make_fn make, const void* arg,
                         const fnd_spawn_opts* o) {
  Actor* a = make_native(make, arg);
  if (!a) return nullptr;
  Pid p = ctx ? spawn_core(actor(ctx)->node_, actor(ctx), a, to_opts(o), o && o->link)
              : spawn_core(node->node.impl(), nullptr, a, to_opts(o), false);
  if (!p) set_error(Error(errc::start_failed, "spawn failed (name taken or node stopping)"));
  return owned(std::move(p));
}

void fnd_bridge_native_type(const void* native_type, const fnd_type* type, fnd_from_native_fn convert) {
  auto* b = new Bridge{static_cast<const TypeInfo*>(native_type), type, convert, nullptr};
  const Bridge* head = g_bridges.load(std::memory_order_relaxed);
  do b->next = head;
  while (!g_bridges.compare_exchange_weak(head, b, std::memory_order_release, std::memory_order_relaxed));
}

void* fnd_state(fnd_ctx* ctx) { return actor(ctx)->state(); }

fnd_status fnd_send(fnd_ctx* ctx, fnd_pid to, const fnd_type* type, void* value) {
  post(sender_of(ctx), PidView(to), make_c_message(type, value));
  return FND_OK;
}
fnd_status fnd_try_send(fnd_ctx* ctx, fnd_pid to, const fnd_type* type, void* value) {
  return status_of(try_post(sender_of(ctx), PidView(to), make_c_message(type, value)));
}
fnd_status fnd_send_name(fnd_ctx* ctx, const char* name, const fnd_type* type, void* value) {
  CActor* a = actor(ctx);
  Pid p = a->whereis(name);
  Message* m = make_c_message(type, value);
  if (!p) {
    destroy_message(m);
    return status_of(Error(errc::noproc, std::string("no process registered as ") + name));
  }
  post(a, p, m);
  return FND_OK;
}
fnd_status fnd_node_send(fnd_node*, fnd_pid to, const fnd_type* type, void* value) {
  post(nullptr, PidView(to), make_c_message(type, value));
  return FND_OK;
}
fnd_status fnd_reply(fnd_ctx* ctx, const fnd_type* type, void* value) {
  return c_reply(actor(ctx), make_c_message(type, value));
}

const fnd_msg_class* fnd_msg_class_of(const fnd_type* type) {
  return reinterpret_cast<const fnd_msg_class*>(info_for_slow(type));
}
const fnd_msg_class* fnd_msg_class_init(const fnd_type* type, void* storage, size_t size) {
  return reinterpret_cast<const fnd_msg_class*>(register_type_info(type, storage, size));
}
}  // extern "C"
// fnd_msg_alloc's slow path (c_api_inline.cpp): large envelopes, an empty per-thread list, the
// sanitizer build.
void* fnd::detail::c_msg_alloc_slow(const CTypeInfo& ci) { return c_init_envelope(ci, c_alloc(ci)); }

extern "C" {

void fnd_msg_free(const fnd_msg_class* cls, void* payload) { destroy_message(c_envelope(cls, payload)); }

void fnd_msg_deliver(fnd_ctx* ctx, fnd_msg* msg) { actor(ctx)->deliver_data(*reinterpret_cast<Message*>(msg)); }
const fnd_type* fnd_msg_type(fnd_msg* msg) { return reinterpret_cast<Message*>(msg)->type_->c_type; }
void* fnd_msg_data(fnd_msg* msg) {
  auto* m = reinterpret_cast<Message*>(msg);
  if (m->type_->c_type) return reinterpret_cast<char*>(m) + c_info(m).header;  // no indirect call
  return m->data();
}
fnd_pid fnd_msg_sender(fnd_msg* msg) { return handle(reinterpret_cast<Message*>(msg)->sender_); }
int fnd_msg_is_request(fnd_msg* msg) { return reinterpret_cast<Message*>(msg)->is_request(); }
int fnd_msg_is_exit(fnd_msg* msg, fnd_pid* from, fnd_exit_reason* reason) {
  auto* m = reinterpret_cast<Message*>(msg);
  if (!m->is<Exit>()) return 0;
  auto& e = m->get<Exit>();
  if (from) *from = handle(e.from);
  if (reason) *reason = to_c(e.reason);
  return 1;
}
int fnd_msg_is_down(fnd_msg* msg, fnd_monitor_ref* ref, fnd_pid* pid, fnd_exit_reason* reason) {
  auto* m = reinterpret_cast<Message*>(msg);
  if (!m->is<Down>()) return 0;
  auto& d = m->get<Down>();
  if (ref) *ref = d.ref.id;
  if (pid) *pid = handle(d.pid);
  if (reason) *reason = to_c(d.reason);
  return 1;
}

void fnd_link(fnd_ctx* ctx, fnd_pid other) { actor(ctx)->link(borrow(other)); }
void fnd_unlink(fnd_ctx* ctx, fnd_pid other) { actor(ctx)->unlink(borrow(other)); }
fnd_monitor_ref fnd_monitor(fnd_ctx* ctx, fnd_pid other) { return actor(ctx)->monitor(borrow(other)).id; }
int fnd_demonitor(fnd_ctx* ctx, fnd_monitor_ref ref) { return actor(ctx)->demonitor(MonitorRef{ref}); }
void fnd_trap_exit(fnd_ctx* ctx, int on) { actor(ctx)->trap_exit(on != 0); }
void fnd_exit(fnd_ctx* ctx, fnd_node* node, fnd_pid to, fnd_exit_kind kind, const char* code, const char* message) {
  ExitReason r = from_c(kind, code, message);
  if (ctx) actor(ctx)->exit(borrow(to), std::move(r));
  else if (node) node->node.exit(borrow(to), std::move(r));
}
void fnd_crash(fnd_ctx* ctx, const char* code, const char* message) {
  actor(ctx)->set_pending_crash(Error(code ? code : errc::crash, message ? message : ""));
}
int fnd_crash_pending(fnd_ctx* ctx) { return actor(ctx)->crash_is_pending() ? 1 : 0; }
fnd_monitors** fnd_ctx_monitors(fnd_ctx* ctx) { return actor(ctx)->monitors(); }

fnd_timer_ref fnd_send_after(fnd_ctx* ctx, uint64_t delay_ms, fnd_pid to, const fnd_type* type, void* value) {
  CActor* a = actor(ctx);
  return timer_once(a->node_, a, borrow(to), std::chrono::milliseconds(delay_ms), make_c_message(type, value)).id;
}
fnd_timer_ref fnd_send_every(fnd_ctx* ctx, uint64_t period_ms, fnd_pid to, const fnd_type* type, void* value) {
  CActor* a = actor(ctx);
  // The prototype value lives in an envelope owned by the factory; each tick sends a copy.
  std::shared_ptr<Message> proto(make_c_message(type, value), [](Message* m) { destroy_message(m); });
  return timer_periodic(a->node_, a, borrow(to), std::chrono::milliseconds(period_ms),
                        [proto, type]() { return copy_c_message(type, c_payload(proto.get())); })
      .id;
}
int fnd_cancel_timer(fnd_ctx* ctx, fnd_timer_ref ref) { return actor(ctx)->cancel_timer(TimerRef{ref}); }

fnd_status fnd_register(fnd_node* node, const char* name, fnd_pid pid) {
  return status_of(node->node.register_name(name ? name : "", borrow(pid)));
}
int fnd_unregister(fnd_node* node, const char* name) { return node->node.unregister_name(name ? name : ""); }
fnd_pid fnd_whereis(fnd_node* node, const char* name) { return owned(node->node.whereis(name ? name : "")); }
size_t fnd_mailbox_depth(fnd_node* node, fnd_pid pid) { return node->node.mailbox_depth(borrow(pid)); }

void fnd_log(int level, const char* text) { log::write(static_cast<log::Level>(level), text ? text : ""); }
void fnd_set_log_level(int level) { log::set_level(static_cast<log::Level>(level)); }
void fnd_emit(const char* event, const char* const* keys, const double* values, size_t count) {
  telemetry::Measurements m;
  for (size_t i = 0; i < count; ++i) m.emplace_back(keys[i], values[i]);
  // As fnd::lang::emit: the correlation id of the message being handled, when it has one.
  if (const uint64_t id = current_request_context().correlation_id(); id != 0)
    m.emplace_back("correlation_id", static_cast<double>(id));
  telemetry::emit(event ? event : "", m);
}

fnd_sup_spec* fnd_sup_spec_new(const char* name, fnd_strategy strategy, uint32_t intensity, uint32_t period_ms) {
  auto* s = new fnd_sup_spec();
  if (name) s->spec.name = name;
  s->spec.strategy = static_cast<Strategy>(strategy);
  s->spec.intensity = intensity;
  s->spec.period = std::chrono::milliseconds(period_ms);
  return s;
}
void fnd_sup_spec_free(fnd_sup_spec* spec) { delete spec; }

fnd_status fnd_sup_spec_add_child_opts(fnd_sup_spec* spec, const char* id, const fnd_actor_class* cls,
                                       fnd_native_make_fn make, const void* arg, fnd_restart restart,
                                       fnd_shutdown_kind shutdown, uint32_t shutdown_ms, const fnd_spawn_opts* opts) {
  if (!spec || (!cls && !make)) return status_of(Error(errc::badarg, "spec and class or factory are required"));
  if (cls && !cls->message && !cls->message_data) return status_of(Error(errc::badarg, "actor class without a message callback"));
  ChildSpec c;
  c.id = id ? id : "";
  c.restart = static_cast<Restart>(restart);
  c.shutdown = shutdown_of(shutdown, shutdown_ms);
  SpawnOptions o = to_opts(opts);
  o.name.clear();  // the supervisor registers its children
  c.start = [cls, make, arg, o](ChildContext& ctx) -> Result<Pid> {
    const void* a = arg;
    if (ctx.args().has_value()) a = std::any_cast<const void*>(ctx.args());
    Actor* act = fnd::detail::c_new_actor(cls, make, a);
    if (!act) return Error(errc::start_failed, std::string(cls && cls->name ? cls->name : "actor") + ": init failed");
    Process& sup = ctx.supervisor_process();
    return spawn_core(sup.node_, &sup, act, o, true);
  };
  c.start = fnd::detail::c_wrap_child_start(std::move(c.start));  // a cluster's placement (c_interop.cpp)
  spec->spec.children.push_back(std::move(c));
  return FND_OK;
}
fnd_status fnd_sup_spec_add_child(fnd_sup_spec* spec, const char* id, const fnd_actor_class* cls, const void* arg,
                                  fnd_restart restart, fnd_shutdown_kind shutdown, uint32_t shutdown_ms) {
  if (!cls) return status_of(Error(errc::badarg, "spec and class are required"));
  return fnd_sup_spec_add_child_opts(spec, id, cls, nullptr, arg, restart, shutdown, shutdown_ms, nullptr);
}
fnd_status fnd_sup_spec_add_native_child(fnd_sup_spec* spec, const char* id, fnd_native_make_fn make, const void* arg,
                                         fnd_restart restart, fnd_shutdown_kind shutdown, uint32_t shutdown_ms) {
  if (!make) return status_of(Error(errc::badarg, "spec and factory are required"));
  return fnd_sup_spec_add_child_opts(spec, id, nullptr, make, arg, restart, shutdown, shutdown_ms, nullptr);
}

fnd_status fnd_sup_spec_add_supervisor(fnd_sup_spec* spec, const char* id, const fnd_sup_spec* child,
                                       fnd_restart restart) {
  if (!spec || !child) return status_of(Error(errc::badarg, "spec and child are required"));
  ChildSpec c = supervisor_child(id ? id : "", child->spec);
  c.restart = static_cast<Restart>(restart);
  spec->spec.children.push_back(std::move(c));
  return FND_OK;
}

fnd_pid fnd_start_supervisor(fnd_node* node, const fnd_sup_spec* spec) {
  auto r = start_supervisor(node->node, spec->spec);
  if (!r) {
    status_of(r.error());
    return nullptr;
  }
  return owned(*r);
}
fnd_pid fnd_sup_start_child(fnd_node* node, fnd_pid sup, const void* arg) {
  auto r = start_child(node->node, borrow(sup), std::any(arg));
  if (!r) {
    status_of(r.error());
    return nullptr;
  }
  return owned(*r);
}
fnd_status fnd_sup_terminate_child(fnd_node* node, fnd_pid sup, const char* id) {
  return status_of(terminate_child(node->node, borrow(sup), std::string(id ? id : "")));
}
fnd_status fnd_sup_restart_child(fnd_node* node, fnd_pid sup, const char* id) {
  auto r = restart_child(node->node, borrow(sup), id ? id : "");
  return r ? FND_OK : status_of(r.error());
}
fnd_status fnd_sup_delete_child(fnd_node* node, fnd_pid sup, const char* id) {
  return status_of(delete_child(node->node, borrow(sup), id ? id : ""));
}
fnd_status fnd_sup_count_children(fnd_node* node, fnd_pid sup, size_t out[4]) {
  if (!borrow(sup).alive()) return status_of(Error(errc::noproc, "supervisor is not alive"));
  ChildCounts c = count_children(node->node, borrow(sup));
  out[0] = c.specs;
  out[1] = c.active;
  out[2] = c.supervisors;
  out[3] = c.workers;
  return FND_OK;
}

}  // extern "C"

// For the C ABI's other files (c_links.cpp, c_values.cpp): the actor behind a callback's context,
// and fnd_send to a Pid the caller holds (fnd_ref_send: no handle, no reference counting).
namespace fnd::detail {
Actor* c_ctx_actor(fnd_ctx* ctx) { return actor(ctx); }
// A new actor of a C class or from a native factory (NULL, error set, when it cannot be made).
const CMembership& c_membership(fnd_ctx* ctx) noexcept {
  static const CMembership none;
  const CMembership* m = actor(ctx)->membership();
  return m ? *m : none;
}

Actor* c_new_actor(const fnd_actor_class* cls, fnd_native_make_fn make, const void* arg) {
  if (!cls) return make_native(make, arg);
  return CActor::create(cls, arg);  // error set when NULL
}
SpawnOptions c_spawn_options(const fnd_spawn_opts* o) { return to_opts(o); }
void c_post(fnd_ctx* ctx, const Pid& to, const fnd_type* type, void* value) {
  post(sender_of(ctx), to, make_c_message(type, value));
}
void c_post_cb(fnd_ctx* ctx, ControlBlock* to, const fnd_type* type, void* value) {
  post(sender_of(ctx), PidView(reinterpret_cast<fnd_pid>(to)), make_c_message(type, value));
}
}  // namespace fnd::detail

namespace fnd {
const TypeInfo* type_info_of_c(const fnd_type* type) { return info_for_slow(type); }
}  // namespace fnd

namespace fnd::detail {
void crash_with(fnd_ctx* ctx, const char* code, std::string message) {
  actor(ctx)->set_pending_crash(Error(code, std::move(message)));
}
}  // namespace fnd::detail

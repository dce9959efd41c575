/* The stable C ABI of the Foundation runtime. Pure C; the LLVM back end calls the runtime only through
 * this header. Versioned: a program checks fnd_abi_version() == FND_ABI_VERSION at start-up (or
 * static_asserts FND_RUNTIME_ABI_VERSION from fnd/version.hpp in C++).
 *
 * Conventions
 *  - fnd_pid is a handle. Handles returned by functions named *_new, fnd_spawn*, fnd_whereis,
 *    fnd_pid_retain and fnd_start_supervisor* are owned: release them with fnd_pid_release. Handles
 *    passed to callbacks (fnd_self, fnd_msg_sender, ...) are borrowed for the callback's duration.
 *  - fnd_ctx and fnd_msg are valid only during the callback that received them.
 *  - Message values are moved into the runtime: after a successful or failed send the caller must not
 *    destroy `value` (its contents were moved with the type's move function, or memcpy if NULL).
 *  - Errors: functions return fnd_status; details of the last failure on this thread are in
 *    fnd_last_error_code()/fnd_last_error_message().
 *  - Callbacks must not unwind (no longjmp, no C++ exceptions out of them). To crash, call fnd_crash(),
 *    which takes effect when the callback returns.
 */
#ifndef FND_RUNTIME_H
#define FND_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FND_ABI_VERSION 4

uint32_t fnd_abi_version(void);
const char* fnd_runtime_version(void);

typedef struct fnd_node fnd_node;
typedef struct fnd_pid_s* fnd_pid; /* NULL = no process */
typedef struct fnd_ctx fnd_ctx;
typedef struct fnd_msg fnd_msg;
typedef uint64_t fnd_monitor_ref;
typedef uint64_t fnd_timer_ref;

typedef enum fnd_status {
  FND_OK = 0,
  FND_ERR_NOPROC = 1,
  FND_ERR_MAILBOX_FULL = 2,
  FND_ERR_NAME_TAKEN = 3,
  FND_ERR_NOT_FOUND = 4,
  FND_ERR_TIMEOUT = 5,
  FND_ERR_BADARG = 6,
  FND_ERR_START_FAILED = 7,
  FND_ERR_OTHER = 99
} fnd_status;

const char* fnd_last_error_code(void);    /* "" if none */
const char* fnd_last_error_message(void); /* "" if none */
/* Sets this thread's last error: for libraries behind the C ABI that fail a start callback. */
void fnd_set_last_error(const char* code, const char* message);

/* ---- message types ---- */
typedef struct fnd_type {
  const char* name;
  size_t size;
  size_t align;
  void (*move)(void* dst, void* src);       /* move-construct dst from src; NULL = memcpy */
  void (*copy)(void* dst, const void* src); /* copy-construct (periodic timers); NULL = memcpy */
  void (*destroy)(void* value);             /* NULL = trivially destructible */
  /* Optional, for distribution (not used by a single node yet). */
  size_t (*serialize)(const void* value, uint8_t* out, size_t capacity);
  int (*deserialize)(void* dst, const uint8_t* in, size_t length);
} fnd_type;

/* ---- exit reasons ---- */
typedef enum fnd_exit_kind {
  FND_EXIT_NORMAL = 0,
  FND_EXIT_SHUTDOWN = 1,
  FND_EXIT_KILL = 2,
  FND_EXIT_KILLED = 3,
  FND_EXIT_NOPROC = 4,
  FND_EXIT_ERROR = 5
} fnd_exit_kind;

typedef struct fnd_exit_reason {
  fnd_exit_kind kind;
  const char* code;    /* error code for FND_EXIT_ERROR, else NULL (borrowed) */
  const char* message; /* error message for FND_EXIT_ERROR, else NULL (borrowed) */
} fnd_exit_reason;

/* ---- actor classes (event-driven processes) ---- */
typedef struct fnd_actor_class {
  const char* name;
  size_t state_size;  /* bytes of per-actor state allocated inline with the process */
  size_t state_align; /* 0 = alignof(max_align_t), also the largest accepted */
  /* Constructs the state from `arg` at spawn (on the spawning thread). Nonzero = spawn fails. */
  int (*init)(void* state, const void* arg);
  void (*start)(fnd_ctx* ctx, void* state);                                 /* may be NULL */
  void (*message)(fnd_ctx* ctx, void* state, fnd_msg* msg);                 /* required */
  void (*stop)(fnd_ctx* ctx, void* state, const fnd_exit_reason* reason);   /* may be NULL */
  void (*destroy)(void* state);                                             /* may be NULL */
  /* Optional: when set, called for each message instead of `message`, with the message's C type
   * and payload (fnd_msg_type / fnd_msg_data; both NULL for runtime messages such as exits and
   * downs), so that a dispatch needs no further calls. Then `message` may be NULL. */
  void (*message_data)(fnd_ctx* ctx, void* state, fnd_msg* msg, const struct fnd_type* type, void* data);
  /* Optional, for compilers: when set, called for every message instead of the two above, so that a
   * generated dispatch finds the state, the message's class and its payload with the layout below
   * (no loads or calls beyond its own). A message it does not handle (another class, an exit, a
   * down, a C++ message) it passes on with fnd_msg_deliver. `message` or `message_data` is still
   * required. */
  void (*receive)(fnd_ctx* ctx, fnd_msg* msg);
} fnd_actor_class;

/* The layout a `receive` callback may rely on (it changes only with FND_ABI_VERSION):
 * - the actor's state is at (char*)ctx + FND_CTX_STATE_OFFSET;
 * - a message's class is the pointer at (char*)msg + FND_MSG_CLASS_OFFSET: for a message of C type T
 *   it is fnd_msg_class_of(T) (runtime and C++ messages hold other pointers);
 * - the payload of a message of C type T is at (char*)msg + FND_MSG_HEADER rounded up to T's align
 *   (0: alignof(max_align_t)), as for the envelopes fnd_msg_alloc returns. */
#define FND_CTX_STATE_OFFSET 96
#define FND_MSG_CLASS_OFFSET 16
#define FND_MSG_HEADER 40
/* Delivers `msg` as if the class had no `receive`: to message_data (message) after turning a C++
 * reply of an extern actor into its record. For a `receive` callback's messages only. */
void fnd_msg_deliver(fnd_ctx* ctx, fnd_msg* msg);

typedef enum fnd_overflow { FND_DROP_NEWEST = 0, FND_DROP_OLDEST = 1, FND_REJECT = 2, FND_BLOCK = 3 } fnd_overflow;

/* Options of a spawn. Every function taking them accepts NULL for none (the same as all zero). */
typedef struct fnd_spawn_opts {
  uint32_t mailbox_capacity; /* 0 = unbounded */
  fnd_overflow overflow;
  const char* name;          /* registered name or NULL */
  int link;                  /* fnd_spawn from a ctx: link to the spawner */
  int trap_exit;
} fnd_spawn_opts;

/* ---- node ---- */
typedef struct fnd_node_options {
  uint32_t threads;   /* 0 = hardware threads */
  const char* name;   /* NULL = "fnd" */
  int log_level;      /* FND_LOG_* ; -1 = default (info) */
  uint32_t node_id;
  uint32_t stop_grace_ms; /* 0 = default */
  uint32_t throughput;    /* messages per actor turn; 0 = default */
} fnd_node_options;

fnd_node* fnd_node_new(const fnd_node_options* opts); /* opts may be NULL */
void fnd_node_free(fnd_node* node);                   /* stops the node first */
int fnd_node_run(fnd_node* node);                     /* see fnd::Node::run */
void fnd_node_set_root(fnd_node* node, fnd_pid root);
void fnd_node_shutdown(fnd_node* node, int code);
/* 1 and the code of the first fnd_node_shutdown/fnd_shutdown if one was asked for, else 0. */
int fnd_node_shutdown_code(fnd_node* node, int* code);
/* The language's shutdown(code): the node stops with `code`; the calling actor takes no more messages. */
void fnd_shutdown(fnd_ctx* ctx, int code);
void fnd_node_stop(fnd_node* node);
size_t fnd_node_process_count(fnd_node* node);
fnd_node* fnd_ctx_node(fnd_ctx* ctx);

/* ---- pids ---- */
fnd_pid fnd_pid_retain(fnd_pid pid);
void fnd_pid_release(fnd_pid pid);
uint64_t fnd_pid_id(fnd_pid pid);
uint32_t fnd_pid_node(fnd_pid pid);
int fnd_pid_equal(fnd_pid a, fnd_pid b);
int fnd_pid_alive(fnd_pid pid);
/* Writes "<node.id>" (NUL-terminated, truncated to cap); returns the full length. */
size_t fnd_pid_format(fnd_pid pid, char* buf, size_t cap);

/* ---- spawning ---- */
fnd_pid fnd_spawn(fnd_ctx* ctx, const fnd_actor_class* cls, const void* arg, const fnd_spawn_opts* opts);
fnd_pid fnd_node_spawn(fnd_node* node, const fnd_actor_class* cls, const void* arg, const fnd_spawn_opts* opts);
/* For compilers: fnd_spawn in two steps, so that the caller constructs the state in place (no init
 * callback, no argument record). fnd_actor_new makes a process of `cls` that is not running yet and
 * returns its state (state_size bytes, uninitialized), or NULL with the error set (as fnd_spawn).
 * The caller constructs the state, then either fnd_actor_spawn starts the process from the calling
 * process ctx as fnd_spawn would have and returns its pid (owned) -- or NULL when the spawn fails,
 * with the error set and the state destroyed with cls->destroy; for a NULL state (a failed
 * fnd_actor_new) it returns NULL and leaves the error fnd_actor_new set -- or fnd_actor_discard
 * frees the process without calling cls->destroy (a state the caller could not construct; it
 * releases what it had put there itself). Every state from fnd_actor_new goes to exactly one of
 * the two. */
void* fnd_actor_new(const fnd_actor_class* cls);
void fnd_actor_discard(void* state); /* NULL: nothing */
fnd_pid fnd_actor_spawn(fnd_ctx* ctx, void* state, const fnd_spawn_opts* opts);

/* ---- inside a process ---- */
fnd_pid fnd_self(fnd_ctx* ctx); /* borrowed */
void* fnd_state(fnd_ctx* ctx);

/* ---- messages ---- */
fnd_status fnd_send(fnd_ctx* ctx, fnd_pid to, const fnd_type* type, void* value);
fnd_status fnd_try_send(fnd_ctx* ctx, fnd_pid to, const fnd_type* type, void* value);
fnd_status fnd_send_name(fnd_ctx* ctx, const char* name, const fnd_type* type, void* value);
fnd_status fnd_node_send(fnd_node* node, fnd_pid to, const fnd_type* type, void* value);
fnd_status fnd_reply(fnd_ctx* ctx, const fnd_type* type, void* value);

/* Messages built in place (generated code): no record on the caller's stack, no per-send type lookup.
 * fnd_msg_class_of registers a type once (the class stays valid for the program's lifetime);
 * fnd_msg_alloc returns the payload of a new envelope of that class (type->size bytes, aligned to
 * type->align, uninitialized), which the caller fills with a value of the type and then hands over
 * with exactly one of fnd_msg_reply, fnd_ref_post (fnd/runtime_values.h) or fnd_msg_free. */
typedef struct fnd_msg_class fnd_msg_class;
const fnd_msg_class* fnd_msg_class_of(const fnd_type* type);
/* A class in storage the program provides (`size` bytes, at least FND_MSG_CLASS_SIZE, aligned to 8,
 * e.g. a static array), so that its address is a link-time constant: a generated dispatch then
 * compares a message's class with an immediate, and a send reads the class's fields at a fixed
 * address. Makes `storage` the class of `type` (what fnd_msg_class_of returns from then on) and
 * returns it. Call it before anything has used the type (a module constructor, which may run before
 * the program's fnd_abi_version check: hence `size`). Fatal errors (a message on stderr, then
 * abort): storage smaller than this runtime's class, and a type that already has a class (its
 * messages would carry two different classes). */
#define FND_MSG_CLASS_SIZE 64
const fnd_msg_class* fnd_msg_class_init(const fnd_type* type, void* storage, size_t size);
void* fnd_msg_alloc(const fnd_msg_class* cls);
void fnd_msg_free(const fnd_msg_class* cls, void* payload); /* destroys the value too */
/* As fnd_reply with the value in `payload` (consumed). */
fnd_status fnd_msg_reply(fnd_ctx* ctx, const fnd_msg_class* cls, void* payload);

const fnd_type* fnd_msg_type(fnd_msg* msg); /* NULL for runtime messages (exit/down) */
void* fnd_msg_data(fnd_msg* msg);
fnd_pid fnd_msg_sender(fnd_msg* msg); /* borrowed; NULL if none */
int fnd_msg_is_request(fnd_msg* msg);
/* Exit{from, reason} (trap_exit) and Down{ref, pid, reason} (monitors). Out pointers may be NULL. */
int fnd_msg_is_exit(fnd_msg* msg, fnd_pid* from, fnd_exit_reason* reason);
int fnd_msg_is_down(fnd_msg* msg, fnd_monitor_ref* ref, fnd_pid* pid, fnd_exit_reason* reason);

/* ---- links, monitors, exits ---- */
void fnd_link(fnd_ctx* ctx, fnd_pid other);
void fnd_unlink(fnd_ctx* ctx, fnd_pid other);
fnd_monitor_ref fnd_monitor(fnd_ctx* ctx, fnd_pid other);
int fnd_demonitor(fnd_ctx* ctx, fnd_monitor_ref ref);
/* Trapping turns exits of linked processes into Exit messages; an exit signal sent to the actor
 * directly (fnd_exit, its supervisor or the node stopping it) still ends it, as in the language. */
void fnd_trap_exit(fnd_ctx* ctx, int on);
/* Exit signal to `to` (ctx may be NULL: then `node` must be given and there is no sender). */
void fnd_exit(fnd_ctx* ctx, fnd_node* node, fnd_pid to, fnd_exit_kind kind, const char* code, const char* message);
void fnd_stop(fnd_ctx* ctx);                                   /* normal exit after this callback */
void fnd_crash(fnd_ctx* ctx, const char* code, const char* message); /* crash after this callback */
int fnd_crash_pending(fnd_ctx* ctx); /* 1 once fnd_crash was called (the actor is ending) */

/* ---- timers ---- */
fnd_timer_ref fnd_send_after(fnd_ctx* ctx, uint64_t delay_ms, fnd_pid to, const fnd_type* type, void* value);
fnd_timer_ref fnd_send_every(fnd_ctx* ctx, uint64_t period_ms, fnd_pid to, const fnd_type* type, void* value);
int fnd_cancel_timer(fnd_ctx* ctx, fnd_timer_ref ref);

/* ---- registry ---- */
fnd_status fnd_register(fnd_node* node, const char* name, fnd_pid pid);
int fnd_unregister(fnd_node* node, const char* name);
fnd_pid fnd_whereis(fnd_node* node, const char* name); /* owned, NULL if none */
size_t fnd_mailbox_depth(fnd_node* node, fnd_pid pid);

/* ---- logging and telemetry ---- */
enum { FND_LOG_ERROR = 0, FND_LOG_WARNING = 1, FND_LOG_INFO = 2, FND_LOG_DEBUG = 3, FND_LOG_TRACE = 4 };
void fnd_log(int level, const char* text);
void fnd_set_log_level(int level);
/* A telemetry event; adds the measurement "correlation_id" when the message being handled carries one. */
void fnd_emit(const char* event, const char* const* keys, const double* values, size_t count);

/* ---- supervisors ---- */
typedef enum fnd_strategy {
  FND_ONE_FOR_ONE = 0,
  FND_ONE_FOR_ALL = 1,
  FND_REST_FOR_ONE = 2,
  FND_SIMPLE_ONE_FOR_ONE = 3
} fnd_strategy;
typedef enum fnd_restart { FND_PERMANENT = 0, FND_TRANSIENT = 1, FND_TEMPORARY = 2 } fnd_restart;
typedef enum fnd_shutdown_kind { FND_SHUTDOWN_BRUTAL_KILL = 0, FND_SHUTDOWN_TIMEOUT = 1, FND_SHUTDOWN_INFINITY = 2 } fnd_shutdown_kind;

typedef struct fnd_sup_spec fnd_sup_spec;
fnd_sup_spec* fnd_sup_spec_new(const char* name, fnd_strategy strategy, uint32_t intensity, uint32_t period_ms);
void fnd_sup_spec_free(fnd_sup_spec* spec);
/* `arg` is passed to cls->init at every (re)start: it must outlive the supervisor. For
 * simple_one_for_one, add exactly one child: its arg is the default, fnd_sup_start_child's arg wins. */
fnd_status fnd_sup_spec_add_child(fnd_sup_spec* spec, const char* id, const fnd_actor_class* cls, const void* arg,
                                  fnd_restart restart, fnd_shutdown_kind shutdown, uint32_t shutdown_ms);
/* Adds a nested supervisor (the child spec is copied). */
fnd_status fnd_sup_spec_add_supervisor(fnd_sup_spec* spec, const char* id, const fnd_sup_spec* child,
                                       fnd_restart restart);
fnd_pid fnd_start_supervisor(fnd_node* node, const fnd_sup_spec* spec); /* owned; NULL on failure */
fnd_pid fnd_sup_start_child(fnd_node* node, fnd_pid sup, const void* arg); /* simple_one_for_one */
fnd_status fnd_sup_terminate_child(fnd_node* node, fnd_pid sup, const char* id);
fnd_status fnd_sup_restart_child(fnd_node* node, fnd_pid sup, const char* id);
fnd_status fnd_sup_delete_child(fnd_node* node, fnd_pid sup, const char* id);
/* out[0..3] = specs, active, supervisors, workers */
fnd_status fnd_sup_count_children(fnd_node* node, fnd_pid sup, size_t out[4]);

/* ---- native (C++) actors: the extern actors of programs built by the LLVM back end ----
 * fndc's generated C++ glue supplies `make`, which returns a new fnd::Actor* (as void*) built from
 * `arg`, or NULL; the runtime owns the actor from then on. ctx (a spawn from a process) or node
 * (from outside any process) must be given. */
typedef void* (*fnd_native_make_fn)(const void* arg);
fnd_pid fnd_spawn_native(fnd_ctx* ctx, fnd_node* node, fnd_native_make_fn make, const void* arg,
                         const fnd_spawn_opts* opts);
/* As fnd_sup_spec_add_child; `arg` must outlive the supervisor. */
fnd_status fnd_sup_spec_add_native_child(fnd_sup_spec* spec, const char* id, fnd_native_make_fn make, const void* arg,
                                         fnd_restart restart, fnd_shutdown_kind shutdown, uint32_t shutdown_ms);
/* Either kind of child (cls, or make when cls is NULL) with spawn options (mailbox, trap_exit;
 * opts may be NULL; its name is ignored: the supervisor registers its children). */
fnd_status fnd_sup_spec_add_child_opts(fnd_sup_spec* spec, const char* id, const fnd_actor_class* cls,
                                       fnd_native_make_fn make, const void* arg, fnd_restart restart,
                                       fnd_shutdown_kind shutdown, uint32_t shutdown_ms, const fnd_spawn_opts* opts);
/* Messages of the C++ type `native_type` (its fnd::TypeInfo, fnd::type_of<T>()) that reach a C actor
 * are delivered as messages of `type`: `convert` builds the record in dst (uninitialized, type->size
 * bytes) from the C++ value. Register at start-up, before sending; registrations stay. */
typedef void (*fnd_from_native_fn)(void* dst, const void* native_value);
void fnd_bridge_native_type(const void* native_type, const fnd_type* type, fnd_from_native_fn convert);

/* ---- pools: simple_one_for_one supervisors that `spawn pool(...)` adds children to ----
 * A pool's spec (FND_SIMPLE_ONE_FOR_ONE) gets its template child with
 * fnd_sup_spec_add_pool_template; fnd_pool_register records which registered name the running
 * instance of pool declaration `decl` has (the last one started wins). fnd_pool_spawn starts a
 * child of that instance from inside a process without blocking it: the child (a C class, or a
 * native factory when cls is NULL) is spawned at once from `args` (a record, copied for restarts),
 * linked to the pool, which adopts it. Returns an owned pid; NULL when the pool is not running or
 * the child cannot start: then the calling actor crashes when its callback returns. */
fnd_status fnd_sup_spec_add_pool_template(fnd_sup_spec* spec, fnd_restart restart);
void fnd_pool_register(const char* decl, const char* instance);
struct fnd_record;
fnd_pid fnd_pool_spawn(fnd_ctx* ctx, const char* decl, const fnd_actor_class* cls, fnd_native_make_fn make,
                       const struct fnd_record* args_rec, const void* args, const fnd_spawn_opts* opts);

/* ---- societies (docs/language.md section 11) ----
 * A society is a one_for_one supervisor (fnd_society_spec_new; start it with fnd_start_supervisor
 * or nest it with fnd_sup_spec_add_supervisor under the id whose registered name is `name`) whose
 * children are its members: fnd_society_spec_add_role adds `count` members "<role>.<i>", registered
 * as "<name>.<role>.<i>" (permanent when self_healing, else temporary; `arg` must outlive the
 * supervisor). Member order: roles in the order added, each member 0..count-1. The functions taking
 * a ctx act for the calling member and do nothing (or return an empty list) outside a society. */
typedef enum fnd_topology {
  FND_TOPOLOGY_MESH = 0,
  FND_TOPOLOGY_TREE = 1,
  FND_TOPOLOGY_RING = 2,
  FND_TOPOLOGY_STAR = 3,
  FND_TOPOLOGY_PUB_SUB = 4
} fnd_topology;
fnd_sup_spec* fnd_society_spec_new(const char* name, fnd_topology topology, int self_healing, uint32_t intensity,
                                   uint32_t period_ms);
fnd_status fnd_society_spec_add_role(fnd_sup_spec* spec, const char* role, int64_t count, const fnd_actor_class* cls,
                                     const void* arg, const fnd_spawn_opts* opts);
/* A role of native (C++) members made by `make` (see "native actors"): an extern actor derived from
 * fnd::lang::Actor joins the same society state as the C members (fnd/society.hpp). */
fnd_status fnd_society_spec_add_native_role(fnd_sup_spec* spec, const char* role, int64_t count,
                                            fnd_native_make_fn make, const void* arg, const fnd_spawn_opts* opts);
struct fnd_list;
/* Owned lists of refs (fnd_ref*, name refs reaching each member's current incarnation). */
struct fnd_list* fnd_role_refs(const char* society, const char* role, int64_t count); /* from outside */
struct fnd_list* fnd_role_members(fnd_ctx* ctx, const char* role);
struct fnd_list* fnd_neighbors(fnd_ctx* ctx);
/* subscribe: this incarnation of the member receives what is published on `topic` until it exits. */
void fnd_subscribe(fnd_ctx* ctx, const char* topic);
/* A copy of `value` (borrowed) to every member of the role / subscriber of the topic, in member order. */
void fnd_broadcast(fnd_ctx* ctx, const char* role, const fnd_type* type, const void* value);
void fnd_publish(fnd_ctx* ctx, const char* topic, const fnd_type* type, const void* value);

#ifdef __cplusplus
}
#endif

/* Values, records, output and the program entry point for generated code. */
#include "fnd/runtime_values.h"

#endif /* FND_RUNTIME_H */

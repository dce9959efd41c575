/* The C ABI for generated code (the LLVM back end): .fnd values, record descriptors, output and the
 * generated program's entry point. Included by fnd/runtime.h; pure C, versioned with FND_ABI_VERSION
 * (FND_VALUES_ABI_VERSION counts changes to this part).
 *
 * Ownership: functions returning fnd_str* / fnd_ref* return an owned reference (+1); arguments are
 * borrowed unless the comment says "consumed". NULL is a valid value of both: the empty string and
 * the null ref. Reference counts are atomic: values may be shared between processes (inside
 * messages) on different scheduler threads.
 */
#ifndef FND_RUNTIME_VALUES_H
#define FND_RUNTIME_VALUES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FND_VALUES_ABI_VERSION 3

struct fnd_ctx;
struct fnd_node;
struct fnd_type;

/* ---- strings: immutable UTF-8 bytes, always NUL-terminated in memory; NULL is "" ---- */
typedef struct fnd_str fnd_str;
fnd_str* fnd_str_new(const char* data, size_t len);
fnd_str* fnd_str_retain(fnd_str* s);
void fnd_str_release(fnd_str* s);
size_t fnd_str_len(const fnd_str* s);
const char* fnd_str_data(const fnd_str* s); /* "" for NULL; valid while s is */
/* Bytewise: <0, 0, >0 (the order of map keys and of < on strings). */
int fnd_str_compare(const fnd_str* a, const fnd_str* b);
int fnd_str_equal(const fnd_str* a, const fnd_str* b);
/* Concatenation of n parts (string interpolation, `+`). */
fnd_str* fnd_str_concat(const fnd_str* const* parts, size_t n);
int fnd_str_contains(const fnd_str* s, const fnd_str* part);
int fnd_str_starts_with(const fnd_str* s, const fnd_str* prefix);
int fnd_str_ends_with(const fnd_str* s, const fnd_str* suffix);

/* Formatting, exactly as docs/language.md §8.9: ints in decimal; floats in the shortest form that
 * reads back, always with '.' or an exponent (2.0, 0.1, 1e+21, nan, inf); bools true/false; durations
 * in the largest exact unit (1500ms, 2s, 3m, 1h); refs as the registered name or the pid. */
fnd_str* fnd_fmt_int(int64_t v);
fnd_str* fnd_fmt_float(double v);
fnd_str* fnd_fmt_bool(int v);
fnd_str* fnd_fmt_duration(int64_t millis);

/* Conversions int(s) and float(s): decimal text with an optional sign. 1 on success, 0 when the text
 * is not a number of that kind; fnd_str_to_int returns -1 for an integer outside the int64 range. */
int fnd_str_to_int(const fnd_str* s, int64_t* out);
int fnd_str_to_float(const fnd_str* s, double* out);

/* ---- bytes: immutable octets, shared by reference counting (a zero-copy fnd::Binary inside, so a
 * payload crossing to C++ code or between processes is never copied); NULL is empty ---- */
typedef struct fnd_bytes fnd_bytes;
fnd_bytes* fnd_bytes_new(const void* data, size_t len); /* copies len octets once */
fnd_bytes* fnd_bytes_retain(fnd_bytes* b);
void fnd_bytes_release(fnd_bytes* b);
size_t fnd_bytes_len(const fnd_bytes* b);
const uint8_t* fnd_bytes_data(const fnd_bytes* b); /* valid while b is; not NUL-terminated */
int fnd_bytes_equal(const fnd_bytes* a, const fnd_bytes* b);
fnd_bytes* fnd_bytes_concat(const fnd_bytes* a, const fnd_bytes* b); /* `a + b` */
fnd_bytes* fnd_bytes_from_str(const fnd_str* s);                     /* bytes(s): its UTF-8 octets */
fnd_str* fnd_str_from_bytes(const fnd_bytes* b);                     /* string(b): the octets as text */

/* ---- refs: a pid, or a registered name resolved at every send (a supervised child); NULL = null ---- */
typedef struct fnd_ref fnd_ref;
fnd_ref* fnd_ref_from_pid(fnd_pid pid); /* pid borrowed (the ref keeps its own); NULL pid -> NULL */
fnd_ref* fnd_ref_named(const char* name);
fnd_ref* fnd_ref_retain(fnd_ref* r);
void fnd_ref_release(fnd_ref* r);
/* Equal iff both null, the same name, or the same pid. */
int fnd_ref_equal(const fnd_ref* a, const fnd_ref* b);
fnd_str* fnd_fmt_ref(const fnd_ref* r);
/* `emit`'s measurement of a ref, as the C++ back end's: the id of the pid it holds (0 for a name or null). */
uint64_t fnd_ref_pid_id(const fnd_ref* r);
/* The language's `==` on refs: refs of the same kind compare what they are; a name and a pid are
 * equal when the name names that process now (resolved through ctx's node). */
int fnd_ref_same(struct fnd_ctx* ctx, const fnd_ref* a, const fnd_ref* b);
/* The process the ref names now: owned, NULL if none (null ref, unregistered name). */
fnd_pid fnd_ref_resolve(struct fnd_node* node, const fnd_ref* r);
/* Sends `value` (consumed, as fnd_send) to the ref's current process; a message to the null ref or to
 * no process is dropped (destroyed). */
void fnd_ref_send(struct fnd_ctx* ctx, const fnd_ref* to, const struct fnd_type* type, void* value);
/* As fnd_ref_send with a value built in place (fnd_msg_alloc: consumed). */
struct fnd_msg_class;
void fnd_ref_post(struct fnd_ctx* ctx, const fnd_ref* to, const struct fnd_msg_class* cls, void* payload);
/* The layout generated code may rely on to count refs without a call: a non-NULL ref handle with
 * the low bit clear points to an object whose first 4 bytes are its 32-bit atomic reference count;
 * with the low bit set it is a pid handle (fnd_pid) + 1, and the pid's control block starts with its
 * 32-bit atomic count. A ref made from a pid is always pid + 1 (so a borrowed pid makes a borrowed
 * ref with no call). Retaining is a relaxed increment of that count; a release is an acq_rel
 * decrement that, when it takes the count from 1 to 0, must be followed by fnd_ref_release_last. */
void fnd_ref_release_last(fnd_ref* r); /* frees what r held; its count is already 0 */

/* ---- links and monitors on refs (the language's link/unlink/monitor/demonitor, on down/exit) ----
 * A name nobody holds behaves as a dead process: link gives an exit signal with reason noproc (an
 * `on exit` when trapping exits, else the actor crashes: then fnd_ref_link returns nonzero and the
 * handler must return), monitor gives an `on down` with reason "noproc". The monitors an actor holds
 * (so demonitor finds them by ref) live in an fnd_monitors table: a slot initialized to NULL, freed
 * with fnd_monitors_free. A C actor has one, kept by the runtime (fnd_ctx_monitors: the slot's
 * address, freed with the actor), so its state needs no field for it. */
typedef struct fnd_monitors fnd_monitors;
fnd_monitors** fnd_ctx_monitors(struct fnd_ctx* ctx);
int fnd_ref_link(struct fnd_ctx* ctx, const fnd_ref* r);
void fnd_ref_unlink(struct fnd_ctx* ctx, const fnd_ref* r);
void fnd_ref_monitor(struct fnd_ctx* ctx, fnd_monitors** table, const fnd_ref* r);
void fnd_ref_demonitor(struct fnd_ctx* ctx, fnd_monitors** table, const fnd_ref* r);
void fnd_monitors_free(fnd_monitors* table);
/* If msg is a Down (a monitor fired) / an Exit (a linked process exited, trap_exit): forgets the
 * monitor, sets *who (owned ref, NULL for "nobody") and *reason (owned text: "normal", "shutdown",
 * "killed", "noproc", the crash text, or "code: message") and returns 1; else 0. */
int fnd_msg_down(fnd_monitors** table, struct fnd_msg* msg, fnd_ref** who, fnd_str** reason);
int fnd_msg_exit(struct fnd_msg* msg, fnd_ref** who, fnd_str** reason);

/* ---- records: the layout of a message or of an actor's state, emitted by the back end ----
 * A record is a C struct of fields at the given offsets. The runtime copies, destroys and compares
 * records from these descriptors (a message's fnd_type callbacks call fnd_record_copy/destroy). */
typedef enum fnd_kind {
  FND_KIND_INT = 0,      /* int64_t */
  FND_KIND_FLOAT = 1,    /* double */
  FND_KIND_BOOL = 2,     /* uint8_t, 0 or 1 */
  FND_KIND_DURATION = 3, /* int64_t milliseconds */
  FND_KIND_STRING = 4,   /* fnd_str* */
  FND_KIND_REF = 5,      /* fnd_ref* */
  FND_KIND_RECORD = 6,   /* a nested record, inline (a message-typed field) */
  FND_KIND_LIST = 7,     /* fnd_list* */
  FND_KIND_MAP = 8,      /* fnd_map* */
  FND_KIND_BYTES = 9     /* fnd_bytes* */
} fnd_kind;

struct fnd_record;
typedef struct fnd_field {
  const char* name;
  uint32_t kind;                   /* fnd_kind */
  uint32_t offset;                 /* bytes from the start of the record */
  const struct fnd_record* record; /* FND_KIND_RECORD: the nested layout; else NULL */
} fnd_field;

typedef struct fnd_record {
  const char* name;
  uint64_t size;
  uint64_t align;
  uint64_t field_count;
  const fnd_field* fields;
} fnd_record;

/* ---- lists: value semantics by copy-on-write; NULL is [] ----
 * A list holds its elements inline, described by an fnd_elem (kind as fnd_kind, size in bytes,
 * nested record for FND_KIND_RECORD). Functions taking fnd_list** mutate the list in that slot,
 * copying it first when it is shared; values passed in are copied (retained), never consumed. */
typedef struct fnd_elem {
  uint32_t kind;
  uint32_t size;
  const struct fnd_record* record;
} fnd_elem;
typedef struct fnd_list fnd_list;
fnd_list* fnd_list_new(const fnd_elem* elem);
fnd_list* fnd_list_retain(fnd_list* l);
void fnd_list_release(fnd_list* l);
int64_t fnd_list_len(const fnd_list* l);
/* The element at i (borrowed, valid while the list is), or NULL when i is out of range. */
void* fnd_list_at(const fnd_list* l, int64_t i);
/* As fnd_list_at, for writing: unshares the list first. */
void* fnd_list_at_mut(fnd_list** slot, int64_t i);
/* *slot may be NULL (the empty list): then elem says what the list holds. */
void fnd_list_push(fnd_list** slot, const fnd_elem* elem, const void* value);
/* Moves the last element to out (owned) and returns 1; 0 when empty. */
int fnd_list_pop(fnd_list** slot, void* out);
void fnd_list_clear(fnd_list** slot);
int fnd_list_contains(const fnd_list* l, const void* value);
int fnd_list_equal(const fnd_list* a, const fnd_list* b);
/* s.split(sep): the pieces between separators (an empty sep splits into single bytes). */
fnd_list* fnd_str_split(const fnd_str* s, const fnd_str* sep);
/* xs.contains(r) for a list of refs, with fnd_ref_same's equality. */
int fnd_list_contains_ref(struct fnd_ctx* ctx, const fnd_list* l, const fnd_ref* r);

/* ---- maps: sorted by key (ints/durations numerically, strings bytewise, false < true), values by
 * copy-on-write like lists; NULL is {}. Keys and values are described by fnd_elem. */
typedef struct fnd_map fnd_map;
fnd_map* fnd_map_retain(fnd_map* m);
void fnd_map_release(fnd_map* m);
int64_t fnd_map_len(const fnd_map* m);
void* fnd_map_get(const fnd_map* m, const void* key); /* the value (borrowed) or NULL */
/* The value under `key`, writable in place (the map is made exclusively owned first, as on any write),
   or NULL when the key is absent (the map is then left untouched). For `m[k].field = v` and the like. */
void* fnd_map_get_mut(fnd_map** slot, const void* key);
/* Inserts or replaces (key and value copied). */
void fnd_map_put(fnd_map** slot, const fnd_elem* key_elem, const fnd_elem* value_elem, const void* key, const void* value);
void fnd_map_remove(fnd_map** slot, const void* key);
void fnd_map_clear(fnd_map** slot);
/* The i-th key / value in ascending key order (borrowed), for iteration. */
void* fnd_map_key_at(const fnd_map* m, int64_t i);
void* fnd_map_value_at(const fnd_map* m, int64_t i);
fnd_list* fnd_map_keys(const fnd_map* m);   /* NULL (empty) when m is */
fnd_list* fnd_map_values(const fnd_map* m);
int fnd_map_equal(const fnd_map* a, const fnd_map* b);

/* dst is uninitialized memory of rec->size bytes; src is left unchanged (strings/refs retained). */
void fnd_record_copy(const fnd_record* rec, void* dst, const void* src);
/* Releases what the fields own; the memory itself is the caller's. value may be NULL (nothing). */
void fnd_record_destroy(const fnd_record* rec, void* value);
/* Field-wise ==. */
int fnd_record_equal(const fnd_record* rec, const void* a, const void* b);

/* ---- output ---- */
/* `print`: the line and '\n' to stdout as one unit (thread-safe), flushed. */
void fnd_print(const fnd_str* line);
/* `log LEVEL text` (FND_LOG_*) to stderr through the runtime's logger. */
void fnd_log_str(int level, const fnd_str* text);

/* ---- checked operations: crash the current actor with the language's reason texts ---- */
/* "division by zero" etc.: fnd_crash with code "exception" and the given message. */
void fnd_crash_str(struct fnd_ctx* ctx, const fnd_str* reason); /* `crash(reason)` */
void fnd_crash_text(struct fnd_ctx* ctx, const char* message);  /* a failed checked operation */
void fnd_crash_text_str(struct fnd_ctx* ctx, const fnd_str* message); /* the same, NUL bytes kept */

/* ---- the generated program ----
 * Parses the generated binary's command line (--threads N, --config FILE, --log-level LEVEL,
 * --help; as the C++ back end's programs), starts a node, starts the root with `start`, runs the
 * node and returns the exit status: shutdown(code)'s code, 0 when the root exits normally, 1
 * otherwise, 2 for command-line errors. `start` returns an owned pid, or NULL if the root could not
 * be started. */
typedef fnd_pid (*fnd_start_root_fn)(struct fnd_node* node);
int fnd_program_main(int argc, char** argv, const char* name, const char* description, fnd_start_root_fn start);

#ifdef __cplusplus
}

/* For C++ code that converts between .fnd values of both back ends (fndc's extern-actor glue). */
namespace fnd {
class Ref;
class Binary;
}
fnd_ref* fnd_ref_from_cxx(const fnd::Ref& r);  /* owned; NULL for the null ref */
fnd::Ref fnd_ref_cxx(const fnd_ref* r);        /* a copy; the null ref for NULL */
fnd_bytes* fnd_bytes_from_cxx(const fnd::Binary& b); /* owned, sharing b's octets; NULL when empty */
const fnd::Binary& fnd_bytes_cxx(const fnd_bytes* b);  /* borrowed (valid while b is); empty for NULL */
#endif

#endif /* FND_RUNTIME_VALUES_H */

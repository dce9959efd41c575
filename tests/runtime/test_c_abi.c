/* The C ABI from C: actors, messages (classes of the runtime's and in the program's storage), replies to
 * the node, two-step spawns (one refused by a stopping node), links/trap_exit, supervisors, registry. */
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fnd/runtime.h"

static int failures = 0;
#define EXPECT(c)                                                   \
  do {                                                              \
    if (!(c)) {                                                     \
      fprintf(stderr, "%s:%d: expectation failed: %s\n", __FILE__, __LINE__, #c); \
      ++failures;                                                   \
    }                                                               \
  } while (0)

static const fnd_type int_type = {"int", sizeof(int), _Alignof(int), NULL, NULL, NULL, NULL, NULL};

/* Counter: sums ints; at the target it ends the node's run() with the sum as exit code. */
typedef struct {
  int sum;
  int target;
} counter_state;
static int counter_init(void* state, const void* arg) {
  counter_state* s = (counter_state*)state;
  s->sum = 0;
  s->target = *(const int*)arg;
  return 0;
}
static void counter_message(fnd_ctx* ctx, void* state, fnd_msg* msg) {
  counter_state* s = (counter_state*)state;
  if (fnd_msg_type(msg) != &int_type) return;
  s->sum += *(int*)fnd_msg_data(msg);
  if (s->sum >= s->target) fnd_node_shutdown(fnd_ctx_node(ctx), s->sum);
}
static const fnd_actor_class counter_class = {"counter", sizeof(counter_state), 0, counter_init, NULL,
                                              counter_message, NULL, NULL, NULL, NULL};

/* Fast counter: the counter with a `receive` callback that finds its state, the class and the payload
 * with the C ABI's layout constants, and passes other messages on (to counter_other). */
static const fnd_type note_type = {"note", sizeof(double), _Alignof(double), NULL, NULL, NULL, NULL, NULL};
static const fnd_msg_class* int_class;
static int others_seen;
static void fast_counter_receive(fnd_ctx* ctx, fnd_msg* msg) {
  counter_state* s = (counter_state*)((char*)ctx + FND_CTX_STATE_OFFSET);
  const void* cls = *(const void* const*)((char*)msg + FND_MSG_CLASS_OFFSET);
  if (cls != (const void*)int_class) {
    fnd_msg_deliver(ctx, msg);
    return;
  }
  int* v = (int*)((char*)msg + ((FND_MSG_HEADER + _Alignof(int) - 1) & ~(_Alignof(int) - 1)));
  EXPECT(fnd_msg_type(msg) == &int_type && fnd_msg_data(msg) == (void*)v);
  s->sum += *v;
  if (s->sum >= s->target) fnd_node_shutdown(fnd_ctx_node(ctx), s->sum);
}
static void counter_other(fnd_ctx* ctx, void* state, fnd_msg* msg) {
  EXPECT(state == (char*)ctx + FND_CTX_STATE_OFFSET);
  if (fnd_msg_type(msg) == &note_type && *(double*)fnd_msg_data(msg) == 2.5) ++others_seen;
}
static const fnd_actor_class fast_counter_class = {"fast_counter", sizeof(counter_state), 0, counter_init, NULL,
                                                   counter_other, NULL, NULL, NULL, fast_counter_receive};

/* Static counter: as the fast counter, for a type whose class is in this program's storage
 * (fnd_msg_class_init): the class of every message of the type is that storage's address. */
static const fnd_type count_type = {"count", sizeof(int), _Alignof(int), NULL, NULL, NULL, NULL, NULL};
static _Alignas(8) unsigned char count_class_storage[FND_MSG_CLASS_SIZE];
static void static_counter_receive(fnd_ctx* ctx, fnd_msg* msg) {
  counter_state* s = (counter_state*)((char*)ctx + FND_CTX_STATE_OFFSET);
  const void* cls = *(const void* const*)((char*)msg + FND_MSG_CLASS_OFFSET);
  EXPECT(cls == (const void*)count_class_storage);
  if (cls != (const void*)count_class_storage) return;
  s->sum += *(int*)fnd_msg_data(msg);
  if (s->sum >= s->target) fnd_node_shutdown(fnd_ctx_node(ctx), s->sum);
}
static const fnd_actor_class static_counter_class = {"static_counter", sizeof(counter_state), 0, counter_init, NULL,
                                                     counter_other, NULL, NULL, NULL, static_counter_receive};

/* Crashy: crashes on any int with code "boom". */
static void crashy_message(fnd_ctx* ctx, void* state, fnd_msg* msg) {
  (void)state;
  (void)msg;
  fnd_crash(ctx, "boom", "asked to crash");
}
static const fnd_actor_class crashy_class = {"crashy", 0, 0, NULL, NULL, crashy_message, NULL, NULL, NULL, NULL};

/* A crash then a stop in the same callback: the crash is the exit reason. */
static void crash_then_stop_message(fnd_ctx* ctx, void* state, fnd_msg* msg) {
  (void)state;
  (void)msg;
  fnd_crash(ctx, "boom", "crash, then stop");
  EXPECT(fnd_crash_pending(ctx) == 1);
  fnd_stop(ctx);
}
static const fnd_actor_class crash_then_stop_class = {"crash_then_stop", 0, 0, NULL, NULL, crash_then_stop_message,
                                                      NULL, NULL, NULL, NULL};
/* A crash in on start: the actor exits before any message. */
static void crash_at_start(fnd_ctx* ctx, void* state) {
  (void)state;
  EXPECT(fnd_crash_pending(ctx) == 0);
  fnd_crash(ctx, "boom", "crash in start");
}
static void must_not_run(fnd_ctx* ctx, void* state, fnd_msg* msg) {
  (void)ctx;
  (void)state;
  (void)msg;
  EXPECT(!"a message reached an actor that crashed in start");
}
static const fnd_actor_class crash_at_start_class = {"crash_at_start", 0, 0, NULL, crash_at_start, must_not_run,
                                                     NULL, NULL, NULL, NULL};

/* Trapper: traps exits, spawns a linked child of the class its argument names and sends it an int;
 * on the Exit it shuts the node down with 42 if the reason is error(boom). */
typedef struct {
  const fnd_actor_class* child;
} trapper_state;
static int trapper_init(void* state, const void* arg) {
  ((trapper_state*)state)->child = (const fnd_actor_class*)arg;
  return 0;
}
static void trapper_start(fnd_ctx* ctx, void* state) {
  fnd_trap_exit(ctx, 1);
  fnd_spawn_opts o = {0, FND_DROP_NEWEST, NULL, 1, 0};
  fnd_pid child = fnd_spawn(ctx, ((trapper_state*)state)->child, NULL, &o);
  int v = 1;
  fnd_send(ctx, child, &int_type, &v);
  fnd_pid_release(child);
}
static void trapper_message(fnd_ctx* ctx, void* state, fnd_msg* msg) {
  (void)state;
  fnd_exit_reason r;
  fnd_pid from = NULL;
  if (fnd_msg_is_exit(msg, &from, &r)) {
    int ok = r.kind == FND_EXIT_ERROR && strcmp(r.code, "boom") == 0 && from != NULL;
    fnd_node_shutdown(fnd_ctx_node(ctx), ok ? 42 : 1);
  }
}
static const fnd_actor_class trapper_class = {"trapper", sizeof(trapper_state), 0, trapper_init, trapper_start,
                                              trapper_message, NULL, NULL, NULL, NULL};
/* The same with the child spawned in two steps (fnd_actor_spawn with the link option). */
static void two_step_trapper_start(fnd_ctx* ctx, void* state) {
  fnd_trap_exit(ctx, 1);
  fnd_spawn_opts o = {0, FND_DROP_NEWEST, NULL, 1, 0};
  fnd_pid child = fnd_actor_spawn(ctx, fnd_actor_new(((trapper_state*)state)->child), &o);
  int v = 1;
  fnd_send(ctx, child, &int_type, &v);
  fnd_pid_release(child);
}
static const fnd_actor_class two_step_trapper_class = {"two_step_trapper", sizeof(trapper_state), 0, trapper_init,
                                                       two_step_trapper_start, trapper_message, NULL, NULL, NULL,
                                                       NULL};

/* Two-step spawns (fnd_actor_new, the state built in place, fnd_actor_spawn) from an actor's start:
 * a counter built without init, which ends the run; refused classes; NULL state; a discarded state
 * (not destroyed); a spawn that fails (its name taken), whose state is destroyed. */
static int destroyed;
static void count_destroy(void* state) {
  (void)state;
  ++destroyed;
}
static const fnd_actor_class destroy_counted_class = {"destroy_counted", sizeof(counter_state), 0, NULL, NULL,
                                                      counter_message, NULL, count_destroy, NULL, NULL};
static void two_step_start(fnd_ctx* ctx, void* state) {
  (void)state;
  counter_state* s = (counter_state*)fnd_actor_new(&counter_class);
  EXPECT(s != NULL);
  s->sum = 0;
  s->target = 5050;
  fnd_pid counter = fnd_actor_spawn(ctx, s, NULL);
  EXPECT(counter != NULL);

  EXPECT(fnd_actor_new(NULL) == NULL && strcmp(fnd_last_error_code(), "badarg") == 0);
  fnd_actor_class over = counter_class;
  over.state_align = 64;
  EXPECT(fnd_actor_new(&over) == NULL && strcmp(fnd_last_error_code(), "badarg") == 0);
  fnd_actor_class mute = counter_class;
  mute.message = NULL;
  EXPECT(fnd_actor_new(&mute) == NULL && strcmp(fnd_last_error_code(), "badarg") == 0);
  EXPECT(fnd_actor_spawn(ctx, NULL, NULL) == NULL);
  fnd_actor_discard(fnd_actor_new(&destroy_counted_class)); /* never constructed: no destroy */
  fnd_actor_discard(NULL);
  EXPECT(destroyed == 0);

  fnd_spawn_opts named = {0, FND_DROP_NEWEST, "two-step", 0, 0};
  counter_state* a = (counter_state*)fnd_actor_new(&destroy_counted_class);
  a->sum = 0;
  a->target = 1 << 30;
  fnd_pid first = fnd_actor_spawn(ctx, a, &named);
  EXPECT(first != NULL);
  counter_state* b = (counter_state*)fnd_actor_new(&destroy_counted_class);
  b->sum = 0;
  b->target = 1 << 30;
  EXPECT(fnd_actor_spawn(ctx, b, &named) == NULL && strcmp(fnd_last_error_code(), "start_failed") == 0);
  EXPECT(destroyed == 1); /* the refused one's state, at once */
  fnd_pid_release(first);

  for (int i = 1; i <= 100; ++i) fnd_send(ctx, counter, &int_type, &i);
  fnd_pid_release(counter);
}
static void ignore_message(fnd_ctx* ctx, void* state, fnd_msg* msg) {
  (void)ctx;
  (void)state;
  (void)msg;
}
static const fnd_actor_class two_step_class = {"two_step", 0, 0, NULL, two_step_start, ignore_message,
                                               NULL, NULL, NULL, NULL};

/* A two-step spawn without options that the node refuses because it is stopping: the spawner, in
 * a message callback, keeps spawning probes (state: sum = the probe's number) until one is refused;
 * the refused probe's state must be destroyed by then, and the error must say so. */
#define MAX_PROBES 1000000
static _Atomic int probe_destroyed[MAX_PROBES];
static _Atomic int spawner_busy;
static int refused_probe = -1;
static char refused_code[64]; /* copied: the error text is the worker thread's */
static void probe_destroy(void* state) { probe_destroyed[((counter_state*)state)->sum] = 1; }
static const fnd_actor_class probe_class = {"probe", sizeof(counter_state), 0, NULL, NULL, counter_message,
                                            NULL, probe_destroy, NULL, NULL};
static void spawn_until_refused(fnd_ctx* ctx, void* state, fnd_msg* msg) {
  (void)state;
  (void)msg;
  spawner_busy = 1;
  for (int i = 0; i < MAX_PROBES; ++i) {
    counter_state* s = (counter_state*)fnd_actor_new(&probe_class);
    s->sum = i;
    s->target = 1 << 30;
    fnd_pid probe = fnd_actor_spawn(ctx, s, NULL);
    if (!probe) {
      refused_probe = i;
      snprintf(refused_code, sizeof refused_code, "%s", fnd_last_error_code());
      EXPECT(probe_destroyed[i] == 1); /* destroyed before the spawn returned */
      return;
    }
    fnd_pid_release(probe);
  }
}
static const fnd_actor_class spawn_until_refused_class = {"spawn_until_refused", 0, 0, NULL, NULL,
                                                          spawn_until_refused, NULL, NULL, NULL, NULL};

/* Runs `f` in a child process: 1 if it died of SIGABRT (stderr silenced). */
static int aborts(void (*f)(void)) {
  pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stderr);
    f();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}
static const fnd_type small_type = {"small", sizeof(int), _Alignof(int), NULL, NULL, NULL, NULL, NULL};
static void init_too_small(void) {
  static _Alignas(8) unsigned char storage[8];
  fnd_msg_class_init(&small_type, storage, sizeof storage);
}
static void init_twice(void) {
  static _Alignas(8) unsigned char a[FND_MSG_CLASS_SIZE], b[FND_MSG_CLASS_SIZE];
  fnd_msg_class_init(&small_type, a, sizeof a);
  fnd_msg_class_init(&small_type, b, sizeof b);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
  EXPECT(fnd_abi_version() == FND_ABI_VERSION);
  EXPECT(strlen(fnd_runtime_version()) > 0);

  /* 1. messages and run()'s exit code */
  {
    fnd_node_options opts = {2, "c-test", FND_LOG_WARNING, 0, 0, 0};
    fnd_node* node = fnd_node_new(&opts);
    int target = 5050;
    fnd_pid counter = fnd_node_spawn(node, &counter_class, &target, NULL);
    EXPECT(counter != NULL);
    char buf[32];
    EXPECT(fnd_pid_format(counter, buf, sizeof buf) > 0 && buf[0] == '<');
    for (int i = 1; i <= 100; ++i) fnd_node_send(node, counter, &int_type, &i);
    EXPECT(fnd_node_run(node) == 5050);
    int v = 1;
    EXPECT(fnd_try_send(NULL, counter, &int_type, &v) == FND_ERR_NOPROC); /* stopped: dead */
    fnd_pid_release(counter);
    fnd_node_free(node);
  }

  /* 1a. a class with a receive callback: ints through the layout, the note passed on */
  {
    fnd_node* node = fnd_node_new(NULL);
    int_class = fnd_msg_class_of(&int_type);
    int target = 5050;
    fnd_pid counter = fnd_node_spawn(node, &fast_counter_class, &target, NULL);
    double note = 2.5;
    fnd_node_send(node, counter, &note_type, &note);
    for (int i = 1; i <= 100; ++i) fnd_node_send(node, counter, &int_type, &i);
    EXPECT(fnd_node_run(node) == 5050);
    EXPECT(others_seen == 1);
    fnd_pid_release(counter);
    fnd_node_free(node);
  }

  /* 1c. a message class in the program's storage: what fnd_msg_class_of returns from then on, and
   * the class every message of the type carries (sent by type or built in place) */
  {
    const fnd_msg_class* c = fnd_msg_class_init(&count_type, count_class_storage, sizeof count_class_storage);
    EXPECT((const void*)c == (const void*)count_class_storage);
    EXPECT(fnd_msg_class_of(&count_type) == c);
    fnd_node* node = fnd_node_new(NULL);
    int target = 5051;
    fnd_pid counter = fnd_node_spawn(node, &static_counter_class, &target, NULL);
    for (int i = 1; i <= 100; ++i) fnd_node_send(node, counter, &count_type, &i);
    int* one = (int*)fnd_msg_alloc(c);
    *one = 1;
    fnd_msg_free(c, one); /* an envelope of the class, freed unsent */
    one = (int*)fnd_msg_alloc(c);
    *one = 1;
    fnd_node_send(node, counter, &count_type, one); /* copied from a payload of the class */
    fnd_msg_free(c, one);
    EXPECT(fnd_node_run(node) == 5051);
    fnd_pid_release(counter);
    fnd_node_free(node);
    /* storage smaller than the runtime's class, and a second class for one type: fatal */
    EXPECT(aborts(init_too_small));
    EXPECT(aborts(init_twice));
  }

  /* 1b. a class whose state needs more alignment than the runtime gives is refused at spawn */
  {
    fnd_node* node = fnd_node_new(NULL);
    fnd_actor_class over = counter_class;
    over.state_align = 64;
    EXPECT(fnd_node_spawn(node, &over, NULL, NULL) == NULL);
    EXPECT(strcmp(fnd_last_error_code(), "badarg") == 0);
    fnd_node_free(node);
  }

  /* 1d. spawns in two steps (for compilers) */
  {
    fnd_node* node = fnd_node_new(NULL);
    fnd_pid spawner = fnd_node_spawn(node, &two_step_class, NULL, NULL);
    EXPECT(fnd_node_run(node) == 5050);
    fnd_pid_release(spawner);
    fnd_node_free(node);
    EXPECT(destroyed == 2); /* the named one too, when the node stopped */
  }

  /* 1e. a two-step spawn refused because the node is stopping (its state is destroyed) */
  {
    fnd_node* node = fnd_node_new(NULL);
    fnd_pid spawner = fnd_node_spawn(node, &spawn_until_refused_class, NULL, NULL);
    int go = 1;
    fnd_node_send(node, spawner, &int_type, &go);
    while (!spawner_busy) sched_yield();
    fnd_node_stop(node); /* refuses spawns, then waits for the spawner's callback to return */
    EXPECT(refused_probe >= 0);
    EXPECT(strcmp(refused_code, "start_failed") == 0);
    for (int i = 0; i < refused_probe; ++i) EXPECT(probe_destroyed[i] == 1); /* killed by the stop */
    fnd_pid_release(spawner);
    fnd_node_free(node);
  }

  /* 2. links (by fnd_spawn's options and by fnd_actor_spawn's) and trap_exit; fnd_crash in a message
   * callback (alone or followed by fnd_stop) and in on start exits with error(boom) */
  {
    const fnd_actor_class* children[] = {&crashy_class, &crash_then_stop_class, &crash_at_start_class};
    /* the trapper links by fnd_spawn's options, the two-step one by fnd_actor_spawn's (the states of
     * these children are empty: nothing to build) */
    const fnd_actor_class* trappers[] = {&trapper_class, &two_step_trapper_class};
    for (size_t k = 0; k < sizeof trappers / sizeof trappers[0]; ++k)
      for (size_t i = 0; i < sizeof children / sizeof children[0]; ++i) {
        fnd_node* node = fnd_node_new(NULL);
        fnd_pid t = fnd_node_spawn(node, trappers[k], children[i], NULL);
        EXPECT(fnd_node_run(node) == 42);
        fnd_pid_release(t);
        fnd_node_free(node);
      }
  }

  /* 3. supervisors and the registry */
  {
    fnd_node_options opts = {2, "c-sup", FND_LOG_ERROR + 0, 0, 0, 0};
    fnd_node* node = fnd_node_new(&opts);
    fnd_sup_spec* spec = fnd_sup_spec_new("csup", FND_ONE_FOR_ONE, 5, 10000);
    EXPECT(fnd_sup_spec_add_child(spec, "w", &crashy_class, NULL, FND_PERMANENT, FND_SHUTDOWN_TIMEOUT, 1000) == FND_OK);
    fnd_pid sup = fnd_start_supervisor(node, spec);
    EXPECT(sup != NULL);
    fnd_pid w1 = fnd_whereis(node, "csup.w");
    EXPECT(w1 != NULL);
    int v = 1;
    fnd_node_send(node, w1, &int_type, &v);
    fnd_pid w2 = NULL;
    double deadline = now_s() + 20;
    while (now_s() < deadline) {
      w2 = fnd_whereis(node, "csup.w");
      if (w2 && !fnd_pid_equal(w1, w2) && fnd_pid_alive(w2)) break;
      if (w2) fnd_pid_release(w2);
      w2 = NULL;
      sched_yield();
    }
    EXPECT(w2 != NULL); /* restarted under the same name */
    size_t counts[4] = {0, 0, 0, 0};
    EXPECT(fnd_sup_count_children(node, sup, counts) == FND_OK);
    EXPECT(counts[0] == 1 && counts[1] == 1 && counts[2] == 0 && counts[3] == 1);
    EXPECT(fnd_register(node, "csup.w", sup) == FND_ERR_NAME_TAKEN);
    EXPECT(strcmp(fnd_last_error_code(), "name_taken") == 0);
    EXPECT(fnd_sup_terminate_child(node, sup, "w") == FND_OK);
    EXPECT(fnd_sup_delete_child(node, sup, "w") == FND_OK);
    EXPECT(fnd_sup_delete_child(node, sup, "w") == FND_ERR_NOT_FOUND);
    fnd_pid_release(w1);
    if (w2) fnd_pid_release(w2);
    fnd_pid_release(sup);
    fnd_sup_spec_free(spec);
    fnd_node_stop(node);
    fnd_node_free(node);
  }

  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  else printf("C ABI: all checks passed\n");
  return failures ? 1 : 0;
}

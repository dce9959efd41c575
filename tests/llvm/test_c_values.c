/* The C ABI for generated code (fnd/runtime_values.h) from C: strings, formatting, conversions,
 * bytes, refs (and their inline counting layout), record descriptors (copy/destroy/equal with nested
 * records), sending to refs, messages built in place and message_data dispatch, print. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fnd/runtime.h"

static int failures = 0;
#define EXPECT(c)                                                                    \
  do {                                                                               \
    if (!(c)) {                                                                      \
      fprintf(stderr, "%s:%d: expectation failed: %s\n", __FILE__, __LINE__, #c);    \
      ++failures;                                                                    \
    }                                                                                \
  } while (0)

static int str_is(fnd_str* s, const char* text) {
  int ok = strcmp(fnd_str_data(s), text) == 0 && fnd_str_len(s) == strlen(text);
  fnd_str_release(s);
  return ok;
}

/* A message { n: int, name: string, inner: { flag: bool, who: ref } } as the back end lays it out. */
typedef struct {
  uint8_t flag;
  fnd_ref* who;
} inner_t;
typedef struct {
  int64_t n;
  fnd_str* name;
  inner_t inner;
} outer_t;
static const fnd_field inner_fields[] = {{"flag", FND_KIND_BOOL, offsetof(inner_t, flag), NULL},
                                         {"who", FND_KIND_REF, offsetof(inner_t, who), NULL}};
static const fnd_record inner_rec = {"Inner", sizeof(inner_t), _Alignof(inner_t), 2, inner_fields};
static const fnd_field outer_fields[] = {{"n", FND_KIND_INT, offsetof(outer_t, n), NULL},
                                         {"name", FND_KIND_STRING, offsetof(outer_t, name), NULL},
                                         {"inner", FND_KIND_RECORD, offsetof(outer_t, inner), &inner_rec}};
static const fnd_record outer_rec = {"Outer", sizeof(outer_t), _Alignof(outer_t), 3, outer_fields};

static void outer_copy(void* dst, const void* src) { fnd_record_copy(&outer_rec, dst, src); }
static void outer_destroy(void* v) { fnd_record_destroy(&outer_rec, v); }
static const fnd_type outer_type = {"Outer", sizeof(outer_t), _Alignof(outer_t), NULL, outer_copy, outer_destroy, NULL, NULL};

/* Receiver: checks the message, then shuts down with n (the received record's int). */
static void receiver_message(fnd_ctx* ctx, void* state, fnd_msg* msg) {
  (void)state;
  if (fnd_msg_type(msg) != &outer_type) return;
  outer_t* o = (outer_t*)fnd_msg_data(msg);
  int ok = strcmp(fnd_str_data(o->name), "payload") == 0 && o->inner.flag == 1 && o->inner.who != NULL;
  fnd_node_shutdown(fnd_ctx_node(ctx), ok ? (int)o->n : 99);
}
static const fnd_actor_class receiver_class = {"receiver", 0, 0, NULL, NULL, receiver_message, NULL, NULL, NULL, NULL};

/* Sender: sends one Outer to the name "recv" through a named ref, one to the null ref (dropped). */
static void sender_start(fnd_ctx* ctx, void* state) {
  (void)state;
  fnd_ref* to = fnd_ref_named("recv");
  outer_t v;
  memset(&v, 0, sizeof v);
  v.n = 7;
  v.name = fnd_str_new("payload", 7);
  v.inner.flag = 1;
  v.inner.who = fnd_ref_from_pid(fnd_self(ctx));
  if (fnd_ref_pid_id(v.inner.who) != fnd_pid_id(fnd_self(ctx))) v.n = 98; /* emit's measurement of a pid ref */
  outer_t dropped;
  outer_copy(&dropped, &v);
  fnd_ref_send(ctx, NULL, &outer_type, &dropped); /* destroyed by the runtime */
  fnd_ref_send(ctx, to, &outer_type, &v);         /* moved into the message */
  fnd_ref_release(to);
}
static const fnd_actor_class sender_class = {"sender", 0, 0, NULL, sender_start, receiver_message, NULL, NULL, NULL, NULL};

/* Messages built in place (fnd_msg_alloc) and delivered through message_data: the echo replies
 * n + 1 to each Outer; the asker frees one unsent envelope, posts one to the null ref (dropped), one
 * to the echo through a pid ref, and shuts the node down with the reply's n. */
static void fill_outer(outer_t* o, fnd_ctx* ctx, int64_t n) {
  o->n = n;
  o->name = fnd_str_new("payload", 7);
  o->inner.flag = 1;
  o->inner.who = fnd_ref_from_pid(fnd_self(ctx));
}
static void echo_data(fnd_ctx* ctx, void* state, fnd_msg* msg, const fnd_type* type, void* data) {
  (void)state;
  if (type != &outer_type || data != fnd_msg_data(msg) || fnd_msg_type(msg) != type) return;
  const outer_t* in = (const outer_t*)data;
  const fnd_msg_class* cls = fnd_msg_class_of(&outer_type);
  outer_t* out = (outer_t*)fnd_msg_alloc(cls);
  fill_outer(out, ctx, strcmp(fnd_str_data(in->name), "payload") == 0 ? in->n + 1 : 97);
  EXPECT(fnd_msg_reply(ctx, cls, out) == FND_OK);
}
static void asker_start(fnd_ctx* ctx, void* state) {
  fnd_pid echo = *(fnd_pid*)state;
  const fnd_msg_class* cls = fnd_msg_class_of(&outer_type);
  EXPECT(cls != NULL && fnd_msg_class_of(&outer_type) == cls);
  outer_t* unsent = (outer_t*)fnd_msg_alloc(cls);
  EXPECT(((uintptr_t)unsent & (_Alignof(outer_t) - 1)) == 0);
  fill_outer(unsent, ctx, 1);
  fnd_msg_free(cls, unsent); /* destroys the value: its string and ref are released */
  outer_t* dropped = (outer_t*)fnd_msg_alloc(cls);
  fill_outer(dropped, ctx, 2);
  fnd_ref_post(ctx, NULL, cls, dropped);
  fnd_ref* to = fnd_ref_from_pid(echo);
  outer_t* v = (outer_t*)fnd_msg_alloc(cls);
  fill_outer(v, ctx, 41);
  fnd_ref_post(ctx, to, cls, v);
  fnd_ref_release(to);
}
static void asker_data(fnd_ctx* ctx, void* state, fnd_msg* msg, const fnd_type* type, void* data) {
  (void)state;
  (void)msg;
  if (type == &outer_type) fnd_node_shutdown(fnd_ctx_node(ctx), (int)((const outer_t*)data)->n);
}
static int asker_init(void* state, const void* arg) {
  *(fnd_pid*)state = (fnd_pid)arg;
  return 0;
}
static const fnd_actor_class echo_class = {"echo", 0, 0, NULL, NULL, NULL, NULL, NULL, echo_data, NULL};
static const fnd_actor_class asker_class = {"asker", sizeof(fnd_pid), 0, asker_init, asker_start, NULL, NULL, NULL, asker_data, NULL};

/* The count layout of fnd/runtime_values.h: the 32-bit count at the handle (low bit cleared). */
static uint32_t ref_count(const fnd_ref* r) { return *(const uint32_t*)((uintptr_t)r & ~(uintptr_t)1); }

int main(void) {
  /* strings */
  fnd_str* a = fnd_str_new("ab", 2);
  fnd_str* b = fnd_str_new("abc", 3);
  EXPECT(fnd_str_new("", 0) == NULL); /* "" is NULL */
  EXPECT(fnd_str_len(NULL) == 0 && strcmp(fnd_str_data(NULL), "") == 0);
  EXPECT(fnd_str_compare(a, b) < 0 && fnd_str_compare(b, a) > 0 && fnd_str_compare(a, a) == 0);
  EXPECT(fnd_str_compare(NULL, a) < 0);
  EXPECT(!fnd_str_equal(a, b) && fnd_str_equal(NULL, NULL));
  EXPECT(fnd_str_contains(b, a) && fnd_str_starts_with(b, a) && !fnd_str_ends_with(b, a));
  const fnd_str* parts[3] = {a, NULL, b};
  EXPECT(str_is(fnd_str_concat(parts, 3), "ababc"));
  EXPECT(fnd_str_retain(a) == a);
  fnd_str_release(a);
  fnd_str_release(a);
  fnd_str_release(b);

  /* formatting, as docs/language.md */
  EXPECT(str_is(fnd_fmt_int(-42), "-42"));
  EXPECT(str_is(fnd_fmt_float(2.0), "2.0"));
  EXPECT(str_is(fnd_fmt_float(0.1), "0.1"));
  EXPECT(str_is(fnd_fmt_float(1e21), "1e+21"));
  EXPECT(str_is(fnd_fmt_bool(1), "true"));
  EXPECT(str_is(fnd_fmt_duration(1500), "1500ms"));
  EXPECT(str_is(fnd_fmt_duration(120000), "2m"));
  EXPECT(str_is(fnd_fmt_duration(7200000), "2h"));
  EXPECT(str_is(fnd_fmt_duration(0), "0ms"));

  /* conversions */
  int64_t i = 0;
  double d = 0;
  fnd_str* s12 = fnd_str_new("+12", 3);
  fnd_str* bad = fnd_str_new("12x", 3);
  fnd_str* big = fnd_str_new("-9223372036854775809", 20);
  EXPECT(fnd_str_to_int(s12, &i) == 1 && i == 12);
  EXPECT(fnd_str_to_int(bad, &i) == 0 && fnd_str_to_int(NULL, &i) == 0);
  EXPECT(fnd_str_to_int(big, &i) == -1); /* an integer, out of range */
  fnd_str_release(big);
  EXPECT(fnd_str_to_float(s12, &d) && d == 12.0);
  EXPECT(!fnd_str_to_float(bad, &d));
  fnd_str_release(s12);
  fnd_str_release(bad);

  /* bytes: NULL is empty; concat, equality, conversions to and from strings; records and lists */
  {
    fnd_bytes* x = fnd_bytes_new("\x00\xff", 2);
    fnd_bytes* y = fnd_bytes_new("ab", 2);
    EXPECT(fnd_bytes_new("", 0) == NULL && fnd_bytes_len(NULL) == 0);
    EXPECT(fnd_bytes_len(x) == 2 && fnd_bytes_data(x)[0] == 0 && fnd_bytes_data(x)[1] == 0xff);
    fnd_bytes* xy = fnd_bytes_concat(x, y);
    EXPECT(fnd_bytes_len(xy) == 4 && memcmp(fnd_bytes_data(xy), "\x00\xff" "ab", 4) == 0);
    fnd_bytes* same = fnd_bytes_concat(NULL, y); /* shares y */
    EXPECT(same == y && fnd_bytes_equal(same, y) && !fnd_bytes_equal(x, y) && fnd_bytes_equal(NULL, NULL));
    EXPECT(fnd_bytes_concat(NULL, NULL) == NULL);
    fnd_str* text = fnd_str_from_bytes(y);
    EXPECT(strcmp(fnd_str_data(text), "ab") == 0);
    fnd_bytes* back = fnd_bytes_from_str(text);
    EXPECT(fnd_bytes_equal(back, y) && back != y);
    EXPECT(fnd_str_from_bytes(NULL) == NULL && fnd_bytes_from_str(NULL) == NULL);
    fnd_str_release(text);
    /* a record { data: bytes } and a list of bytes copy/compare/release the octets */
    static const fnd_field bf[] = {{"data", FND_KIND_BYTES, 0, NULL}};
    static const fnd_record brec = {"B", sizeof(fnd_bytes*), _Alignof(fnd_bytes*), 1, bf};
    fnd_bytes* r1 = xy;
    fnd_bytes* r2 = NULL;
    fnd_record_copy(&brec, &r2, &r1);
    EXPECT(r2 == r1 && fnd_record_equal(&brec, &r1, &r2));
    EXPECT(!fnd_record_equal(&brec, &r1, &back));
    fnd_record_destroy(&brec, &r2);
    static const fnd_elem belem = {FND_KIND_BYTES, sizeof(fnd_bytes*), NULL};
    fnd_list* l = NULL;
    fnd_list_push(&l, &belem, &x);
    fnd_list_push(&l, &belem, &y);
    EXPECT(fnd_list_len(l) == 2 && fnd_list_contains(l, &back) && !fnd_list_contains(l, &xy));
    fnd_list* l2 = fnd_list_retain(l);
    fnd_list_push(&l2, &belem, &xy); /* copy on write */
    EXPECT(fnd_list_len(l) == 2 && fnd_list_len(l2) == 3 && !fnd_list_equal(l, l2));
    fnd_list_release(l);
    fnd_list_release(l2);
    fnd_bytes_release(back);
    fnd_bytes_release(same);
    fnd_bytes_release(xy);
    fnd_bytes_release(y);
    fnd_bytes_release(x);
  }

  /* refs */
  fnd_ref* n1 = fnd_ref_named("app.worker");
  fnd_ref* n2 = fnd_ref_named("app.worker");
  EXPECT(fnd_ref_equal(n1, n2) && !fnd_ref_equal(n1, NULL) && fnd_ref_equal(NULL, NULL));
  EXPECT(str_is(fnd_fmt_ref(n1), "app.worker"));
  EXPECT(fnd_ref_pid_id(n1) == 0 && fnd_ref_pid_id(NULL) == 0); /* emit's measurement of a name: 0 */
  EXPECT(fnd_ref_from_pid(NULL) == NULL);
  fnd_ref_release(n1);
  fnd_ref_release(n2);

  /* records: copy retains, equal compares field-wise (nested), destroy releases */
  outer_t x, y;
  memset(&x, 0, sizeof x);
  x.n = 1;
  x.name = fnd_str_new("x", 1);
  x.inner.flag = 1;
  x.inner.who = fnd_ref_named("w");
  fnd_record_copy(&outer_rec, &y, &x);
  EXPECT(y.name == x.name && y.inner.who == x.inner.who);
  EXPECT(fnd_record_equal(&outer_rec, &x, &y));
  y.inner.flag = 0;
  EXPECT(!fnd_record_equal(&outer_rec, &x, &y));
  fnd_record_destroy(&outer_rec, &y);
  fnd_record_destroy(&outer_rec, &x);

  /* lists: copy-on-write values */
  {
    static const fnd_elem int_elem = {FND_KIND_INT, 8, NULL};
    static const fnd_elem str_elem = {FND_KIND_STRING, sizeof(fnd_str*), NULL};
    fnd_list* xs = NULL;
    for (int64_t v = 1; v <= 10; ++v) fnd_list_push(&xs, &int_elem, &v);
    EXPECT(fnd_list_len(xs) == 10 && *(int64_t*)fnd_list_at(xs, 9) == 10);
    EXPECT(fnd_list_at(xs, 10) == NULL && fnd_list_at(xs, -1) == NULL && fnd_list_at(NULL, 0) == NULL);
    fnd_list* ys = fnd_list_retain(xs); /* a copy (shared storage) */
    *(int64_t*)fnd_list_at_mut(&ys, 0) = 100; /* unshares ys: xs keeps its value */
    EXPECT(ys != xs && *(int64_t*)fnd_list_at(xs, 0) == 1 && *(int64_t*)fnd_list_at(ys, 0) == 100);
    int64_t out = 0;
    EXPECT(fnd_list_pop(&ys, &out) && out == 10 && fnd_list_len(ys) == 9 && fnd_list_len(xs) == 10);
    int64_t three = 3, eleven = 11;
    EXPECT(fnd_list_contains(xs, &three) && !fnd_list_contains(xs, &eleven));
    EXPECT(!fnd_list_equal(xs, ys) && fnd_list_equal(xs, xs) && fnd_list_equal(NULL, NULL));
    fnd_list_clear(&ys);
    EXPECT(ys == NULL && !fnd_list_pop(&ys, &out));
    fnd_list_release(xs);
    fnd_list* ss = NULL;
    fnd_str* s = fnd_str_new("shared", 6);
    fnd_list_push(&ss, &str_elem, &s); /* retains */
    fnd_list* tt = fnd_list_retain(ss);
    fnd_list_push(&tt, &str_elem, &s); /* unshares: elements retained again */
    fnd_str_release(s);
    EXPECT(fnd_list_len(ss) == 1 && fnd_list_len(tt) == 2);
    EXPECT(strcmp(fnd_str_data(*(fnd_str**)fnd_list_at(tt, 1)), "shared") == 0);
    fnd_list_release(ss);
    fnd_list_release(tt);
  }

  /* maps: sorted keys, copy-on-write */
  {
    static const fnd_elem skey = {FND_KIND_STRING, sizeof(fnd_str*), NULL};
    static const fnd_elem ival = {FND_KIND_INT, 8, NULL};
    fnd_map* m = NULL;
    const char* names[3] = {"pear", "apple", "banana"};
    for (int64_t k = 0; k < 3; ++k) {
      fnd_str* key = fnd_str_new(names[k], strlen(names[k]));
      fnd_map_put(&m, &skey, &ival, &key, &k);
      fnd_str_release(key);
    }
    EXPECT(fnd_map_len(m) == 3);
    EXPECT(strcmp(fnd_str_data(*(fnd_str**)fnd_map_key_at(m, 0)), "apple") == 0);
    EXPECT(strcmp(fnd_str_data(*(fnd_str**)fnd_map_key_at(m, 2)), "pear") == 0);
    fnd_map* copy = fnd_map_retain(m);
    fnd_str* apple = fnd_str_new("apple", 5);
    int64_t v = 42;
    fnd_map_put(&copy, &skey, &ival, &apple, &v); /* replaces in the unshared copy only */
    EXPECT(*(int64_t*)fnd_map_get(copy, &apple) == 42 && *(int64_t*)fnd_map_get(m, &apple) == 1);
    fnd_map* shared = fnd_map_retain(copy); /* a write in place unshares too: `shared` keeps 42 */
    *(int64_t*)fnd_map_get_mut(&copy, &apple) += 1;
    EXPECT(copy != shared && *(int64_t*)fnd_map_get(copy, &apple) == 43 && *(int64_t*)fnd_map_get(shared, &apple) == 42);
    fnd_str* kiwi = fnd_str_new("kiwi", 4);
    fnd_map* before = copy;
    EXPECT(fnd_map_get_mut(&copy, &kiwi) == NULL && copy == before && fnd_map_len(copy) == 3);
    fnd_str_release(kiwi);
    fnd_map_release(shared);
    fnd_list* keys = fnd_map_keys(m);
    fnd_map_remove(&m, &apple); /* keys() keeps its snapshot */
    EXPECT(fnd_list_len(keys) == 3 && fnd_map_len(m) == 2 && fnd_map_get(m, &apple) == NULL);
    EXPECT(!fnd_map_equal(m, copy));
    fnd_list_release(keys);
    fnd_str_release(apple);
    fnd_map_release(copy);
    fnd_map_clear(&m);
    EXPECT(m == NULL && fnd_map_len(m) == 0);
    fnd_str* csv = fnd_str_new("a,b,,c", 6);
    fnd_str* comma = fnd_str_new(",", 1);
    fnd_list* parts = fnd_str_split(csv, comma);
    EXPECT(fnd_list_len(parts) == 4 && fnd_str_len(*(fnd_str**)fnd_list_at(parts, 2)) == 0);
    fnd_list_release(parts);
    fnd_str_release(csv);
    fnd_str_release(comma);
  }

  /* sending through refs between C actors */
  {
    fnd_node_options opts = {2, "c-values", FND_LOG_WARNING, 0, 0, 0};
    fnd_node* node = fnd_node_new(&opts);
    fnd_pid recv = fnd_node_spawn(node, &receiver_class, NULL, NULL);
    EXPECT(fnd_register(node, "recv", recv) == FND_OK);
    fnd_ref* r = fnd_ref_named("recv");
    fnd_pid resolved = fnd_ref_resolve(node, r);
    EXPECT(resolved != NULL && fnd_pid_equal(resolved, recv));
    fnd_pid_release(resolved);
    fnd_ref_release(r);
    fnd_pid snd = fnd_node_spawn(node, &sender_class, NULL, NULL);
    EXPECT(fnd_node_run(node) == 7);
    fnd_pid_release(snd);
    fnd_pid_release(recv);
    fnd_node_free(node);
  }

  /* refs counted inline, as generated code does */
  {
    fnd_ref* named = fnd_ref_named("someone");
    EXPECT(ref_count(named) == 1 && fnd_ref_retain(named) == named && ref_count(named) == 2);
    fnd_ref_release(named);
    EXPECT(__atomic_fetch_sub((uint32_t*)named, 1, __ATOMIC_ACQ_REL) == 1);
    fnd_ref_release_last(named); /* freed (ASan: no leak) */
    fnd_node* node = fnd_node_new(NULL);
    fnd_pid echo = fnd_node_spawn(node, &echo_class, NULL, NULL);
    fnd_ref* r = fnd_ref_from_pid(echo);
    EXPECT(((uintptr_t)r & 1) && (uintptr_t)r == (uintptr_t)echo + 1); /* a pid ref is the pid + 1 */
    const uint32_t before = ref_count(r);
    fnd_ref_retain(r);
    EXPECT(ref_count(r) == before + 1);
    fnd_ref_release(r);
    fnd_ref_release(r);
    fnd_pid_release(echo);
    fnd_node_free(node);
  }

  /* messages built in place, dispatched through message_data */
  {
    fnd_node_options opts = {2, "c-values-inplace", FND_LOG_WARNING, 0, 0, 0};
    fnd_node* node = fnd_node_new(&opts);
    fnd_pid echo = fnd_node_spawn(node, &echo_class, NULL, NULL);
    EXPECT(echo != NULL);
    fnd_pid asker = fnd_node_spawn(node, &asker_class, echo, NULL);
    EXPECT(fnd_node_run(node) == 42);
    fnd_pid_release(asker);
    fnd_pid_release(echo);
    fnd_node_free(node);
  }

  fnd_str* line = fnd_str_new("C values: print works", 21);
  fnd_print(line);
  fnd_str_release(line);
  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  else printf("C values ABI: all checks passed\n");
  return failures ? 1 : 0;
}

// The C ABI's native-actor bridge (fnd/runtime.h), used by the extern actors' glue of programs
// built with --target=llvm: a C++ actor spawned through a factory (fnd_spawn_native, supervised
// with fnd_sup_spec_add_native_child) exchanging messages with a C actor, its C++ replies turned
// into records by a converter registered with fnd_bridge_native_type.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>
#include <string>

#include "fnd/fnd.hpp"
#include "fnd/runtime.h"

namespace {

// A record { n: int, s: string } as the LLVM back end lays it out, and its C++ counterpart.
struct NumRec {
  int64_t n;
  fnd_str* s;
};
const fnd_field num_fields[] = {{"n", FND_KIND_INT, offsetof(NumRec, n), nullptr},
                                {"s", FND_KIND_STRING, offsetof(NumRec, s), nullptr}};
const fnd_record num_rec = {"Num", sizeof(NumRec), alignof(NumRec), 2, num_fields};
void num_copy(void* d, const void* s) { fnd_record_copy(&num_rec, d, s); }
void num_destroy(void* v) { fnd_record_destroy(&num_rec, v); }
const fnd_type num_type = {"Num", sizeof(NumRec), alignof(NumRec), nullptr, num_copy, num_destroy, nullptr, nullptr};

struct Num {
  int64_t n;
  std::string s;
};
void num_from_native(void* dst, const void* src) {
  const auto& v = *static_cast<const Num*>(src);
  new (dst) NumRec{v.n, fnd_str_new(v.s.data(), v.s.size())};
}

// The C++ actor: answers a Num record with the C++ Num {2n + bonus, s + "!"}.
class Doubler : public fnd::Actor {
 public:
  explicit Doubler(int64_t bonus) : bonus_(bonus) {}
  void on_message(fnd::Message& m) override {
    if (m.type()->c_type != &num_type) return;
    const auto* r = static_cast<const NumRec*>(m.data());
    reply(Num{2 * r->n + bonus_, std::string(fnd_str_data(r->s)) + "!"});
  }

 private:
  int64_t bonus_;
};
void* make_doubler(const void* arg) { return static_cast<fnd::Actor*>(new Doubler(*static_cast<const int64_t*>(arg))); }
void* make_nothing(const void*) { return nullptr; }

const int64_t kBonus = 3;
bool g_reply_ok = false;
bool g_failed_spawn_ok = false;

// The C actor: spawns a Doubler, sends it Num {5, "x"}; the reply arrives as a record.
void asker_start(fnd_ctx* ctx, void*) {
  fnd_pid none = fnd_spawn_native(ctx, nullptr, make_nothing, nullptr, nullptr);
  g_failed_spawn_ok = none == nullptr && std::string(fnd_last_error_code()) != "";
  fnd_pid d = fnd_spawn_native(ctx, nullptr, make_doubler, &kBonus, nullptr);
  NumRec v{5, fnd_str_new("x", 1)};
  fnd_send(ctx, d, &num_type, &v);
  fnd_pid_release(d);
}
void asker_message(fnd_ctx* ctx, void*, fnd_msg* msg) {
  if (fnd_msg_type(msg) != &num_type) return;
  const auto* r = static_cast<const NumRec*>(fnd_msg_data(msg));
  g_reply_ok = r->n == 13 && std::string(fnd_str_data(r->s)) == "x!" && fnd_msg_sender(msg) != nullptr;
  fnd_node_shutdown(fnd_ctx_node(ctx), static_cast<int>(r->n));
}
const fnd_actor_class asker_class = {"asker", 0, 0, nullptr, asker_start, asker_message, nullptr, nullptr, nullptr, nullptr};

}  // namespace

TEST_CASE("native actors: spawn through a factory, C++ replies reach a C actor as records") {
  fnd_bridge_native_type(fnd::type_of<Num>(), &num_type, num_from_native);
  fnd_node_options o{};
  o.threads = 2;
  o.log_level = -1;
  fnd_node* node = fnd_node_new(&o);
  fnd_pid asker = fnd_node_spawn(node, &asker_class, nullptr, nullptr);
  REQUIRE(asker != nullptr);
  CHECK(fnd_node_run(node) == 13);
  CHECK(g_reply_ok);
  CHECK(g_failed_spawn_ok);
  fnd_pid_release(asker);
  fnd_node_free(node);
}

TEST_CASE("native actors: supervised children start from their factory") {
  fnd_node_options o{};
  o.threads = 1;
  o.log_level = -1;
  fnd_node* node = fnd_node_new(&o);
  fnd_sup_spec* spec = fnd_sup_spec_new("sup", FND_ONE_FOR_ONE, 3, 5000);
  REQUIRE(fnd_sup_spec_add_native_child(spec, "d", make_doubler, &kBonus, FND_PERMANENT, FND_SHUTDOWN_TIMEOUT, 1000) ==
          FND_OK);
  CHECK(fnd_sup_spec_add_native_child(spec, "x", nullptr, nullptr, FND_PERMANENT, FND_SHUTDOWN_TIMEOUT, 1000) ==
        FND_ERR_BADARG);
  fnd_pid sup = fnd_start_supervisor(node, spec);
  REQUIRE(sup != nullptr);
  size_t counts[4] = {};
  REQUIRE(fnd_sup_count_children(node, sup, counts) == FND_OK);
  CHECK(counts[1] == 1);  // active
  CHECK(counts[3] == 1);  // workers
  fnd_sup_spec_free(spec);
  fnd_pid_release(sup);
  fnd_node_free(node);
}

TEST_CASE("native actors: a failing factory fails the supervisor's start") {
  fnd_node_options o{};
  o.threads = 1;
  o.log_level = -1;
  fnd_node* node = fnd_node_new(&o);
  fnd_sup_spec* spec = fnd_sup_spec_new("sup2", FND_ONE_FOR_ONE, 3, 5000);
  REQUIRE(fnd_sup_spec_add_native_child(spec, "n", make_nothing, nullptr, FND_PERMANENT, FND_SHUTDOWN_TIMEOUT, 1000) ==
          FND_OK);
  CHECK(fnd_start_supervisor(node, spec) == nullptr);
  CHECK(std::string(fnd_last_error_code()) != "");
  fnd_sup_spec_free(spec);
  fnd_node_free(node);
}

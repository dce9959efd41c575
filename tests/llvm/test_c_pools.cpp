// Pools through the C ABI (fnd/runtime.h, "pools"), as `spawn pool(...)` of programs built with
// --target=llvm uses them: a simple_one_for_one supervisor with a pool template, registered for its
// declaration; children started from a C actor with an args record; a pool nobody runs.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <string>

#include "fnd/runtime.h"

namespace {

// The children's args record { id: int } and the Result message { id: int } they send.
struct IdRec {
  int64_t id;
};
const fnd_field id_fields[] = {{"id", FND_KIND_INT, offsetof(IdRec, id), nullptr}};
const fnd_record id_rec = {"Id", sizeof(IdRec), alignof(IdRec), 1, id_fields};
const fnd_type result_type = {"Result", sizeof(IdRec), alignof(IdRec), nullptr, nullptr, nullptr, nullptr, nullptr};

// A pool child: its state is its args; on start it reports its id to "boss".
int worker_init(void* state, const void* arg) {
  *static_cast<IdRec*>(state) = *static_cast<const IdRec*>(arg);
  return 0;
}
void worker_start(fnd_ctx* ctx, void* state) {
  IdRec r = *static_cast<IdRec*>(state);
  fnd_send_name(ctx, "boss", &result_type, &r);
}
void ignore(fnd_ctx*, void*, fnd_msg*) {}
const fnd_actor_class worker_class = {"worker", sizeof(IdRec), alignof(IdRec), worker_init, worker_start, ignore,
                                      nullptr, nullptr, nullptr, nullptr};

std::atomic<int64_t> g_ids{0};
std::atomic<bool> g_missing_pool_null{false};

// The boss: starts children 1 and 2 of pool "P"; shuts down with 3 once both reported.
void boss_start(fnd_ctx* ctx, void*) {
  for (int64_t id = 1; id <= 2; ++id) {
    IdRec args{id};
    fnd_pid p = fnd_pool_spawn(ctx, "P", &worker_class, nullptr, &id_rec, &args, nullptr);
    if (p) fnd_pid_release(p);
  }
}
void boss_message(fnd_ctx* ctx, void*, fnd_msg* msg) {
  if (fnd_msg_type(msg) != &result_type) return;
  const int64_t sum = g_ids += static_cast<const IdRec*>(fnd_msg_data(msg))->id;
  if (sum == 3) fnd_node_shutdown(fnd_ctx_node(ctx), 3);
}
const fnd_actor_class boss_class = {"boss", 0, 0, nullptr, boss_start, boss_message, nullptr, nullptr, nullptr, nullptr};

// Spawns from a pool declaration nobody registered: NULL, and the caller crashes.
void lost_start(fnd_ctx* ctx, void*) {
  IdRec args{7};
  g_missing_pool_null = fnd_pool_spawn(ctx, "Nope", &worker_class, nullptr, &id_rec, &args, nullptr) == nullptr;
}
const fnd_actor_class lost_class = {"lost", 0, 0, nullptr, lost_start, ignore, nullptr, nullptr, nullptr, nullptr};

}  // namespace

TEST_CASE("pools: children started through fnd_pool_spawn get their args; a missing pool gives NULL") {
  fnd_node_options o{};
  o.threads = 2;
  o.log_level = -1;
  fnd_node* node = fnd_node_new(&o);
  fnd_sup_spec* spec = fnd_sup_spec_new("pool", FND_SIMPLE_ONE_FOR_ONE, 3, 5000);
  REQUIRE(fnd_sup_spec_add_pool_template(spec, FND_TEMPORARY) == FND_OK);
  fnd_pid sup = fnd_start_supervisor(node, spec);
  REQUIRE(sup != nullptr);
  fnd_pool_register("P", "pool");
  fnd_spawn_opts named{};
  named.name = "boss";
  fnd_pid lost = fnd_node_spawn(node, &lost_class, nullptr, nullptr);
  fnd_pid boss = fnd_node_spawn(node, &boss_class, nullptr, &named);
  REQUIRE(boss != nullptr);
  CHECK(fnd_node_run(node) == 3);
  CHECK(g_ids == 3);
  CHECK(g_missing_pool_null);
  fnd_pid_release(lost);
  fnd_pid_release(boss);
  fnd_pid_release(sup);
  fnd_sup_spec_free(spec);
  fnd_node_free(node);
}

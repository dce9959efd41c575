// Societies through the C ABI (fnd/runtime.h, "societies"), as programs built with --target=llvm use
// them: a society spec with two roles, members' names and order, neighbors() in a ring, role lists,
// broadcast to a role, publish/subscribe, the same calls from an actor outside any society, and
// native (C++) members sharing the society with C members.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "fnd/actor.hpp"
#include "fnd/node.hpp"
#include "fnd/runtime.h"
#include "fnd/society.hpp"

namespace {

struct N {
  int64_t n;
};
const fnd_type ping_type = {"Ping", sizeof(N), alignof(N), nullptr, nullptr, nullptr, nullptr, nullptr};
const fnd_type news_type = {"News", sizeof(N), alignof(N), nullptr, nullptr, nullptr, nullptr, nullptr};
const fnd_type got_type = {"Got", sizeof(N), alignof(N), nullptr, nullptr, nullptr, nullptr, nullptr};
const fnd_type hello_type = {"Hello", sizeof(N), alignof(N), nullptr, nullptr, nullptr, nullptr, nullptr};
const fnd_type joined_type = {"Joined", sizeof(N), alignof(N), nullptr, nullptr, nullptr, nullptr, nullptr};

std::string names(fnd_list* l) {
  std::string out;
  for (int64_t i = 0; i < fnd_list_len(l); ++i) {
    fnd_str* s = fnd_fmt_ref(*static_cast<fnd_ref**>(fnd_list_at(l, i)));
    out += (i ? " " : "") + std::string(fnd_str_data(s));
    fnd_str_release(s);
  }
  fnd_list_release(l);
  return out;
}

std::atomic<int64_t> g_got{0};  // sum of what the leader heard back
std::string g_lead_neighbors, g_workers, g_unknown_role, g_outsider;
std::vector<std::string> g_worker_neighbors(3);

// Workers (members 0..2): on the leader's Hello subscribe to "t" and answer Joined; answer Ping and
// News with Got{n + number of neighbours}. (A member's `on start` may run before later members are
// registered: the leader, started last, speaks first.)
int worker_init(void* state, const void* arg) {
  *static_cast<N*>(state) = *static_cast<const N*>(arg);
  return 0;
}
void worker_message(fnd_ctx* ctx, void*, fnd_msg* msg) {
  const fnd_type* t = fnd_msg_type(msg);
  if (t == &hello_type) {
    fnd_subscribe(ctx, "t");
    N joined{0};
    fnd_reply(ctx, &joined_type, &joined);
    return;
  }
  if (t != &ping_type && t != &news_type) return;
  N got{static_cast<const N*>(fnd_msg_data(msg))->n};
  fnd_list* ns = fnd_neighbors(ctx);
  const int64_t count = fnd_list_len(ns);
  fnd_list_release(ns);
  got.n += count;  // ring of 4: two neighbours each
  fnd_send_name(ctx, "S.lead.0", &got_type, &got);
}
const fnd_actor_class worker_class = {"worker", sizeof(N), alignof(N), worker_init, nullptr, worker_message,
                                      nullptr, nullptr, nullptr, nullptr};

// The leader (member 3): once every worker has subscribed, a broadcast and a publish.
std::atomic<int> g_joined{0};
void lead_start(fnd_ctx* ctx, void*) {
  g_lead_neighbors = names(fnd_neighbors(ctx));
  g_workers = names(fnd_role_members(ctx, "workers"));
  g_unknown_role = names(fnd_role_members(ctx, "nobody"));
  N hello{0};
  fnd_broadcast(ctx, "workers", &hello_type, &hello);
}
void everyone_joined(fnd_ctx* ctx) {
  N ping{100};
  fnd_broadcast(ctx, "workers", &ping_type, &ping);  // 3 x (100 + 2)
  N news{1000};
  fnd_publish(ctx, "t", &news_type, &news);          // 3 x (1000 + 2)
  fnd_publish(ctx, "nobody-subscribed", &news_type, &news);
}
void lead_message(fnd_ctx* ctx, void*, fnd_msg* msg) {
  if (fnd_msg_type(msg) == &joined_type && ++g_joined == 3) everyone_joined(ctx);
  if (fnd_msg_type(msg) != &got_type) return;
  if ((g_got += static_cast<const N*>(fnd_msg_data(msg))->n) == 3 * 102 + 3 * 1002)
    fnd_node_shutdown(fnd_ctx_node(ctx), 4);
}
const fnd_actor_class lead_class = {"lead", 0, 0, nullptr, lead_start, lead_message, nullptr, nullptr, nullptr, nullptr};

// Not a member: empty lists, and broadcast/publish/subscribe reach nobody.
void outsider_start(fnd_ctx* ctx, void*) {
  fnd_subscribe(ctx, "t");
  N n{1};
  fnd_broadcast(ctx, "workers", &ping_type, &n);
  fnd_publish(ctx, "t", &news_type, &n);
  g_outsider = "[" + names(fnd_neighbors(ctx)) + "][" + names(fnd_role_members(ctx, "workers")) + "]";
}
void ignore(fnd_ctx*, void*, fnd_msg*) {}
const fnd_actor_class outsider_class = {"outsider", 0, 0, nullptr, outsider_start, ignore, nullptr, nullptr, nullptr, nullptr};

}  // namespace

TEST_CASE("societies: member names and order, ring neighbours, role lists, broadcast and publish") {
  fnd_node_options o{};
  o.threads = 2;
  o.log_level = -1;
  fnd_node* node = fnd_node_new(&o);
  fnd_pid outsider = fnd_node_spawn(node, &outsider_class, nullptr, nullptr);
  static const N worker_args{0};
  fnd_sup_spec* spec = fnd_society_spec_new("S", FND_TOPOLOGY_RING, 1, 3, 5000);
  REQUIRE(fnd_society_spec_add_role(spec, "workers", 3, &worker_class, &worker_args, nullptr) == FND_OK);
  REQUIRE(fnd_society_spec_add_role(spec, "lead", 1, &lead_class, nullptr, nullptr) == FND_OK);
  fnd_pid sup = fnd_start_supervisor(node, spec);
  REQUIRE(sup != nullptr);
  CHECK(fnd_node_run(node) == 4);
  CHECK(g_got == 3 * 102 + 3 * 1002);
  CHECK(g_lead_neighbors == "S.workers.2 S.workers.0");  // ring: previous, then next
  CHECK(g_workers == "S.workers.0 S.workers.1 S.workers.2");
  CHECK(g_unknown_role.empty());
  CHECK(g_outsider == "[][]");
  fnd_pid_release(outsider);
  fnd_pid_release(sup);
  fnd_sup_spec_free(spec);
  fnd_node_free(node);
}

TEST_CASE("societies: role refs from outside the members, and bad arguments") {
  CHECK(names(fnd_role_refs("App.swarm", "bees", 2)) == "App.swarm.bees.0 App.swarm.bees.1");
  CHECK(names(fnd_role_refs("S", "none", 0)).empty());
  fnd_sup_spec* plain = fnd_sup_spec_new("P", FND_ONE_FOR_ONE, 3, 5000);
  CHECK(fnd_society_spec_add_role(plain, "r", 1, &worker_class, nullptr, nullptr) == FND_ERR_BADARG);
  fnd_sup_spec_free(plain);
  fnd_sup_spec* soc = fnd_society_spec_new("S2", FND_TOPOLOGY_MESH, 0, 1, 1000);
  CHECK(fnd_society_spec_add_role(soc, "r", -1, &worker_class, nullptr, nullptr) == FND_ERR_BADARG);
  CHECK(fnd_society_spec_add_role(soc, "r", 1, nullptr, nullptr, nullptr) == FND_ERR_BADARG);
  fnd_sup_spec_free(soc);
}

// Native (C++) members, as the LLVM back end's extern actors: a role added with
// fnd_society_spec_add_native_role; each member's factory runs with the membership pending (the same
// fnd::Society as the C members'), so the C lead's role list names them and its publish reaches them.
namespace {

std::atomic<int> g_native_subscribed{0}, g_native_news{0};
std::atomic<int64_t> g_native_index_sum{0}, g_native_news_sum{0};
std::string g_native_role;

struct NativeMember : fnd::Actor {
  fnd::SocietyMembership membership = fnd::take_pending_society_membership();
  void on_start() override {
    if (!membership.society) return;
    g_native_index_sum += static_cast<int64_t>(membership.index);
    membership.society->subscribe(membership.index, self(), "t");
    ++g_native_subscribed;
  }
  void on_message(fnd::Message& m) override {
    if (m.type()->c_type != &news_type) return;
    g_native_news_sum += static_cast<const N*>(m.data())->n;
    if (++g_native_news == 2) node().shutdown(5);
  }
};
void* make_native_member(const void*) { return static_cast<fnd::Actor*>(new NativeMember); }

void native_lead_message(fnd_ctx* ctx, void*, fnd_msg* msg) {
  if (fnd_msg_type(msg) != &hello_type) return;  // Go, from the test once both natives subscribed
  g_native_role = names(fnd_role_members(ctx, "natives"));
  N news{7};
  fnd_publish(ctx, "t", &news_type, &news);
}
const fnd_actor_class native_lead_class = {"native_lead", 0, 0, nullptr, nullptr, native_lead_message, nullptr, nullptr, nullptr, nullptr};

}  // namespace

TEST_CASE("societies: native members share the society with C members") {
  fnd_node_options o{};
  o.threads = 2;
  o.log_level = -1;
  fnd_node* node = fnd_node_new(&o);
  fnd_sup_spec* spec = fnd_society_spec_new("NS", FND_TOPOLOGY_MESH, 1, 3, 5000);
  REQUIRE(fnd_society_spec_add_native_role(spec, "natives", 2, make_native_member, nullptr, nullptr) == FND_OK);
  REQUIRE(fnd_society_spec_add_role(spec, "lead", 1, &native_lead_class, nullptr, nullptr) == FND_OK);
  CHECK(fnd_society_spec_add_native_role(spec, "bad", 1, nullptr, nullptr, nullptr) == FND_ERR_BADARG);
  fnd_pid sup = fnd_start_supervisor(node, spec);
  REQUIRE(sup != nullptr);
  std::thread go([node] {
    for (int i = 0; i < 20000 && g_native_subscribed < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    fnd_pid lead = fnd_whereis(node, "NS.lead.0");
    N hello{0};
    if (lead) fnd_node_send(node, lead, &hello_type, &hello);
    fnd_pid_release(lead);
  });
  CHECK(fnd_node_run(node) == 5);
  go.join();
  CHECK(g_native_index_sum == 0 + 1);  // members 0 and 1
  CHECK(g_native_role == "NS.natives.0 NS.natives.1");
  CHECK(g_native_news_sum == 2 * 7);
  fnd_pid_release(sup);
  fnd_sup_spec_free(spec);
  fnd_node_free(node);
}

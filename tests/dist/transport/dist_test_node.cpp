// A node process for the multi-process tests (test_dist_multiproc). Listens, connects to the given
// peers, registers "echo" (replies what it gets) and "sink" (checks that int64 values arrive as
// consecutive numbers; the string "report" gets "count=N first=F last=L errors=E" back). Prints
// "ADDR <address> INC <incarnation>" once listening; "ctx" forwards request-context hops (below); exits when stdin closes.
//   dist_test_node --name b --bind tcp://127.0.0.1:0 [--advertise <address>] [--peer t=tcp://127.0.0.1:5000]
//                  [--down-after ms] [--cluster-key cluster.key_secret] [--membership on]
//                  [--seed a=tcp://127.0.0.1:5000]   ("view" answers the alive members, "a,c";
//                                                     with membership, echo is also global "<name>.echo")
#include <cstdio>
#include <iostream>
#include <string>

#include "fnd/dist/dist.hpp"
#include "fnd/fnd.hpp"
#include "remote_ask.hpp"

using namespace fnd;

namespace {
struct Echo : Actor {
  void on_message(Message& m) override {
    if (m.is<int64_t>()) reply(m.get<int64_t>());
    else if (m.is<std::string>()) reply(m.get<std::string>());
  }
};

struct SeqSink : Actor {
  int64_t count = 0, first = 0, last = 0, errors = 0;
  void on_message(Message& m) override {
    if (m.is<int64_t>()) {
      int64_t v = m.get<int64_t>();
      if (count == 0) first = v;
      else if (v != last + 1) ++errors;  // a gap (loss) or a repeat (duplicate) or reordering
      last = v;
      ++count;
    } else if (m.is<std::string>() && m.get<std::string>() == "report") {
      reply("count=" + std::to_string(count) + " first=" + std::to_string(first) + " last=" +
            std::to_string(last) + " errors=" + std::to_string(errors));
    }
  }
};
// Request context hops: "fwd N1 N2 ... Nk" is passed on (a plain send, the context is not passed by
// hand) as "fwd N2 ... Nk" to "ctx" on node N1; the last node Nk gets, at its "ctxseen", what this
// process saw: "corr=<id> tp=<traceparent> tenant=<baggage value>".
struct ContextHop : Actor {
  explicit ContextHop(dist::DistNode* d) : d(d) {}
  dist::DistNode* d;
  void on_message(Message& m) override {
    if (!m.is<std::string>()) return;
    const std::string& s = m.get<std::string>();
    if (s.rfind("fwd ", 0) != 0) return;
    std::string rest = s.substr(4);
    auto sp = rest.find(' ');
    if (sp != std::string::npos) {
      (void)d->send(rest.substr(0, sp), "ctx", "fwd " + rest.substr(sp + 1));
      return;
    }
    auto c = current_request_context();
    (void)d->send(rest, "ctxseen",
                  "corr=" + std::to_string(c.correlation_id()) + " tp=" + std::string(c.traceparent()) +
                      " tenant=" + std::string(c.get("tenant").value_or("")));
  }
};
struct View : Actor {
  explicit View(dist::DistNode* d) : d(d) {}
  dist::DistNode* d;
  void on_message(Message&) override { reply(dist::test::alive_members(*d)); }
};
}  // namespace

int main(int argc, char** argv) {
  dist::DistOptions o;
  o.heartbeat = std::chrono::milliseconds(50);
  o.down_after = std::chrono::milliseconds(1000);
  std::vector<std::pair<std::string, std::string>> peers;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--name") o.name = v;
    else if (k == "--bind") o.bind = v;
    else if (k == "--advertise") o.advertise = v;
    else if (k == "--membership") o.membership = dist::membership::Config{};  // value ignored ("on")
    else if (k == "--seed") {
      auto eq = v.find('=');
      if (eq == std::string::npos) return 2;
      o.seeds.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (k == "--cluster-key") {
      try {
        dist::security::SecuritySettings settings;
        settings.clusterKeyFile = v;
        o.security = dist::security::ClusterSecurity::load(settings);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "dist_test_node: %s\n", e.what());
        return 1;
      }
    } else if (k == "--down-after") o.down_after = std::chrono::milliseconds(std::stoi(v));
    else if (k == "--peer") {
      auto eq = v.find('=');
      if (eq == std::string::npos) return 2;
      peers.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else {
      std::fprintf(stderr, "dist_test_node: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  Node node({.threads = 2, .name = o.name, .log_level = log::Level::warning});
  dist::DistNode d(node, o);
  if (d.error()) {
    std::fprintf(stderr, "dist_test_node: %s\n", d.error()->to_string().c_str());
    return 1;
  }
  (void)node.register_name("echo", node.spawn<Echo>());
  (void)node.register_name("sink", node.spawn<SeqSink>());
  (void)node.register_name("ctx", node.spawn<ContextHop>(&d));
  (void)node.register_name("view", node.spawn<View>(&d));
  Pid echo = node.whereis("echo");
  if (o.membership) (void)d.register_global(o.name + ".echo", echo);  // global name "<node>.echo"
  for (auto& [n, a] : peers) d.connect(n, a);
  std::printf("ADDR %s INC %llu\n", d.address().c_str(), static_cast<unsigned long long>(d.incarnation()));
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}

// Prints the detection-time and false-positive figures of docs/distribution.md from the simulated
// network (simulated time, deterministic): `membership_sim_report [runs]`. Not a test: no assertion.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "sim_network.hpp"

using namespace fnd::dist::membership;
using namespace fnd::dist::membership::sim;
using namespace std::chrono_literals;

namespace {

void start(SimNetwork& net, int n) {
  net.add("n0", {});
  for (int i = 1; i < n; ++i) net.add("n" + std::to_string(i), {"n0"});
  net.run_until([&] { return net.converged(); }, 20s);
}

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void detection(int n, double loss, int runs) {
  std::vector<double> first, all;
  int over = 0;
  for (int seed = 1; seed <= runs; ++seed) {
    SimNetwork net(seed);
    start(net, n);
    net.drop_rate = loss;
    net.run_for(std::chrono::milliseconds(2000 + (seed * 7919) % 1000));  // kill at varying phases
    const std::string victim = "n" + std::to_string(seed % n);
    const Time killed = net.now();
    const std::size_t from = net.events.size();
    net.kill(victim);
    Time first_down = Time::max();
    int downs = 0;
    net.run_until([&] {
      for (std::size_t i = from; i < net.events.size(); ++i) {
        const auto& e = net.events[i];
        if (e.event.kind != EventKind::down || e.event.node.name != victim) continue;
        first_down = std::min(first_down, e.at);
      }
      downs = static_cast<int>(std::count_if(net.events.begin() + static_cast<std::ptrdiff_t>(from), net.events.end(),
                                             [&](const ObservedEvent& e) {
                                               return e.event.kind == EventKind::down && e.event.node.name == victim;
                                             }));
      return downs == n - 1;
    }, 20s);
    first.push_back(ms(first_down - killed));
    all.push_back(ms(net.now() - killed));
    if (first_down - killed > Config{}.worst_case_detection(n)) ++over;
  }
  std::sort(first.begin(), first.end());
  std::sort(all.begin(), all.end());
  double mean = 0;
  for (double x : first) mean += x;
  mean /= static_cast<double>(first.size());
  std::printf("| %d | %.0f%% | %.0f / %.0f / %.0f ms | %.0f ms | %.0f ms | %d/%d |\n", n, loss * 100, mean,
              first[first.size() * 99 / 100 - 1], first.back(), all.back(), ms(Config{}.worst_case_detection(n)),
              over, runs);
}

void false_positives(double loss, int runs) {
  int downs = 0, suspects = 0;
  for (int seed = 11; seed < 11 + runs; ++seed) {
    SimNetwork net(seed);
    start(net, 8);
    net.drop_rate = loss;
    net.max_delay = 20ms;
    const std::size_t from = net.events.size();
    net.run_for(60s);
    for (std::size_t i = from; i < net.events.size(); ++i) {
      downs += net.events[i].event.kind == EventKind::down;
      suspects += net.events[i].event.kind == EventKind::suspect;
    }
  }
  std::printf("| %.0f%% | %d x 60 s | %d | %d |\n", loss * 100, runs, suspects, downs);
}

void traffic(int n) {
  SimNetwork net(7);
  start(net, n);
  net.run_for(5s);
  const auto d0 = net.delivered, b0 = net.delivered_bytes;
  net.run_for(60s);
  const double per_node_s = 60.0 * n;
  std::printf("| %d | %.1f | %.0f |\n", n, static_cast<double>(net.delivered - d0) / per_node_s,
              static_cast<double>(net.delivered_bytes - b0) / per_node_s);
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
  std::printf("Detection of a killed node (%d runs per row)\n\n", runs);
  std::printf("| n | loss | first down: mean / p99 / max | all members: max | bound D(n) | over bound |\n|---|---|---|---|---|---|\n");
  for (int n : {3, 5, 8, 10, 20}) detection(n, 0.0, runs);
  for (int n : {8, 10}) detection(n, 0.05, runs);
  std::printf("\nFalse downs of live members, 8 nodes, 1-20 ms delays\n\n| loss | runs | suspect events | down events |\n|---|---|---|---|\n");
  for (double loss : {0.10, 0.20, 0.30}) false_positives(loss, std::max(1, runs / 2));
  std::printf("\nSteady-state traffic received per node (no faults, 60 s)\n\n| n | datagrams/s | bytes/s |\n|---|---|---|\n");
  for (int n : {3, 8, 20, 50}) traffic(n);
}

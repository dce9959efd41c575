// Fork-join creation as an actor tree on the fnd runtime: a binary tree of depth D (D levels,
// 2^D - 1 actors). Node i (heap numbering, root 1) spawns children 2i and 2i+1, sums their replies,
// adds i and replies to its parent; leaves reply i. Checksum: the root's reply = sum 1 .. 2^D - 1.
#include "fnd_common.hpp"

using namespace fndbench;

namespace {

struct Sum {
  std::int64_t value;
};

class TreeNode : public fnd::Actor {
 public:
  TreeNode(fnd::Pid parent, std::int64_t id, int level, int depth)
      : parent_(std::move(parent)), id_(id), level_(level), depth_(depth) {}
  void on_start() override {
    if (level_ == depth_ - 1) {
      reply_up(id_);
      return;
    }
    sum_ = id_;
    spawn<TreeNode>(self(), 2 * id_, level_ + 1, depth_);
    spawn<TreeNode>(self(), 2 * id_ + 1, level_ + 1, depth_);
  }
  void on_message(fnd::Message& m) override {
    if (auto* s = m.try_get<Sum>()) {
      sum_ += s->value;
      if (++replies_ == 2) reply_up(sum_);
    }
  }

 private:
  void reply_up(std::int64_t v) {
    if (level_ == 0)
      send(parent_, Report{v});
    else
      send(parent_, Sum{v});
    stop();
  }

  fnd::Pid parent_;
  std::int64_t id_;
  int level_, depth_;
  std::int64_t sum_ = 0;
  int replies_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const int depth = static_cast<int>(bench::arg(argc, argv, 1, 18));
  fnd::Node node(node_options());
  std::promise<std::int64_t> done;
  auto result = done.get_future();
  auto sink = node.spawn<Sink>(1, &done);
  bench::Stopwatch clock;
  node.spawn<TreeNode>(sink, std::int64_t{1}, 0, depth);
  const std::int64_t sum = result.get();
  const double seconds = clock.seconds();
  node.stop();
  bench::report("fork_join_tree", sum, seconds);
}

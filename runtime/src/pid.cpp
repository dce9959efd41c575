#include "fnd/pid.hpp"

#include <mutex>
#include <ostream>
#include <unordered_set>

#include "fnd/detail/remote.hpp"
#include "fnd/ref.hpp"
#include "internal.hpp"

namespace fnd {

std::string Pid::to_string() const {
  return "<" + std::to_string(node()) + "." + std::to_string(id()) + ">";
}

std::ostream& operator<<(std::ostream& os, const Pid& p) { return os << p.to_string(); }

Ref Ref::name(std::string_view n) {
  // Interned forever: names are few (registered processes) and Refs copy one pointer.
  static std::mutex mu;
  static std::unordered_set<std::string>* table = new std::unordered_set<std::string>();
  std::lock_guard<std::mutex> g(mu);
  auto it = table->emplace(n).first;
  Ref r;
  r.name_ = &*it;
  return r;
}

namespace detail {
void destroy_remote_block(ControlBlock* cb) noexcept;  // remote.cpp

// 128 bytes, 128-aligned (msg_alloc.cpp carves 128-byte blocks so): Intel's adjacent-line prefetcher
// moves lines in 128-byte pairs, so a block alone in 64 bytes still contends with its neighbour.
// (A RemoteBlock, dist's proxy, is larger; its size is what both calls get.)
static size_t block_bytes(size_t size) noexcept { return size < 128 ? 128 : size; }
void* ControlBlock::operator new(size_t size) { return alloc_message(block_bytes(size)); }
void ControlBlock::operator delete(void* p, size_t size) noexcept { free_message(p, block_bytes(size)); }

void destroy_control_block(ControlBlock* cb) noexcept {
  if (cb->flags.load(std::memory_order_relaxed) & kCbRemote) return destroy_remote_block(cb);  // a proxy
  delete cb->bounded;
  delete cb;
}
}  // namespace detail

}  // namespace fnd

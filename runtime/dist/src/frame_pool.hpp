// Buffers for outgoing batch frames, reused instead of allocated per frame. A full batch is tens of KiB,
// written by the network thread and freed by ZeroMQ's I/O thread once sent: with plain malloc/free every
// frame was a large cross-thread allocation, which cost the sending network thread more than building
// the frame (glibc's large-chunk path and fresh pages). ZeroMQ hands a pooled buffer back through the
// message's free function, from whichever thread drops the last reference.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include <zmq.hpp>

namespace fnd::dist {

class FramePool {
 public:
  static constexpr size_t kBufferSize = 96 * 1024;  // a batch frame of the network thread fits (network.cpp)
  static constexpr size_t kKeep = 64;               // free buffers kept process-wide (6 MiB at most)
  static constexpr size_t kSmall = 4096;            // smaller frames: malloc's thread cache is cheaper

  // A message of `size` bytes (contents unspecified): pooled if it fits, else plainly allocated.
  static zmq::message_t make(size_t size) {
    if (size <= kSmall || size > kBufferSize) return zmq::message_t(size);
    return zmq::message_t(instance().take(), size, &give_back, nullptr);
  }

 private:
  static FramePool& instance() {
    static FramePool* pool = new FramePool();  // never destroyed: frames may be freed during exit
    return *pool;
  }
  static void give_back(void* data, void*) noexcept { instance().put(static_cast<char*>(data)); }

  char* take() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!free_.empty()) {
        char* b = free_.back();
        free_.pop_back();
        return b;
      }
    }
    return new char[kBufferSize];
  }
  void put(char* b) noexcept {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (free_.size() < kKeep) {
        free_.push_back(b);  // capacity reserved below: never allocates, so never throws
        return;
      }
    }
    delete[] b;
  }
  FramePool() { free_.reserve(kKeep); }

  std::mutex mu_;
  std::vector<char*> free_;
};

}  // namespace fnd::dist

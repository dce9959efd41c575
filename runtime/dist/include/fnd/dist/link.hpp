// The reliable-link logic between two node incarnations, free of threads, sockets and clocks so that it
// can be tested exhaustively (tests/dist/test_link.cpp). ZeroMQ is at-most-once; this layer makes a link
// exactly-once and ordered:
//   OutStream  numbers frames 1, 2, ... and keeps each until the peer's cumulative ack covers it (the
//              resend buffer, bounded by the caller's window: backpressure happens before append()).
//              rewind() makes every unacknowledged frame due again (go-back-N after a timeout or a
//              reconnect); the receiver drops what it already has.
//   InStream   delivers frames strictly in sequence, drops duplicates, keeps a bounded number of
//              early (out-of-order) frames and reports the cumulative ack to send back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>

#include <zmq.hpp>

namespace fnd::dist {

class OutStream {
 public:
  // Takes a complete frame (header included); returns the sequence number it got.
  uint64_t append(zmq::message_t&& frame) {
    uint64_t seq = next_seq_++;
    q_.push_back(Entry{seq, std::move(frame), false});
    return seq;
  }
  // Releases every frame with seq <= ack; returns how many (acks for unsent or unknown seqs are clamped).
  size_t ack(uint64_t ack) {
    size_t n = 0;
    while (!q_.empty() && q_.front().seq <= ack) {
      q_.pop_front();
      ++n;
      if (next_tx_ > 0) --next_tx_;
    }
    return n;
  }
  // The frames not transmitted yet (in order): f(seq, frame, first) returns false to stop (socket full).
  // `first` is true on a frame's first transmission (the only time its bytes may still be patched); the
  // frame is the stored original: transmit a copy.
  template <class F>
  size_t transmit(F&& f) {
    size_t n = 0;
    while (next_tx_ < q_.size()) {
      Entry& e = q_[next_tx_];
      if (!f(e.seq, e.frame, !e.sent)) break;
      e.sent = true;
      ++next_tx_;
      ++n;
    }
    return n;
  }
  // Everything unacknowledged becomes due again.
  void rewind() noexcept { next_tx_ = 0; }
  void clear() noexcept {
    q_.clear();
    next_tx_ = 0;
    next_seq_ = 1;
  }
  size_t unacked() const noexcept { return q_.size(); }
  size_t untransmitted() const noexcept { return q_.size() - next_tx_; }
  uint64_t next_seq() const noexcept { return next_seq_; }

 private:
  struct Entry {
    uint64_t seq;
    zmq::message_t frame;
    bool sent;
  };
  std::deque<Entry> q_;
  size_t next_tx_ = 0;
  uint64_t next_seq_ = 1;
};

class InStream {
 public:
  enum class Result { delivered, duplicate, early, dropped };
  explicit InStream(size_t early_capacity = 1024) : cap_(early_capacity) {}

  // Accepts frame `seq`; deliver(frame) is called for it and for every buffered frame it makes
  // consecutive, in sequence order.
  template <class F>
  Result accept(uint64_t seq, zmq::message_t&& frame, F&& deliver) {
    if (seq <= delivered_) return Result::duplicate;
    if (seq != delivered_ + 1) {
      if (early_.count(seq)) return Result::duplicate;
      if (early_.size() >= cap_) return Result::dropped;  // the sender resends it later
      early_.emplace(seq, std::move(frame));
      return Result::early;
    }
    deliver(frame);
    ++delivered_;
    for (auto it = early_.begin(); it != early_.end() && it->first == delivered_ + 1; it = early_.erase(it)) {
      deliver(it->second);
      ++delivered_;
    }
    return Result::delivered;
  }
  uint64_t cumulative_ack() const noexcept { return delivered_; }
  size_t early() const noexcept { return early_.size(); }
  void clear() noexcept {
    delivered_ = 0;
    early_.clear();
  }

 private:
  uint64_t delivered_ = 0;
  std::map<uint64_t, zmq::message_t> early_;
  size_t cap_;
};

}  // namespace fnd::dist

// The reliable-link logic between two node incarnations, free of threads, sockets and clocks so that it
// can be tested exhaustively (tests/dist/transport/test_dist_link.cpp). ZeroMQ is at-most-once; this
// layer makes a link exactly-once and ordered. Messages are numbered one by one; how many travel in one
// frame (a batch) is the transmitter's choice and changes nothing here:
//   OutStream  numbers messages 1, 2, ... and keeps each until the peer's cumulative ack covers it (the
//              resend buffer, bounded by the caller's window: backpressure happens before append()).
//              transmit() hands the due ones out in runs of consecutive seqs (one batch frame each);
//              rewind() makes every unacknowledged message due again (go-back-N after a timeout or a
//              reconnect); the receiver drops what it already has.
//   InStream   delivers messages strictly in sequence, drops duplicates, keeps a bounded number of
//              early (out-of-order) messages and reports the cumulative ack to send back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace fnd::dist {

// One sequenced message as queued by a sender: its kind and body, kept in two parts so that a data
// message's payload (encoded by the codec) is moved in rather than copied: the body is head + tail.
struct OutRecord {
  uint8_t kind = 0;
  std::string head;
  std::string tail;
  size_t size() const noexcept { return head.size() + tail.size(); }
};

class OutStream {
 public:
  struct Entry {
    uint64_t seq;
    OutRecord rec;
    bool sent;  // transmitted at least once (a further transmission is a resend)
  };
  // A run of consecutive due messages, handed to transmit()'s callback.
  class Run {
   public:
    size_t size() const noexcept { return n_; }
    const Entry& operator[](size_t i) const noexcept { return q_[first_ + i]; }
    uint64_t first_seq() const noexcept { return q_[first_].seq; }

   private:
    friend class OutStream;
    Run(const std::deque<Entry>& q, size_t first, size_t n) : q_(q), first_(first), n_(n) {}
    const std::deque<Entry>& q_;
    size_t first_, n_;
  };

  // Returns the sequence number the message got.
  uint64_t append(OutRecord&& rec) {
    uint64_t seq = next_seq_++;
    q_.push_back(Entry{seq, std::move(rec), false});
    return seq;
  }
  // Releases every message with seq <= ack; returns how many (acks for unsent or unknown seqs are clamped).
  size_t ack(uint64_t ack) {
    size_t n = 0;
    while (!q_.empty() && q_.front().seq <= ack) {
      q_.pop_front();
      ++n;
      if (next_tx_ > 0) --next_tx_;
    }
    return n;
  }
  // Hands the messages not transmitted yet to send(run), in order, in runs of at most max_count messages
  // whose record sizes add up to at most max_bytes (a single larger message goes alone). send returns
  // false to stop (socket full: the run stays due). Returns how many messages went out.
  template <class F>
  size_t transmit(size_t max_count, size_t max_bytes, F&& send) {
    size_t n = 0;
    while (next_tx_ < q_.size()) {
      size_t end = next_tx_ + 1, bytes = q_[next_tx_].rec.size();
      while (end < q_.size() && end - next_tx_ < max_count && bytes + q_[end].rec.size() <= max_bytes)
        bytes += q_[end++].rec.size();
      if (!send(Run(q_, next_tx_, end - next_tx_))) break;
      for (size_t i = next_tx_; i < end; ++i) q_[i].sent = true;
      n += end - next_tx_;
      next_tx_ = end;
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
  // Empties the stream, handing the queued records (in order) to f: to requeue them behind another.
  template <class F>
  void take_all(F&& f) {
    for (auto& e : q_) f(std::move(e.rec));
    clear();
  }
  size_t unacked() const noexcept { return q_.size(); }
  size_t untransmitted() const noexcept { return q_.size() - next_tx_; }
  uint64_t next_seq() const noexcept { return next_seq_; }

 private:
  std::deque<Entry> q_;
  size_t next_tx_ = 0;
  uint64_t next_seq_ = 1;
};

class InStream {
 public:
  enum class Result { delivered, duplicate, early, dropped };
  explicit InStream(size_t early_capacity = 1024) : cap_(early_capacity) {}

  // Accepts message `seq` (kind, body); deliver(kind, body) is called for it and for every buffered
  // message it makes consecutive, in sequence order. An early message's body is copied (it outlives the
  // frame it came in); an in-order one is delivered straight from the frame.
  template <class F>
  Result accept(uint64_t seq, uint8_t kind, std::string_view body, F&& deliver) {
    if (seq <= delivered_) return Result::duplicate;
    if (seq != delivered_ + 1) {
      if (early_.count(seq)) return Result::duplicate;
      if (early_.size() >= cap_) return Result::dropped;  // the sender resends it later
      early_.emplace(seq, std::make_pair(kind, std::string(body)));
      return Result::early;
    }
    // Counted before delivery, and each early one taken out first: deliver() may clear() the stream
    // (the peer found to be restarted), which must leave it empty at 0 for the next session.
    ++delivered_;
    deliver(kind, body);
    while (!early_.empty() && early_.begin()->first == delivered_ + 1) {
      auto next = early_.extract(early_.begin());
      ++delivered_;
      deliver(next.mapped().first, std::string_view(next.mapped().second));
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
  std::map<uint64_t, std::pair<uint8_t, std::string>> early_;
  size_t cap_;
};

}  // namespace fnd::dist

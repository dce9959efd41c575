#include "fnd/services/rate_limiter.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "fnd/services/errors.hpp"

namespace fnd::protect {
namespace {

// One hash per check: FNV-1a over both parts (short keys: cheaper than two std::hash calls), computed
// once and carried by the lookup key, so the map does not hash again.
uint64_t fnv(std::string_view a, std::string_view b) noexcept {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : a) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  h = (h ^ 0x1f) * 0x100000001b3ull;  // separator: ("ab","c") != ("a","bc")
  for (char c : b) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h ^ (h >> 29);
}
struct KeyView {
  uint64_t hash;
  std::string_view entity, op;
};
struct Key {
  uint64_t hash;
  std::string entity, op;
};
struct KeyHash {
  using is_transparent = void;
  size_t operator()(const KeyView& k) const noexcept { return k.hash; }
  size_t operator()(const Key& k) const noexcept { return k.hash; }
};
struct KeyEq {
  using is_transparent = void;
  static KeyView v(const Key& k) { return {k.hash, k.entity, k.op}; }
  static KeyView v(const KeyView& k) { return k; }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const noexcept {
    KeyView x = v(a), y = v(b);
    return x.hash == y.hash && x.entity == y.entity && x.op == y.op;
  }
};

// Fixed window: `start` of the current window and units used in it. Token bucket: `tokens` at `start`.
struct Slot {
  int64_t start = 0;   // ns on the clock
  double tokens = 0;   // bucket
  uint32_t used = 0;   // window
};

constexpr unsigned kShards = 16;
}  // namespace

struct RateLimiter::Impl {
  struct alignas(64) Shard {
    std::mutex mu;
    std::unordered_map<Key, Slot, KeyHash, KeyEq> map;
    size_t inserts = 0;
  };
  Shard shards[kShards];
  Shard& shard(uint64_t h) { return shards[(h >> 59) % kShards]; }
};

RateLimiter::RateLimiter(std::string name, LimiterOptions opts, const Clock& clock)
    : name_(std::move(name)), opts_(opts), clock_(clock), impl_(std::make_unique<Impl>()) {
  if (opts_.window.count() <= 0) opts_.window = std::chrono::seconds(1);
}
RateLimiter::~RateLimiter() = default;

namespace {
// Brings a slot up to `now`; returns units available.
double refresh(const LimiterOptions& o, Slot& s, int64_t now, bool fresh) {
  const int64_t w = o.window.count();
  if (o.kind == LimiterKind::fixed_window) {
    int64_t start = (now >= 0 ? now / w : (now - w + 1) / w) * w;  // one division
    if (fresh || s.start != start) {
      s.start = start;
      s.used = 0;
    }
    return o.limit > s.used ? o.limit - s.used : 0;
  }
  if (fresh) {
    s.tokens = o.limit;
  } else if (now > s.start) {
    s.tokens = std::min<double>(o.limit, s.tokens + static_cast<double>(now - s.start) * o.limit / static_cast<double>(w));
  }
  s.start = std::max(s.start, now);
  return s.tokens;
}

std::chrono::milliseconds wait_for(const LimiterOptions& o, const Slot& s, int64_t now, uint32_t cost) {
  int64_t ns;
  if (o.kind == LimiterKind::fixed_window) ns = s.start + o.window.count() - now;
  else ns = static_cast<int64_t>((cost - s.tokens) * static_cast<double>(o.window.count()) / o.limit);
  return std::chrono::ceil<std::chrono::milliseconds>(std::chrono::nanoseconds(std::max<int64_t>(ns, 0)));
}

bool idle(const LimiterOptions& o, const Slot& s, int64_t now) {
  return now - s.start >= 2 * o.window.count();  // the window is over / the bucket is full again
}
}  // namespace

Result<void> RateLimiter::check(std::string_view entity, std::string_view operation, uint32_t cost) {
  KeyView kv{fnv(entity, operation), entity, operation};
  auto& sh = impl_->shard(kv.hash);
  int64_t now = clock_.now().time_since_epoch().count();
  std::chrono::milliseconds retry_in{0};
  {
    std::lock_guard<std::mutex> g(sh.mu);
    auto it = sh.map.find(kv);
    bool fresh = it == sh.map.end();
    if (fresh) {
      if (++sh.inserts % 1024 == 0)
        std::erase_if(sh.map, [&](const auto& e) { return idle(opts_, e.second, now); });
      it = sh.map.emplace(Key{kv.hash, std::string(entity), std::string(operation)}, Slot{}).first;
    }
    Slot& s = it->second;
    double avail = refresh(opts_, s, now, fresh);
    if (avail >= cost) {
      if (opts_.kind == LimiterKind::fixed_window) s.used += cost;
      else s.tokens -= cost;
      return {};
    }
    retry_in = wait_for(opts_, s, now, cost);
  }
  // "for ENTITY/OPERATION" only when there is a key (a handler's `protect` limit has none).
  std::string key = std::string(entity);
  if (!operation.empty()) key += (key.empty() ? "" : "/") + std::string(operation);
  Error e = errors::make(errors::code::rate_limited,
                         "rate limit " + name_ + " exhausted" + (key.empty() ? std::string() : " for " + key));
  e.with("limiter", name_).with("entity", std::string(entity)).with("operation", std::string(operation));
  e.with("retry_in_ms", std::to_string(retry_in.count()));
  e.retry = RetryStrategy::fixed(1, retry_in);
  return e;
}

LimitStatus RateLimiter::status(std::string_view entity, std::string_view operation) const {
  KeyView kv{fnv(entity, operation), entity, operation};
  auto& sh = impl_->shard(kv.hash);
  int64_t now = clock_.now().time_since_epoch().count();
  std::lock_guard<std::mutex> g(sh.mu);
  auto it = sh.map.find(kv);
  Slot s = it == sh.map.end() ? Slot{} : it->second;
  double avail = refresh(opts_, s, now, it == sh.map.end());
  LimitStatus st;
  st.remaining = static_cast<uint32_t>(avail);
  st.reset_in = opts_.kind == LimiterKind::fixed_window ? wait_for(opts_, s, now, 0)
                                                       : wait_for(opts_, s, now, opts_.limit);
  return st;
}

void RateLimiter::reset(std::string_view entity, std::string_view operation) {
  KeyView kv{fnv(entity, operation), entity, operation};
  auto& sh = impl_->shard(kv.hash);
  std::lock_guard<std::mutex> g(sh.mu);
  auto it = sh.map.find(kv);
  if (it != sh.map.end()) sh.map.erase(it);
}

size_t RateLimiter::keys() const {
  size_t n = 0;
  for (auto& sh : impl_->shards) {
    std::lock_guard<std::mutex> g(sh.mu);
    n += sh.map.size();
  }
  return n;
}

size_t RateLimiter::sweep() {
  int64_t now = clock_.now().time_since_epoch().count();
  size_t n = 0;
  for (auto& sh : impl_->shards) {
    std::lock_guard<std::mutex> g(sh.mu);
    n += std::erase_if(sh.map, [&](const auto& e) { return idle(opts_, e.second, now); });
  }
  return n;
}

}  // namespace fnd::protect

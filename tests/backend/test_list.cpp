// Unit tests of fnd::lang::List<T> (stdlib/cpp/include/fnd/lang/list.hpp), the C++ type of
// `list<T>`: copies share storage, every write leaves the other copies as they were (value
// semantics), and copies on different threads are independent values.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fnd/lang/lang.hpp>

using fnd::lang::List;

namespace {

using Ints = List<std::int64_t>;

std::vector<std::int64_t> v(const Ints& xs) { return xs.to_vector(); }

// An element whose copies can be made to fail, and which counts the live objects.
struct Fragile {
  static inline int copies_left = 1 << 30;
  static inline int live = 0;
  int n = 0;
  explicit Fragile(int x) : n(x) { ++live; }
  Fragile(const Fragile& o) : n(o.n) {
    if (copies_left-- <= 0) throw std::runtime_error("copy failed");
    ++live;
  }
  Fragile(Fragile&& o) noexcept : n(o.n) { ++live; }
  Fragile& operator=(const Fragile&) = default;
  ~Fragile() { --live; }
  friend bool operator==(const Fragile&, const Fragile&) = default;
};

}  // namespace

TEST_CASE("copies share storage until one of them is written") {
  Ints a{1, 2, 3};
  Ints b = a;
  CHECK(a.use_count() == 2);
  CHECK(a.data() == b.data());
  b.push_back(4);
  CHECK(v(a) == std::vector<std::int64_t>{1, 2, 3});
  CHECK(v(b) == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(a.use_count() == 1);
  CHECK(b.use_count() == 1);

  Ints c = a;
  c.mut(0) = 10;
  CHECK(v(a) == std::vector<std::int64_t>{1, 2, 3});
  CHECK(v(c) == std::vector<std::int64_t>{10, 2, 3});

  Ints d = a;
  CHECK(d.take_back() == 3);
  CHECK(v(a) == std::vector<std::int64_t>{1, 2, 3});
  CHECK(v(d) == std::vector<std::int64_t>{1, 2});

  Ints e = a;
  e.clear();
  CHECK(e.empty());
  CHECK(a.size() == 3);
}

TEST_CASE("an exclusive list is written in place") {
  Ints a{1, 2, 3};
  a.reserve(8);
  const std::int64_t* before = a.data();
  a.push_back(4);
  a.mut(0) = 7;
  a.pop_back();
  CHECK(a.data() == before);
  CHECK(v(a) == std::vector<std::int64_t>{7, 2, 3});
  CHECK(a.use_count() == 1);
}

TEST_CASE("reads never copy a shared list") {
  const Ints a{5, 6, 7};
  Ints b = a;
  CHECK(fnd::lang::at(b, 1) == 6);
  CHECK(fnd::lang::len(b) == 3);
  CHECK(fnd::lang::contains(b, std::int64_t{7}));
  std::int64_t sum = 0;
  for (std::int64_t x : b) sum += x;
  CHECK(sum == 18);
  CHECK(b == a);
  CHECK(b.data() == a.data());
}

TEST_CASE("at_mut is checked and unshares; at is checked") {
  Ints a{1, 2};
  Ints b = a;
  fnd::lang::at_mut(b, 1) = 20;
  CHECK(v(a) == std::vector<std::int64_t>{1, 2});
  CHECK(v(b) == std::vector<std::int64_t>{1, 20});
  CHECK_THROWS_WITH(fnd::lang::at_mut(b, 2), "index 2 out of range (len 2)");
  CHECK_THROWS_WITH(fnd::lang::at(b, -1), "index -1 out of range (len 2)");
  CHECK(b.use_count() == 1);  // a failed at_mut on an exclusive list changes nothing
  Ints empty;
  CHECK_THROWS_WITH(fnd::lang::pop(empty), "pop from an empty list");
}

TEST_CASE("elements pushed from the list itself survive growth and unsharing") {
  Ints a{1, 2, 3, 4};  // full: capacity 4
  REQUIRE(a.capacity() == a.size());
  a.push_back(a[0]);  // the argument refers into the buffer being replaced
  CHECK(v(a) == std::vector<std::int64_t>{1, 2, 3, 4, 1});

  List<std::string> s{"first", "second"};
  List<std::string> t = s;
  s.push_back(s[1]);  // shared: the argument refers into the buffer t keeps
  CHECK(s.size() == 3);
  CHECK(s[2] == "second");
  CHECK(t.size() == 2);

  Ints b{1, 2};
  b.append(b);
  CHECK(v(b) == std::vector<std::int64_t>{1, 2, 1, 2});
  Ints c;
  c.append(b);  // an empty list takes the other's storage
  CHECK(c.data() == b.data());
}

TEST_CASE("nested lists and lists in maps are values") {
  List<Ints> grid{Ints{1, 2}, Ints{3}};
  const List<Ints> before = grid;
  fnd::lang::at_mut(fnd::lang::at_mut(grid, 0), 1) = 20;
  fnd::lang::at_mut(grid, 1).push_back(4);
  CHECK(v(grid[0]) == std::vector<std::int64_t>{1, 20});
  CHECK(v(grid[1]) == std::vector<std::int64_t>{3, 4});
  CHECK(v(before[0]) == std::vector<std::int64_t>{1, 2});
  CHECK(v(before[1]) == std::vector<std::int64_t>{3});

  std::map<std::string, Ints> m{{"a", Ints{1}}};
  const auto m2 = m;
  fnd::lang::at_mut(m, "a").push_back(2);
  CHECK(fnd::lang::at(m, "a").size() == 2);
  CHECK(fnd::lang::at(m2, "a").size() == 1);
  CHECK_THROWS_WITH(fnd::lang::at_mut(m, "zz"), "key zz not found");
  List<Ints> vals = fnd::lang::values(m);
  fnd::lang::at_mut(vals, 0).clear();
  CHECK(fnd::lang::at(m, "a").size() == 2);
}

TEST_CASE("conversions and equality") {
  const std::vector<std::string> words{"a", "b"};
  List<std::string> l = words;
  CHECK(l.to_vector() == words);
  List<std::string> moved = std::vector<std::string>{"x", "y", "z"};
  CHECK(moved.size() == 3);
  CHECK(List<std::string>(words.begin(), words.end()) == l);
  CHECK(l == List<std::string>{"a", "b"});
  CHECK_FALSE(l == List<std::string>{"a"});
  CHECK_FALSE(l == List<std::string>{"a", "c"});
  CHECK(List<std::string>{} == List<std::string>());
  CHECK(Ints{}.use_count() == 0);  // the empty list allocates nothing
}

TEST_CASE("a failed copy leaves a shared list unchanged") {
  Fragile::live = 0;
  {
    List<Fragile> a{Fragile(1), Fragile(2), Fragile(3)};
    List<Fragile> b = a;
    Fragile::copies_left = 1;  // the unsharing copy fails on the second element
    CHECK_THROWS_AS(b.mut(0), std::runtime_error);
    Fragile::copies_left = 1 << 30;
    CHECK(b.data() == a.data());
    CHECK(b.size() == 3);
    CHECK(Fragile::live == 3);
    b.mut(0).n = 10;
    CHECK(a[0].n == 1);
    CHECK(b[0].n == 10);
  }
  CHECK(Fragile::live == 0);
}

TEST_CASE("copies on other threads are independent values", "[threads]") {
  Ints shared;
  for (std::int64_t i = 0; i < 1000; ++i) shared.push_back(i);
  constexpr int kThreads = 4;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([copy = shared, t, &ok]() mutable {
      for (int round = 0; round < 200; ++round) {
        Ints mine = copy;  // shared with every other thread's copy
        mine.mut(static_cast<std::size_t>(round)) = -t;
        mine.push_back(t);
        if (mine[static_cast<std::size_t>(round)] == -t && mine.size() == 1001 && copy[static_cast<std::size_t>(round)] == round)
          ok.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok.load() == kThreads * 200);
  CHECK(shared.use_count() == 1);
  CHECK(shared[0] == 0);
}

TEST_CASE("the codec writes and reads lists") {
  const Ints xs{1, -2, 300};
  CHECK(fnd::lang::decode<Ints>(fnd::lang::encode(xs)) == xs);
  const List<List<std::string>> nested{List<std::string>{"a"}, List<std::string>{}, List<std::string>{"b", "c"}};
  CHECK(fnd::lang::decode<List<List<std::string>>>(fnd::lang::encode(nested)) == nested);
  CHECK_THROWS_AS(fnd::lang::decode<Ints>("\x05\x01"), fnd::lang::DecodeError);  // count > input
}

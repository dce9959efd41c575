// The C++ side of `extern actor Echo` (main.fnd): answers a Sample with a changed copy of it, and
// crashes on Die.
#pragma once

#include <string>

#include "extern_values.fnd.hpp"

namespace extern_values {

class Echo : public fnd::Actor {
 public:
  Echo(std::string prefix, double scale) : prefix_(std::move(prefix)), scale_(scale) {}

  void on_message(fnd::Message& m) override {
    if (auto* s = m.try_get<Sample>()) {
      Sample r = *s;
      r.n = s->n * 2;
      r.x = s->x * scale_;
      r.s = prefix_ + s->s;
      r.tags.push_back("echoed");
      r.tags.push_back("twice");
      r.counts["echo"] = s->n;
      r.inner.ok = !s->inner.ok;
      r.inner.d = s->inner.d * 2;
      r.inners.push_back(Inner{.d = fnd::lang::Duration(250), .ok = true});
      r.grid.push_back({7, 8, 9, 10});
      r.who = fnd::Ref(self());
      reply(r);
    } else if (m.is<Die>()) {
      crash("asked to");
    }
  }

 private:
  std::string prefix_;
  double scale_;
};

}  // namespace extern_values

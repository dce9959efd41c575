// The C++ side of `extern actor Gateway`: starts a request (a new request context with correlation
// id 4242) and sends an Order inside it, as a front end receiving a request from outside would.
#pragma once

#include <fnd/request_context.hpp>

#include "emit_correlation.fnd.hpp"

namespace emit_correlation {

class Gateway : public fnd::Actor {
 public:
  void on_message(fnd::Message& m) override {
    if (auto* b = m.try_get<Begin>()) {
      fnd::set_request_context(fnd::RequestContext::start(4242));
      send(b->shop, Order{.n = 7, .amount = 250.5});
    }
  }
};

}  // namespace emit_correlation

// The C++ side of `extern actor Tap` (main.fnd): a fnd::lang::Actor, so it is a full society member
// whatever back end built the program. It subscribes to `news` when it starts, tells the hub it is
// ready, answers the first news by publishing an Echo on `echoes` and the second by broadcasting it
// to the `sinks` role; each Echo carries the tap's neighbours (star topology: the hub only) and the
// hub role as it sees them.
#pragma once

#include <string>

#include <fnd/lang/actor.hpp>

#include "society_extern.fnd.hpp"

namespace society_extern {

class Tap : public fnd::lang::Actor {
 public:
  explicit Tap(std::string label) : label_(std::move(label)) {}

  void on_start() override {
    label_ += std::to_string(membership().index);  // member 1 and 2: tap1, tap2
    fnd::lang::subscribe(*this, "news");
    for (const auto& h : fnd::lang::role_members(*this, "hub")) send(h, Ready{label_});
  }

  void on_message(fnd::Message& m) override {
    const auto* news = m.try_get<News>();
    if (!news) return;
    const auto neighbours = fnd::lang::neighbors(*this);
    const auto hubs = fnd::lang::role_members(*this, "hub");
    const bool hub_is_neighbour = neighbours.size() == 1 && hubs.size() == 1 && neighbours[0] == hubs[0];
    Echo e{label_, news->n, news->text, hub_is_neighbour ? "" : "(neighbours wrong) "};
    if (news->n == 1) {
      e.how += "published";
      fnd::lang::publish(*this, "echoes", e);
    } else {
      e.how += "broadcast";
      fnd::lang::broadcast(*this, "sinks", e);
    }
  }

 private:
  std::string label_;
};

}  // namespace society_extern

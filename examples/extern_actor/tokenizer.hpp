// The C++ side of `extern actor Tokenizer from "tokenizer.hpp"` (docs/cpp-backend.md, "Extern
// actors"): a class with the actor's name in the module's namespace, deriving from fnd::Actor (or
// fnd::lang::Actor), constructed from the declared params in order (int -> std::int64_t). It
// includes the generated header for the module's messages.
#pragma once

#include <cstdint>
#include <string>

#include "extern_actor.fnd.hpp"

namespace extern_actor {

class Tokenizer : public fnd::Actor {
 public:
  explicit Tokenizer(std::int64_t min_length) : min_length_(min_length) {}
  void on_message(fnd::Message& m) override;

 private:
  std::int64_t min_length_;
  std::int64_t lines_ = 0;
  std::int64_t words_ = 0;
};

}  // namespace extern_actor

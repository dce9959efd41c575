// Internal to sema/: lexical scopes of a handler body and the environment an expression is
// checked in.
#pragma once

#include <string>
#include <vector>

#include "ast/ast.hpp"

namespace fnd::sema {

class Scope {
 public:
  void push() { frames_.emplace_back(); }
  void pop() { frames_.pop_back(); }
  void declare(ast::LocalVar* v) {
    if (frames_.empty()) push();
    frames_.back().push_back(v);
  }
  ast::LocalVar* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<std::vector<ast::LocalVar*>> frames_;
};

// Where an expression is.
enum class EnvKind {
  Handler,        // a handler body: everything
  StateInit,      // a state initializer: params, earlier states, self, literals
  ParamDefault,   // a parameter default: literals only
  TimerInterval,  // an `every` interval: params and literals
  StartArgs,      // arguments of a child/role/main: literals, sibling children, roles
};

struct Env {
  EnvKind kind = EnvKind::Handler;
  const ast::ActorDecl* actor = nullptr;
  const ast::HandlerDecl* handler = nullptr;
  const ast::SupervisorDecl* supervisor = nullptr;  // StartArgs inside a supervisor
  const ast::SocietyDecl* society = nullptr;        // StartArgs inside a society
  std::size_t visibleStates = 0;                    // StateInit: states declared before
  int loopDepth = 0;
};

}  // namespace fnd::sema

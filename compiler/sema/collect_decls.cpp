// Pass 1: program-wide declaration tables. All top-level declarations of all modules share one
// namespace. Checks: E0103 (duplicates), E0114 (message/actor names start upper-case), E0113
// (`main` at most once, only in a file named on the command line).
#include <cctype>

#include "sema/context.hpp"

namespace fnd::sema {

void collectDeclarations(Context& cx) {
  auto& p = cx.program;
  std::map<std::string, diag::SourceRange> seen;
  auto declare = [&](const ast::Ident& id, const char* kind) -> bool {
    if (id.name.empty()) return false;
    auto [it, fresh] = seen.emplace(id.name, id.range);
    if (!fresh) {
      cx.redeclared.insert(id.name);
      cx.error(diag::Code::E0103, id.range, std::string("redefinition of '") + id.name + "' as " + kind)
          .note(it->second, "previous definition is here");
      return false;
    }
    return true;
  };
  auto checkCase = [&](const ast::Ident& id, const char* kind) {
    if (!id.name.empty() && !std::isupper(static_cast<unsigned char>(id.name[0])))
      cx.error(diag::Code::E0114, id.range,
               std::string(kind) + " name '" + id.name + "' must start with an upper-case letter");
  };
  for (auto& m : p.modules) {
    for (auto& msg : m->messages) {
      checkCase(msg->name, "message");
      if (declare(msg->name, "a message")) p.messages[msg->name.name] = msg.get();
    }
    for (auto& a : m->actors) {
      checkCase(a->name, "actor");
      if (declare(a->name, "an actor")) p.actors[a->name.name] = a.get();
    }
    for (auto& s : m->supervisors)
      if (declare(s->name, "a supervisor")) p.supervisors[s->name.name] = s.get();
    for (auto& s : m->societies)
      if (declare(s->name, "a society")) p.societies[s->name.name] = s.get();
  }
  for (auto& m : p.modules) {
    for (auto& main : m->mains) {
      if (!m->isRoot) {
        cx.error(diag::Code::E0113, main->range,
                 "'main' in imported module '" + m->name + "'")
            .note({}, "only files named on the command line may declare 'main'");
        continue;
      }
      if (p.main) {
        cx.error(diag::Code::E0113, main->range, "'main' declared more than once")
            .note(p.main->range, "first declared here");
        continue;
      }
      p.main = main.get();
    }
  }
}

}  // namespace fnd::sema

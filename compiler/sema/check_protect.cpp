// Pass: `protect MESSAGE with ...` items of actors (docs/language.md section 19). Checks E0108 (the
// message is not declared), E0507 (the actor has no handler for it, or protects it twice). Links
// each protection to its handler (HandlerDecl::protect) and lists it in Program::protects, whose
// position is the generated program's index.
#include "sema/context.hpp"

namespace fnd::sema {

using namespace fnd::ast;
using diag::Code;

void checkProtect(Context& cx) {
  for (auto& m : cx.program.modules)
    for (auto& a : m->actors)
      for (auto& p : a->protects) {
        auto it = cx.program.messages.find(p->message.name);
        if (it == cx.program.messages.end()) {
          std::vector<std::string> names;
          for (auto& [n, _] : cx.program.messages) names.push_back(n);
          auto d = cx.error(Code::E0108, p->message.range, "unknown message '" + p->message.name + "'");
          if (auto c = closestName(p->message.name, names); !c.empty()) d.note({}, "did you mean '" + c + "'?");
          continue;
        }
        HandlerDecl* handler = nullptr;
        for (auto& h : a->handlers)
          if (h->kind == HandlerKind::Message && h->message == it->second) handler = h.get();
        if (!handler) {
          cx.error(Code::E0507, p->message.range,
                   "'" + a->name.name + "' protects '" + p->message.name + "' but has no handler for it")
              .note({}, "a protection guards the actor's 'on " + p->message.name + "' handler");
          continue;
        }
        if (handler->protect) {
          cx.error(Code::E0507, p->message.range, "'" + p->message.name + "' is protected twice")
              .note(handler->protect->range, "first protected here");
          continue;
        }
        p->messageDecl = it->second;
        p->actor = a.get();
        p->index = cx.program.protects.size();
        handler->protect = p.get();
        cx.program.protects.push_back(p.get());
      }
}

}  // namespace fnd::sema

// Pass 2: the types of message fields, actor parameters and explicitly typed states.
// Checks: E0107/E0108/E0109 (unknown type names), E0213 (map keys), E0218 (duplicate fields and
// parameters), E0225 (a message containing itself by value).
#include <functional>
#include <set>

#include "sema/context.hpp"

namespace fnd::sema {

const ast::Type* resolveTypeNode(Context& cx, ast::TypeNode& node) {
  auto& t = cx.types();
  const ast::Type* r = t.error();
  switch (node.kind) {
    case ast::TypeNodeKind::Int: r = t.intType(); break;
    case ast::TypeNodeKind::Float: r = t.floatType(); break;
    case ast::TypeNodeKind::Bool: r = t.boolType(); break;
    case ast::TypeNodeKind::String: r = t.stringType(); break;
    case ast::TypeNodeKind::Bytes: r = t.bytesType(); break;
    case ast::TypeNodeKind::Duration: r = t.durationType(); break;
    case ast::TypeNodeKind::List: {
      const ast::Type* e = node.elem ? resolveTypeNode(cx, *node.elem) : t.error();
      r = e->isError() ? t.error() : t.list(e);
      break;
    }
    case ast::TypeNodeKind::Map: {
      const ast::Type* k = node.key ? resolveTypeNode(cx, *node.key) : t.error();
      const ast::Type* v = node.elem ? resolveTypeNode(cx, *node.elem) : t.error();
      if (!k->isError() && !k->isMapKey()) {
        cx.error(diag::Code::E0213, node.key->range, "'" + k->str() + "' cannot be a map key")
            .note({}, "map keys are int, string, bool or duration");
        k = t.error();
      }
      r = k->isError() || v->isError() ? t.error() : t.map(k, v);
      break;
    }
    case ast::TypeNodeKind::Ref: {
      if (node.name.name.empty()) {
        r = t.ref(nullptr);
        break;
      }
      auto it = cx.program.actors.find(node.name.name);
      if (it != cx.program.actors.end()) {
        r = t.ref(it->second);
        break;
      }
      if (cx.redeclared.count(node.name.name)) break;
      std::vector<std::string> names;
      for (auto& [n, a] : cx.program.actors) names.push_back(n);
      if (cx.program.messages.count(node.name.name)) {
        cx.error(diag::Code::E0109, node.name.range, "'" + node.name.name + "' is a message, not an actor")
            .note({}, "a ref points to an actor: ref<ActorName>");
        break;
      }
      auto d = cx.error(diag::Code::E0109, node.name.range, "unknown actor '" + node.name.name + "'");
      if (auto s = closestName(node.name.name, names); !s.empty()) d.note({}, "did you mean '" + s + "'?");
      else if (cx.program.supervisors.count(node.name.name) || cx.program.societies.count(node.name.name))
        d.note({}, "refs point to actors; a supervisor's children are referred to by their names");
      break;
    }
    case ast::TypeNodeKind::Named: {
      if (node.name.name.empty()) break;  // after a syntax error
      auto it = cx.program.messages.find(node.name.name);
      if (it != cx.program.messages.end()) {
        r = t.message(it->second);
        break;
      }
      if (cx.redeclared.count(node.name.name)) break;
      std::vector<std::string> names = {"int", "float", "bool", "string", "bytes", "duration"};
      for (auto& [n, m] : cx.program.messages) names.push_back(n);
      auto d = cx.error(diag::Code::E0107, node.name.range, "unknown type '" + node.name.name + "'");
      if (cx.program.actors.count(node.name.name))
        d.note({}, "'" + node.name.name + "' is an actor; write 'ref<" + node.name.name + ">' for a reference to one");
      else if (auto s = closestName(node.name.name, names); !s.empty())
        d.note({}, "did you mean '" + s + "'?");
      break;
    }
  }
  node.resolved = r;
  return r;
}

void resolveTypes(Context& cx) {
  for (auto& m : cx.program.modules) {
    for (auto& msg : m->messages) {
      std::map<std::string, diag::SourceRange> seen;
      for (auto& f : msg->fields) {
        auto [it, fresh] = seen.emplace(f.name.name, f.name.range);
        if (!fresh)
          cx.error(diag::Code::E0218, f.name.range, "duplicate field '" + f.name.name + "' in message '" + msg->name.name + "'")
              .note(it->second, "previous field is here");
        f.type = f.typeNode ? resolveTypeNode(cx, *f.typeNode) : cx.types().error();
      }
    }
    for (auto& a : m->actors) {
      std::map<std::string, diag::SourceRange> seen;
      for (auto& p : a->params) {
        auto [it, fresh] = seen.emplace(p->name.name, p->name.range);
        if (!fresh)
          cx.error(diag::Code::E0116, p->name.range, "redeclaration of '" + p->name.name + "' in actor '" + a->name.name + "'")
              .note(it->second, "previous declaration is here");
        p->type = p->typeNode ? resolveTypeNode(cx, *p->typeNode) : cx.types().error();
      }
      for (auto& s : a->states) {
        auto [it, fresh] = seen.emplace(s->name.name, s->name.range);
        if (!fresh)
          cx.error(diag::Code::E0116, s->name.range, "redeclaration of '" + s->name.name + "' in actor '" + a->name.name + "'")
              .note(it->second, "previous declaration is here");
        if (s->typeNode) s->type = resolveTypeNode(cx, *s->typeNode);
      }
    }
  }
  // A message that contains itself by value (directly or through other messages) has no finite
  // size; lists and maps break the cycle.
  std::map<const ast::MessageDecl*, int> state;  // 1 visiting, 2 done
  std::function<bool(const ast::MessageDecl*, std::vector<const ast::MessageDecl*>&)> visit =
      [&](const ast::MessageDecl* m, std::vector<const ast::MessageDecl*>& path) -> bool {
    state[m] = 1;
    path.push_back(m);
    for (auto& f : m->fields) {
      if (!f.type || f.type->kind != ast::TypeKind::Message) continue;
      const ast::MessageDecl* n = f.type->message;
      if (state[n] == 1) {
        std::string chain;
        bool on = false;
        for (auto* p : path) {
          if (p == n) on = true;
          if (on) chain += p->name.name + " -> ";
        }
        chain += n->name.name;
        cx.error(diag::Code::E0225, f.typeNode->range, "message '" + n->name.name + "' contains itself (" + chain + ")")
            .note({}, "use list<" + n->name.name + "> to hold a message of the same type");
        continue;
      }
      if (state[n] == 0) visit(n, path);
    }
    path.pop_back();
    state[m] = 2;
    return true;
  };
  for (auto& [name, m] : cx.program.messages) {
    std::vector<const ast::MessageDecl*> path;
    if (state[m] == 0) visit(m, path);
  }
}

}  // namespace fnd::sema

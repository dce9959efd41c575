#include "tools/lsp/index.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "ast/cluster_words.hpp"

namespace fnd::tools::lsp {

namespace {

std::string code(const std::string& s) { return "```fnd\n" + s + "\n```"; }

// Walks the document's module once, recording occurrences (and, for completion, expressions).
class Walker {
 public:
  Walker(const Analysis& a, std::vector<Occurrence>& occ, std::vector<const ast::Expr*>& exprs)
      : a_(a), p_(a.program()), occ_(occ), exprs_(exprs) {
    for (auto& m : p_.modules) {
      for (auto& msg : m->messages)
        for (auto& f : msg->fields) fieldOwner_[&f] = msg.get();
      for (auto& ac : m->actors) {
        for (auto& x : ac->params) paramOwner_[x.get()] = ac.get();
        for (auto& x : ac->states) stateOwner_[x.get()] = ac.get();
      }
      for (auto& s : m->supervisors)
        for (auto& c : s->children) childOwner_[c.get()] = s.get();
    }
  }

  void module(const ast::Module& m) {
    if (!m.name.empty()) add(m.nameRange, m.nameRange, code("module " + m.name));
    for (auto& i : m.imports) {
      std::string h = code("import " + i.name);
      if (i.module) h += "\n\n" + i.module->path;
      add(i.range, i.module ? i.module->nameRange : diag::SourceRange{}, h);
    }
    for (auto& msg : m.messages) {
      add(msg->name.range, msg->name.range, messageHover(*msg));
      for (auto& f : msg->fields) {
        add(f.name.range, f.name.range, fieldHover(f));
        if (f.typeNode) type(*f.typeNode);
      }
    }
    for (auto& ac : m.actors) actor(*ac);
    for (auto& s : m.supervisors) {
      add(s->name.range, s->name.range, supervisorHover(*s));
      for (auto& c : s->children) {
        add(c->name.range, c->name.range, childHover(*c));
        start(c->start);
      }
    }
    for (auto& s : m.societies) {
      add(s->name.range, s->name.range, societyHover(*s));
      for (auto& r : s->roles) {
        add(r->name.range, r->name.range, roleHover(*r));
        start(r->start);
      }
    }
    for (auto& mn : m.mains) start(mn->start);
    for (auto& c : m.clusters) cluster(*c);
  }

  // cluster NAME { node a: "..."  place app.w on a }: nodes, and each step of a placement path
  // resolved from main's root (as sema/check_cluster.cpp) to its child, society or role.
  void cluster(const ast::ClusterDecl& c) {
    add(c.name.range, c.name.range, code("cluster " + c.name.name) + "\n\n" + std::to_string(c.nodes.size()) + " node(s); the first, `" +
                                        (c.nodes.empty() ? std::string() : c.nodes.front().name.name) + "`, runs what is not placed");
    for (const auto& n : c.nodes) add(n.name.range, n.name.range, nodeHover(n));
    for (const auto& st : c.membership)
      add(st.range, st.range, code(st.name + ": " + st.value) + "\n\nmembership (SWIM) setting of cluster `" + c.name.name +
                                  "`; a node started with `--membership " + st.name + "=VALUE` overrides it");
    if (c.securityRange.valid())
      add(c.securityRange, c.securityRange,
          c.security == ast::ClusterSecurity::Curve
              ? code("security: curve") + "\n\nCurveZMQ between nodes; start each node with `--cluster-key FILE` (`fndc keygen NAME`)"
              : code("security: none") + "\n\nany peer is accepted: use only on a trusted network");
    const ast::MainDecl* main = a_.program().main;
    for (const auto& p : c.placements) {
      for (const auto& id : p.nodes)
        if (const ast::ClusterNode* n = c.findNode(id.name)) add(id.range, n->name.range, nodeHover(*n));
      if (!main || p.path.empty() || p.path[0].name != main->start.target.name) continue;
      const ast::SupervisorDecl* sup = main->start.supervisor;
      const ast::SocietyDecl* soc = main->start.society;
      if (sup) add(p.path[0].range, sup->name.range, supervisorHover(*sup));
      else if (soc) add(p.path[0].range, soc->name.range, societyHover(*soc));
      for (size_t i = 1; i < p.path.size(); ++i) {
        const ast::Ident& step = p.path[i];
        if (sup) {
          const ast::ChildSpec* ch = sup->findChild(step.name);
          if (!ch) break;
          add(step.range, ch->name.range, childHover(*ch) + "\n\nplaced " + placementText(p));
          sup = ch->start.supervisor;
          soc = ch->start.society;
        } else if (soc) {
          const ast::RoleDecl* r = soc->findRole(step.name);
          if (!r) break;
          add(step.range, r->name.range, roleHover(*r) + "\n\nplaced " + placementText(p));
          sup = nullptr;
          soc = nullptr;
        } else {
          break;
        }
      }
    }
  }
  std::string nodeHover(const ast::ClusterNode& n) const {
    return code("node " + n.name.name + (n.address.empty() ? "" : ": \"" + n.address + "\"")) + "\n\n" +
           (n.address.empty() ? "address given at start (`--addr " + n.name.name + "=tcp://HOST:PORT`)"
                              : "start it with `--node " + n.name.name + "`");
  }
  static std::string placementText(const ast::Placement& p) {
    std::string s = p.across ? "across [" : "on ";
    for (size_t i = 0; i < p.nodes.size(); ++i) s += (i ? ", " : "") + p.nodes[i].name;
    return "`" + s + (p.across ? "]" : "") + "`";
  }

  // ---- hover texts (also used by completion details)
  std::string text(diag::SourceRange r) const {
    if (!r.valid() || r.end < r.begin) return {};
    auto c = a_.sources.contents(r.file);
    if (r.end > c.size()) return {};
    return std::string(c.substr(r.begin, r.end - r.begin));
  }
  std::string typeText(const ast::TypeNode* t, const ast::Type* resolved) const {
    if (t) return text(t->range);
    if (resolved && !resolved->isError()) return resolved->str();
    return "?";
  }
  std::string messageHover(const ast::MessageDecl& m) const {
    std::string s = "message " + m.name.name + " {";
    for (std::size_t i = 0; i < m.fields.size(); ++i)
      s += (i ? ", " : " ") + m.fields[i].name.name + ": " + typeText(m.fields[i].typeNode.get(), m.fields[i].type);
    s += m.fields.empty() ? "}" : " }";
    return code(s) + (m.module ? "\n\nmodule `" + m.module->name + "`" : "");
  }
  std::string fieldHover(const ast::FieldDecl& f) const {
    auto it = fieldOwner_.find(&f);
    return code(f.name.name + ": " + typeText(f.typeNode.get(), f.type)) +
           (it != fieldOwner_.end() ? "\n\nfield of message `" + it->second->name.name + "`" : "");
  }
  std::string actorSignature(const ast::ActorDecl& a) const {
    std::string s = std::string(a.isExtern ? "extern " : "") + "actor " + a.name.name;
    if (!a.params.empty()) {
      s += "(";
      for (std::size_t i = 0; i < a.params.size(); ++i) {
        auto& p = *a.params[i];
        s += (i ? ", " : "") + p.name.name + ": " + typeText(p.typeNode.get(), p.type);
        if (p.defaultValue) s += " = " + text(p.defaultValue->range);
      }
      s += ")";
    }
    if (a.isExtern) s += " from \"" + a.externHeader + "\"";
    return s;
  }
  std::string actorHover(const ast::ActorDecl& a) const {
    std::string s = code(actorSignature(a));
    std::string handles;
    for (auto& h : a.handlers)
      if (h->kind == ast::HandlerKind::Message) handles += (handles.empty() ? "" : ", ") + ("`" + h->name.name + "`");
    if (!handles.empty()) s += "\n\nhandles " + handles;
    else if (a.isExtern && !a.externHasInterface) s += "\n\nextern actor without an interface: accepts any message";
    if (!a.states.empty()) {
      s += "\n\nstate:";
      for (auto& st : a.states)
        s += " `" + st->name.name + ": " + typeText(st->typeNode.get(), st->type) + "`";
    }
    return s;
  }
  std::string paramHover(const ast::ParamDecl& p) const {
    std::string s = "param " + p.name.name + ": " + typeText(p.typeNode.get(), p.type);
    if (p.defaultValue) s += " = " + text(p.defaultValue->range);
    auto it = paramOwner_.find(&p);
    return code(s) + (it != paramOwner_.end() ? "\n\nparameter of actor `" + it->second->name.name + "`" : "");
  }
  std::string stateHover(const ast::StateDecl& st) const {
    std::string s = "state " + st.name.name + ": " + typeText(st.typeNode.get(), st.type);
    if (st.init) s += " = " + text(st.init->range);
    auto it = stateOwner_.find(&st);
    return code(s) + (it != stateOwner_.end() ? "\n\nstate of actor `" + it->second->name.name + "`" : "");
  }
  std::string childHover(const ast::ChildSpec& c) const {
    std::string s = "child " + c.name.name + ": " + text(diag::SourceRange::join(c.start.target.range, c.start.argsRange));
    auto it = childOwner_.find(&c);
    std::string more = it != childOwner_.end() ? "child of supervisor `" + it->second->name.name + "`, " : "";
    more += std::string("restart: ") + ast::spelling(c.restart);
    if (c.start.actor) more += "; as a value: `ref<" + c.start.actor->name.name + ">` (the current incarnation)";
    return code(s) + "\n\n" + more;
  }
  std::string roleHover(const ast::RoleDecl& r) const {
    std::string s = r.name.name + ": " + text(diag::SourceRange::join(r.start.target.range, r.start.argsRange)) +
                    " x " + std::to_string(r.count);
    std::string more = r.society ? "role of society `" + r.society->name.name + "`" : "role";
    if (r.start.actor) more += "; as a value: `list<ref<" + r.start.actor->name.name + ">>`";
    return code(s) + "\n\n" + more;
  }
  std::string supervisorHover(const ast::SupervisorDecl& s) const {
    std::string more = std::string("strategy `") + ast::spelling(s.strategy) + "`, intensity " +
                       std::to_string(s.intensity.maxRestarts) + " per " + std::to_string(s.intensity.periodMs) + "ms";
    if (!s.children.empty()) {
      more += "; children:";
      for (auto& c : s.children) more += " `" + c->name.name + "`";
    }
    return code("supervisor " + s.name.name) + "\n\n" + more;
  }
  std::string societyHover(const ast::SocietyDecl& s) const {
    static const char* topo[] = {"mesh", "tree", "ring", "star", "pub_sub"};
    std::string more = std::string("topology `") + topo[static_cast<int>(s.topology)] + "`";
    if (!s.roles.empty()) {
      more += "; roles:";
      for (auto& r : s.roles) more += " `" + r->name.name + ": " + r->start.target.name + " x " + std::to_string(r->count) + "`";
    }
    return code("society " + s.name.name) + "\n\n" + more;
  }
  std::string localHover(const ast::LocalVar& v, const std::string& how) const {
    std::string t = v.type && !v.type->isError() ? ": " + v.type->str() : "";
    return code(how + v.name.name + t);
  }

 private:
  void add(diag::SourceRange use, diag::SourceRange decl, std::string hover) {
    if (!use.valid() || use.file != a_.file) return;
    occ_.push_back({use, decl, std::move(hover)});
  }

  const ast::MessageDecl* findMessage(const std::string& n) const {
    if (auto it = p_.messages.find(n); it != p_.messages.end()) return it->second;
    for (auto& m : p_.modules)
      for (auto& d : m->messages)
        if (d->name.name == n) return d.get();
    return nullptr;
  }
  const ast::ActorDecl* findActor(const std::string& n) const {
    if (auto it = p_.actors.find(n); it != p_.actors.end()) return it->second;
    for (auto& m : p_.modules)
      for (auto& d : m->actors)
        if (d->name.name == n) return d.get();
    return nullptr;
  }
  const ast::SupervisorDecl* findSupervisor(const std::string& n) const {
    for (auto& m : p_.modules)
      for (auto& d : m->supervisors)
        if (d->name.name == n) return d.get();
    return nullptr;
  }
  const ast::SocietyDecl* findSociety(const std::string& n) const {
    for (auto& m : p_.modules)
      for (auto& d : m->societies)
        if (d->name.name == n) return d.get();
    return nullptr;
  }

  void messageRef(const ast::Ident& id, const ast::MessageDecl* m) {
    if (!m) m = findMessage(id.name);
    if (m) add(id.range, m->name.range, messageHover(*m));
  }
  void actorRef(const ast::Ident& id, const ast::ActorDecl* a) {
    if (!a) a = findActor(id.name);
    if (a) add(id.range, a->name.range, actorHover(*a));
  }

  void actor(const ast::ActorDecl& a) {
    add(a.name.range, a.name.range, actorHover(a));
    for (auto& p : a.params) {
      add(p->name.range, p->name.range, paramHover(*p));
      if (p->typeNode) type(*p->typeNode);
      expr(p->defaultValue.get());
    }
    for (auto& s : a.states) {
      add(s->name.range, s->name.range, stateHover(*s));
      if (s->typeNode) type(*s->typeNode);
      expr(s->init.get());
    }
    for (auto& h : a.handlers) {
      if (h->kind == ast::HandlerKind::Message) messageRef(h->name, h->message);
      for (auto& v : h->params) {
        std::string how = h->kind == ast::HandlerKind::Message ? "" : "";
        locals_[v.get()] = how;
        add(v->name.range, v->name.range, localHover(*v, how));
      }
      expr(h->interval.get());
      if (h->body) block(*h->body);
    }
  }

  void type(const ast::TypeNode& t) {
    if (t.kind == ast::TypeNodeKind::Named) messageRef(t.name, t.resolved ? t.resolved->message : nullptr);
    if (t.kind == ast::TypeNodeKind::Ref && !t.name.name.empty())
      actorRef(t.name, t.resolved ? t.resolved->actor : nullptr);
    if (t.elem) type(*t.elem);
    if (t.key) type(*t.key);
  }

  void start(const ast::StartArgs& s) {
    const ast::ActorDecl* actorDecl = s.actor;
    if (s.targetKind == ast::TargetKind::Supervisor || (!s.actor && findSupervisor(s.target.name))) {
      const ast::SupervisorDecl* d = s.supervisor ? s.supervisor : findSupervisor(s.target.name);
      add(s.target.range, d->name.range, supervisorHover(*d));
    } else if (s.targetKind == ast::TargetKind::Society || (!s.actor && findSociety(s.target.name))) {
      const ast::SocietyDecl* d = s.society ? s.society : findSociety(s.target.name);
      add(s.target.range, d->name.range, societyHover(*d));
    } else {
      if (!actorDecl) actorDecl = findActor(s.target.name);
      actorRef(s.target, actorDecl);
    }
    for (auto& arg : s.args) {
      const ast::ParamDecl* p = arg.param;
      if (!p && actorDecl) p = actorDecl->findParam(arg.name.name);
      if (p) add(arg.name.range, p->name.range, paramHover(*p));
      expr(arg.value.get());
    }
  }

  void block(const ast::Block& b) {
    for (auto& s : b.stmts) stmt(*s);
  }

  void local(const ast::LocalVar& v, const std::string& how) {
    locals_[&v] = how;
    add(v.name.range, v.name.range, localHover(v, how));
  }

  void stmt(const ast::Stmt& s) {
    switch (s.kind) {
      case ast::StmtKind::Let: {
        auto& l = s.as<ast::LetStmt>();
        if (l.declType) type(*l.declType);
        expr(l.init.get());
        local(l.var, l.var.isMutable ? "var " : "let ");
        return;
      }
      case ast::StmtKind::Assign:
        expr(s.as<ast::AssignStmt>().target.get());
        expr(s.as<ast::AssignStmt>().value.get());
        return;
      case ast::StmtKind::Expr: expr(s.as<ast::ExprStmt>().expr.get()); return;
      case ast::StmtKind::If: {
        auto& i = s.as<ast::IfStmt>();
        for (auto& arm : i.arms) {
          expr(arm.cond.get());
          block(arm.body);
        }
        if (i.elseBody) block(*i.elseBody);
        return;
      }
      case ast::StmtKind::While:
        expr(s.as<ast::WhileStmt>().cond.get());
        block(s.as<ast::WhileStmt>().body);
        return;
      case ast::StmtKind::For: {
        auto& f = s.as<ast::ForStmt>();
        expr(f.iterable.get());
        expr(f.rangeEnd.get());
        local(f.first, "for ");
        if (f.second) local(*f.second, "for ");
        block(f.body);
        return;
      }
      case ast::StmtKind::Send:
        expr(s.as<ast::SendStmt>().target.get());
        expr(s.as<ast::SendStmt>().message.get());
        return;
      case ast::StmtKind::Reply: expr(s.as<ast::ReplyStmt>().message.get()); return;
      case ast::StmtKind::Broadcast: {
        auto& b = s.as<ast::BroadcastStmt>();
        if (!b.roles.empty()) add(b.role.range, b.roles[0]->name.range, roleHover(*b.roles[0]));
        expr(b.message.get());
        return;
      }
      case ast::StmtKind::Publish: expr(s.as<ast::PublishStmt>().message.get()); return;
      case ast::StmtKind::Emit:
        for (auto& x : s.as<ast::EmitStmt>().args) expr(x.get());
        return;
      case ast::StmtKind::Log: expr(s.as<ast::LogStmt>().message.get()); return;
      default: return;
    }
  }

  void expr(const ast::Expr* e) {
    if (!e) return;
    exprs_.push_back(e);
    switch (e->kind) {
      case ast::ExprKind::Name: {
        auto& n = e->as<ast::NameExpr>();
        switch (n.ref) {
          case ast::NameRef::Local:
            if (n.local) {
              auto it = locals_.find(n.local);
              add(n.name.range, n.local->name.range, localHover(*n.local, it != locals_.end() ? it->second : ""));
            }
            break;
          case ast::NameRef::Param:
            if (n.param) add(n.name.range, n.param->name.range, paramHover(*n.param));
            break;
          case ast::NameRef::State:
            if (n.state) add(n.name.range, n.state->name.range, stateHover(*n.state));
            break;
          case ast::NameRef::Child:
            if (n.child) add(n.name.range, n.child->name.range, childHover(*n.child));
            break;
          case ast::NameRef::Role:
            if (!n.roles.empty()) add(n.name.range, n.roles[0]->name.range, roleHover(*n.roles[0]));
            break;
          default:
            break;
        }
        return;
      }
      case ast::ExprKind::StringLit:
        for (auto& p : e->as<ast::StringLit>().parts) expr(p.expr.get());
        return;
      case ast::ExprKind::Field: {
        auto& f = e->as<ast::FieldExpr>();
        expr(f.base.get());
        if (f.decl) add(f.field.range, f.decl->name.range, fieldHover(*f.decl));
        return;
      }
      case ast::ExprKind::Index:
        expr(e->as<ast::IndexExpr>().base.get());
        expr(e->as<ast::IndexExpr>().index.get());
        return;
      case ast::ExprKind::MethodCall: {
        auto& m = e->as<ast::MethodCallExpr>();
        expr(m.base.get());
        std::string recv = m.base && m.base->type ? m.base->type->str() : "?";
        std::string result = e->type && !e->type->isError() ? e->type->str() : "";
        add(m.method.range, {}, code(recv + "." + m.method.name + "(...)" + (result.empty() || result == "void" ? "" : " -> " + result)) +
                                    "\n\nbuilt-in method");
        for (auto& x : m.args) expr(x.get());
        return;
      }
      case ast::ExprKind::Call: {
        auto& c = e->as<ast::CallExpr>();
        if (c.builtin != ast::Builtin::Unresolved) {
          std::string result = e->type && !e->type->isError() && e->type->kind != ast::TypeKind::Void ? " -> " + e->type->str() : "";
          add(c.callee.range, {}, code(c.callee.name + "(...)" + result) + "\n\nbuilt-in function");
        }
        for (auto& x : c.args) expr(x.get());
        return;
      }
      case ast::ExprKind::Convert: expr(e->as<ast::ConvertExpr>().arg.get()); return;
      case ast::ExprKind::Unary: expr(e->as<ast::UnaryExpr>().operand.get()); return;
      case ast::ExprKind::Binary:
        expr(e->as<ast::BinaryExpr>().lhs.get());
        expr(e->as<ast::BinaryExpr>().rhs.get());
        return;
      case ast::ExprKind::MessageLit: {
        auto& m = e->as<ast::MessageLit>();
        const ast::MessageDecl* d = m.decl ? m.decl : findMessage(m.typeName.name);
        messageRef(m.typeName, d);
        for (auto& i : m.inits) {
          const ast::FieldDecl* f = i.decl ? i.decl : (d ? d->findField(i.name.name) : nullptr);
          if (f) add(i.name.range, f->name.range, fieldHover(*f));
          expr(i.value.get());
        }
        return;
      }
      case ast::ExprKind::ListLit: {
        auto& l = e->as<ast::ListLit>();
        if (l.elemType) type(*l.elemType);
        for (auto& x : l.elems) expr(x.get());
        return;
      }
      case ast::ExprKind::MapLit: {
        auto& m = e->as<ast::MapLit>();
        if (m.keyType) type(*m.keyType);
        if (m.valueType) type(*m.valueType);
        for (auto& x : m.entries) {
          expr(x.key.get());
          expr(x.value.get());
        }
        return;
      }
      case ast::ExprKind::Spawn: start(e->as<ast::SpawnExpr>().start); return;
      default: return;
    }
  }

  const Analysis& a_;
  const ast::Program& p_;
  std::vector<Occurrence>& occ_;
  std::vector<const ast::Expr*>& exprs_;
  std::map<const ast::FieldDecl*, const ast::MessageDecl*> fieldOwner_;
  std::map<const ast::ParamDecl*, const ast::ActorDecl*> paramOwner_;
  std::map<const ast::StateDecl*, const ast::ActorDecl*> stateOwner_;
  std::map<const ast::ChildSpec*, const ast::SupervisorDecl*> childOwner_;
  std::map<const ast::LocalVar*, std::string> locals_;
};

bool contains(diag::SourceRange r, std::uint32_t off) { return r.valid() && r.begin <= off && off <= r.end; }

// Locals declared before `off` in the blocks that enclose it.
void localsAt(const ast::Block& b, std::uint32_t off, std::vector<const ast::LocalVar*>& out) {
  for (auto& s : b.stmts) {
    if (s->range.begin >= off) break;
    switch (s->kind) {
      case ast::StmtKind::Let:
        if (s->range.end <= off) out.push_back(&s->as<ast::LetStmt>().var);
        break;
      case ast::StmtKind::If: {
        auto& i = s->as<ast::IfStmt>();
        for (auto& arm : i.arms)
          if (contains(arm.body.range, off)) localsAt(arm.body, off, out);
        if (i.elseBody && contains(i.elseBody->range, off)) localsAt(*i.elseBody, off, out);
        break;
      }
      case ast::StmtKind::While:
        if (contains(s->as<ast::WhileStmt>().body.range, off)) localsAt(s->as<ast::WhileStmt>().body, off, out);
        break;
      case ast::StmtKind::For: {
        auto& f = s->as<ast::ForStmt>();
        if (contains(f.body.range, off)) {
          out.push_back(&f.first);
          if (f.second) out.push_back(f.second.get());
          localsAt(f.body, off, out);
        }
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace

Index::Index(const Analysis& a) : a_(a) {
  if (!a.module) return;
  Walker w(a, occ_, exprs_);
  w.module(*a.module);
  std::sort(occ_.begin(), occ_.end(), [](const Occurrence& x, const Occurrence& y) {
    return x.use.begin < y.use.begin;
  });
}

const Occurrence* Index::at(std::uint32_t offset) const {
  const Occurrence* best = nullptr;
  for (const Occurrence& o : occ_)
    if (o.use.begin <= offset && offset <= o.use.end) {
      if (!best || o.use.end - o.use.begin < best->use.end - best->use.begin) best = &o;
    }
  return best;
}

const ast::Type* Index::typeEndingAt(std::uint32_t offset) const {
  const ast::Expr* best = nullptr;
  for (const ast::Expr* e : exprs_)
    if (e->range.end == offset && e->range.file == a_.file && e->type && !e->type->isError())
      if (!best || e->range.begin < best->range.begin) best = e;
  return best ? best->type : nullptr;
}

std::vector<Symbol> Index::outline() const {
  std::vector<Symbol> out;
  if (!a_.module) return out;
  const ast::Module& m = *a_.module;
  std::vector<Occurrence> scratchOcc;
  std::vector<const ast::Expr*> scratchExprs;
  Walker w(a_, scratchOcc, scratchExprs);
  Symbol mod;
  mod.name = m.name.empty() ? std::string("(no module)") : m.name;
  mod.kind = SymbolKind::Module;
  mod.range = {a_.file, 0, static_cast<std::uint32_t>(a_.sources.contents(a_.file).size())};
  mod.selection = m.name.empty() ? diag::SourceRange{a_.file, 0, 0} : m.nameRange;
  auto sym = [](std::string name, std::string detail, SymbolKind k, diag::SourceRange range, diag::SourceRange sel) {
    Symbol s;
    s.name = std::move(name);
    s.detail = std::move(detail);
    s.kind = k;
    s.range = diag::SourceRange::join(range, sel);
    s.selection = sel;
    return s;
  };
  for (auto& msg : m.messages) {
    Symbol s = sym(msg->name.name, "message", SymbolKind::Struct, msg->range, msg->name.range);
    for (auto& f : msg->fields)
      s.children.push_back(sym(f.name.name, w.typeText(f.typeNode.get(), f.type), SymbolKind::Field,
                               diag::SourceRange::join(f.name.range, f.typeNode ? f.typeNode->range : f.name.range), f.name.range));
    mod.children.push_back(std::move(s));
  }
  for (auto& a : m.actors) {
    Symbol s = sym(a->name.name, w.actorSignature(*a), SymbolKind::Class, a->range, a->name.range);
    for (auto& p : a->params)
      s.children.push_back(sym(p->name.name, "param " + w.typeText(p->typeNode.get(), p->type), SymbolKind::Property, p->range, p->name.range));
    for (auto& st : a->states)
      s.children.push_back(sym(st->name.name, "state " + w.typeText(st->typeNode.get(), st->type), SymbolKind::Variable, st->range, st->name.range));
    for (auto& h : a->handlers) {
      diag::SourceRange r = h->body ? diag::SourceRange::join(h->range, h->body->range) : h->range;
      if (h->kind == ast::HandlerKind::Every)
        s.children.push_back(sym("every " + (h->interval ? w.text(h->interval->range) : std::string()), "timer",
                                 SymbolKind::Event, r, h->range));
      else
        s.children.push_back(sym("on " + h->name.name, "handler", SymbolKind::Method, r, h->name.range.valid() ? h->name.range : h->range));
    }
    mod.children.push_back(std::move(s));
  }
  for (auto& sup : m.supervisors) {
    Symbol s = sym(sup->name.name, std::string("supervisor, ") + ast::spelling(sup->strategy), SymbolKind::Namespace,
                   sup->range, sup->name.range);
    for (auto& c : sup->children)
      s.children.push_back(sym(c->name.name, c->start.target.name, SymbolKind::Object, c->range, c->name.range));
    mod.children.push_back(std::move(s));
  }
  for (auto& soc : m.societies) {
    Symbol s = sym(soc->name.name, "society", SymbolKind::Namespace, soc->range, soc->name.range);
    for (auto& r : soc->roles)
      s.children.push_back(sym(r->name.name, r->start.target.name + " x " + std::to_string(r->count), SymbolKind::Object,
                               r->range, r->name.range));
    mod.children.push_back(std::move(s));
  }
  for (auto& mn : m.mains)
    mod.children.push_back(sym("main", mn->start.target.name, SymbolKind::Function, mn->range, mn->start.target.range));
  for (auto& c : m.clusters) {
    Symbol s = sym(c->name.name, "cluster", SymbolKind::Namespace, c->range, c->name.range);
    for (auto& n : c->nodes)
      s.children.push_back(sym(n.name.name, n.address.empty() ? "node" : n.address, SymbolKind::Object, n.range, n.name.range));
    for (auto& p : c->placements) {
      std::string where = p.across ? "across" : "on";
      for (auto& n : p.nodes) where += " " + n.name;
      s.children.push_back(sym(p.dotted(), where, SymbolKind::Property, p.range, p.pathRange));
    }
    mod.children.push_back(std::move(s));
  }
  out.push_back(std::move(mod));
  return out;
}

std::vector<Candidate> Index::namesAt(std::uint32_t offset) const {
  std::vector<Candidate> out;
  const ast::Program& p = a_.program();
  std::vector<Occurrence> scratchOcc;
  std::vector<const ast::Expr*> scratchExprs;
  Walker w(a_, scratchOcc, scratchExprs);
  std::set<std::string> seen;
  auto add = [&](const std::string& label, const std::string& detail, CompletionKind k) {
    if (!label.empty() && seen.insert(label).second) out.push_back({label, detail, k});
  };
  if (a_.module) {
    for (auto& a : a_.module->actors) {
      if (!contains(a->range, offset)) continue;
      for (auto& h : a->handlers) {
        if (!h->body || !contains(h->body->range, offset)) continue;
        std::vector<const ast::LocalVar*> locals;
        for (auto& v : h->params) locals.push_back(v.get());
        localsAt(*h->body, offset, locals);
        for (auto it = locals.rbegin(); it != locals.rend(); ++it)
          add((*it)->name.name, (*it)->type && !(*it)->type->isError() ? (*it)->type->str() : "local", CompletionKind::Variable);
      }
      for (auto& x : a->params) add(x->name.name, "param " + w.typeText(x->typeNode.get(), x->type), CompletionKind::Property);
      for (auto& x : a->states) add(x->name.name, "state " + w.typeText(x->typeNode.get(), x->type), CompletionKind::Variable);
      for (const ast::SocietyDecl* soc : a->societies)
        for (auto& r : soc->roles) add(r->name.name, "role of " + soc->name.name, CompletionKind::Variable);
    }
    for (auto& s : a_.module->supervisors)
      if (contains(s->range, offset))
        for (auto& c : s->children) add(c->name.name, "child " + c->start.target.name, CompletionKind::Variable);
    // Inside a cluster: its node names and the words of its items.
    for (auto& c : a_.module->clusters) {
      if (!contains(c->range, offset)) continue;
      for (auto& n : c->nodes) add(n.name.name, n.address.empty() ? "node" : "node " + n.address, CompletionKind::Variable);
      // The item and setting words from the AST builder's table (they are not reserved words).
      namespace words = ast::cluster_words;
      for (std::string_view w : {words::kNode, words::kPlace, words::kAcross}) add(std::string(w), "cluster item", CompletionKind::Keyword);
      add("on", "cluster item", CompletionKind::Keyword);
      add(std::string(words::kSecurity), "setting: none | curve", CompletionKind::Property);
      for (std::string_view w : words::kSecurityValues) add(std::string(w), "security", CompletionKind::Value);
      for (std::string_view w : words::kDurationSettings) add(std::string(w), "membership setting: a duration", CompletionKind::Property);
      for (std::string_view w : words::kCountSettings) add(std::string(w), "membership setting: a whole number", CompletionKind::Property);
      if (p.main) add(p.main->start.target.name, "root (placement paths start here)", CompletionKind::Module);
    }
  }
  for (auto& m : p.modules) {
    for (auto& d : m->messages) add(d->name.name, "message", CompletionKind::Struct);
    for (auto& d : m->actors) add(d->name.name, w.actorSignature(*d), CompletionKind::Class);
    for (auto& d : m->supervisors) add(d->name.name, "supervisor", CompletionKind::Module);
    for (auto& d : m->societies) add(d->name.name, "society", CompletionKind::Module);
  }
  return out;
}

}  // namespace fnd::tools::lsp

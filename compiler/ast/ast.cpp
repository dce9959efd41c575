#include "ast/ast.hpp"

namespace fnd::ast {

const char* spelling(Restart r) {
  switch (r) {
    case Restart::Permanent: return "permanent";
    case Restart::Transient: return "transient";
    case Restart::Temporary: return "temporary";
  }
  return "?";
}

const char* spelling(Strategy s) {
  switch (s) {
    case Strategy::OneForOne: return "one_for_one";
    case Strategy::OneForAll: return "one_for_all";
    case Strategy::RestForOne: return "rest_for_one";
    case Strategy::SimpleOneForOne: return "simple_one_for_one";
  }
  return "?";
}

const char* spelling(Topology t) {
  switch (t) {
    case Topology::Mesh: return "mesh";
    case Topology::Tree: return "tree";
    case Topology::Ring: return "ring";
    case Topology::Star: return "star";
    case Topology::PubSub: return "pub_sub";
  }
  return "?";
}

const char* spelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Mod: return "%";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::And: return "and";
    case BinaryOp::Or: return "or";
    case BinaryOp::BitAnd: return "&";
    case BinaryOp::BitOr: return "|";
    case BinaryOp::BitXor: return "^";
    case BinaryOp::Shl: return "<<";
    case BinaryOp::Shr: return ">>";
    case BinaryOp::UShr: return ">>>";
  }
  return "?";
}

const FieldDecl* MessageDecl::findField(const std::string& n) const {
  for (const auto& f : fields)
    if (f.name.name == n) return &f;
  return nullptr;
}

const ParamDecl* ActorDecl::findParam(const std::string& n) const {
  for (const auto& p : params)
    if (p->name.name == n) return p.get();
  return nullptr;
}

const StateDecl* ActorDecl::findState(const std::string& n) const {
  for (const auto& s : states)
    if (s->name.name == n) return s.get();
  return nullptr;
}

const HandlerDecl* ActorDecl::findHandler(const MessageDecl* m) const {
  for (const auto& h : handlers)
    if (h->kind == HandlerKind::Message && h->message == m) return h.get();
  return nullptr;
}

bool ActorDecl::accepts(const MessageDecl* m) const {
  if (isExtern && !externHasInterface) return true;
  return findHandler(m) != nullptr;
}

const ChildSpec* SupervisorDecl::findChild(const std::string& n) const {
  for (const auto& c : children)
    if (c->name.name == n) return c.get();
  return nullptr;
}

const RoleDecl* SocietyDecl::findRole(const std::string& n) const {
  for (const auto& r : roles)
    if (r->name.name == n) return r.get();
  return nullptr;
}

const ClusterNode* ClusterDecl::findNode(const std::string& n) const {
  for (const auto& nd : nodes)
    if (nd.name.name == n) return &nd;
  return nullptr;
}

std::string Placement::dotted() const {
  std::string s;
  for (const auto& p : path) s += (s.empty() ? "" : ".") + p.name;
  return s;
}

}  // namespace fnd::ast

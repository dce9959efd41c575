#include "ast/types.hpp"

#include "ast/ast.hpp"

namespace fnd::ast {

TypeContext::TypeContext() {
  error_.kind = TypeKind::Error;
  void_.kind = TypeKind::Void;
  int_.kind = TypeKind::Int;
  float_.kind = TypeKind::Float;
  bool_.kind = TypeKind::Bool;
  string_.kind = TypeKind::String;
  bytes_.kind = TypeKind::Bytes;
  duration_.kind = TypeKind::Duration;
}

const Type* TypeContext::list(const Type* elem) {
  auto& slot = lists_[elem];
  if (!slot) {
    slot = std::make_unique<Type>();
    slot->kind = TypeKind::List;
    slot->elem = elem;
  }
  return slot.get();
}

const Type* TypeContext::map(const Type* key, const Type* value) {
  auto& slot = maps_[{key, value}];
  if (!slot) {
    slot = std::make_unique<Type>();
    slot->kind = TypeKind::Map;
    slot->key = key;
    slot->elem = value;
  }
  return slot.get();
}

const Type* TypeContext::ref(const ActorDecl* actor) {
  auto& slot = refs_[actor];
  if (!slot) {
    slot = std::make_unique<Type>();
    slot->kind = TypeKind::Ref;
    slot->actor = actor;
  }
  return slot.get();
}

const Type* TypeContext::message(const MessageDecl* decl) {
  auto& slot = messages_[decl];
  if (!slot) {
    slot = std::make_unique<Type>();
    slot->kind = TypeKind::Message;
    slot->message = decl;
  }
  return slot.get();
}

bool Type::isFormattable() const {
  switch (kind) {
    case TypeKind::Int: case TypeKind::Float: case TypeKind::Bool: case TypeKind::String:
    case TypeKind::Duration: case TypeKind::Ref: case TypeKind::Error:
      return true;
    default:
      return false;
  }
}

bool Type::isMapKey() const {
  switch (kind) {
    case TypeKind::Int: case TypeKind::Bool: case TypeKind::String: case TypeKind::Duration:
    case TypeKind::Error:
      return true;
    default:
      return false;
  }
}

std::string Type::str() const {
  switch (kind) {
    case TypeKind::Error: return "<error>";
    case TypeKind::Void: return "void";
    case TypeKind::Int: return "int";
    case TypeKind::Float: return "float";
    case TypeKind::Bool: return "bool";
    case TypeKind::String: return "string";
    case TypeKind::Bytes: return "bytes";
    case TypeKind::Duration: return "duration";
    case TypeKind::List: return "list<" + elem->str() + ">";
    case TypeKind::Map: return "map<" + key->str() + ", " + elem->str() + ">";
    case TypeKind::Ref: return actor ? "ref<" + actor->name.name + ">" : "ref";
    case TypeKind::Message: return message->name.name;
  }
  return "?";
}

}  // namespace fnd::ast

// Semantic types of Foundation values. Types are interned by a TypeContext (owned by the Program),
// so two types are equal iff their pointers are equal.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace fnd::ast {

struct ActorDecl;
struct MessageDecl;

enum class TypeKind {
  Error,     // the type of an ill-typed expression; never reported twice (suppresses cascades)
  Void,      // the "value" of a statement-like call (print, link, ...)
  Int,       // 64-bit signed, wrapping arithmetic
  Float,     // IEEE double
  Bool,
  String,    // UTF-8 text, value semantics
  Bytes,     // raw octets, value semantics
  Duration,  // a span of time, millisecond resolution (stored as int64 milliseconds)
  List,      // list<elem>
  Map,       // map<key, elem>, iterates in ascending key order
  Ref,       // ref<actor>, or `ref` (any actor) when actor == nullptr
  Message,   // a message type; value semantics
};

struct Type {
  TypeKind kind = TypeKind::Error;
  const Type* elem = nullptr;            // List: element type; Map: value type
  const Type* key = nullptr;             // Map: key type
  const ActorDecl* actor = nullptr;      // Ref: target actor (nullptr: any actor)
  const MessageDecl* message = nullptr;  // Message: its declaration

  bool isError() const { return kind == TypeKind::Error; }
  bool isNumeric() const { return kind == TypeKind::Int || kind == TypeKind::Float; }
  // Can appear in string interpolation, print, emit, log: int float bool string duration ref.
  bool isFormattable() const;
  // Valid as a map key: int string bool duration (all totally ordered, deterministically).
  bool isMapKey() const;
  // The type as written in source: `map<string, list<int>>`, `ref<Ponger>`, `ref`, `Ping`.
  std::string str() const;
};

// Interns types; scalar types are singletons.
class TypeContext {
 public:
  TypeContext();
  const Type* error() const { return &error_; }
  const Type* voidType() const { return &void_; }
  const Type* intType() const { return &int_; }
  const Type* floatType() const { return &float_; }
  const Type* boolType() const { return &bool_; }
  const Type* stringType() const { return &string_; }
  const Type* bytesType() const { return &bytes_; }
  const Type* durationType() const { return &duration_; }
  const Type* list(const Type* elem);
  const Type* map(const Type* key, const Type* value);
  const Type* ref(const ActorDecl* actor);  // nullptr: any actor
  const Type* message(const MessageDecl* decl);

 private:
  Type error_, void_, int_, float_, bool_, string_, bytes_, duration_;
  std::map<const Type*, std::unique_ptr<Type>> lists_;
  std::map<std::pair<const Type*, const Type*>, std::unique_ptr<Type>> maps_;
  std::map<const ActorDecl*, std::unique_ptr<Type>> refs_;
  std::map<const MessageDecl*, std::unique_ptr<Type>> messages_;
};

}  // namespace fnd::ast

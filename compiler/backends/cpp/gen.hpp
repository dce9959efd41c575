// The C++ generator's internals (not installed). Code generation is split by construct, like
// ponyc's codegen: gen_types.cpp (type names, messages and their codecs), gen_expr.cpp,
// gen_stmt.cpp, gen_actor.cpp, gen_supervision.cpp (supervisors and societies), gen_main.cpp and
// gen_module.cpp (a module's header and source files). The shape of the output is documented in
// docs/cpp-backend.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ast/ast.hpp"
#include "diag/source_manager.hpp"

namespace fnd::backend::cpp {

// Indented C++ text.
class Code {
 public:
  void line(std::string_view s = {});
  // `s {` and one more level of indentation.
  void open(std::string_view s);
  // One level less, then `s` (default `}`).
  void close(std::string_view s = "}");
  void indent() { ++depth_; }
  void dedent() { --depth_; }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
  int depth_ = 0;
};

// ---- names ----
// A C++ identifier for a .fnd name: C++ keywords and reserved words get a trailing `_`
// (`class` -> `class_`), as do names starting with `fnd_` (generated temporaries use that prefix).
std::string ident(std::string_view name);
// The module's namespace: `pingpong`, `std_::time` (from `std.time`); the file stem if unnamed.
std::string moduleNamespace(const ast::Module& m);
// The module's file stem: `pingpong`, `std.time`.
std::string moduleStem(const ast::Module& m);
// A C++ string literal (escaped).
std::string quote(std::string_view s);
// `5L` (int64 on LP64), `0.5`, `1e+300`.
std::string intLiteral(std::int64_t v, bool hex = false);  // hex: keep the 0x spelling
std::string floatLiteral(double v);
std::string durationLiteral(std::int64_t millis);

// Where an expression is generated: in an actor's handler (or state initializer), in a supervisor's
// child arguments, in a society's member arguments, or in main's arguments.
struct Scope {
  enum Kind { Actor, Supervisor, Society, Main } kind = Actor;
  const ast::ActorDecl* actor = nullptr;
  const ast::SocietyDecl* society = nullptr;
  // Supervisor/Society: the C++ expression holding the instance's registered name.
  std::string instanceName = "name";
};

// `static const fnd_cfg_setting fnd_config_settings[] = {...};` (gen_services.cpp)
void configTable(Code& c, const ast::Program& program);
// `static const fnd_protect_spec fnd_protect_specs[] = {...};` (gen_services.cpp)
void protectTable(Code& c, const ast::Program& program);

class Gen {
 public:
  Gen(const ast::Program& program, const diag::SourceManager& sources, const ast::Module& module)
      : program_(program), sources_(sources), module_(module) {}

  // Modules that import each other (a cycle of imports, `cycle` includes this module) declare
  // their messages together in `cycleHeader`, in one dependency order across the modules: each
  // module's header includes it instead of declaring its own messages.
  void setImportCycle(std::vector<const ast::Module*> cycle, std::string cycleHeader) {
    cycle_ = std::move(cycle);
    cycleHeader_ = std::move(cycleHeader);
  }
  // The header of an import cycle: the messages of all its modules (gen_module.cpp).
  static std::string importCycleHeader(const ast::Program& program, const diag::SourceManager& sources,
                                       const std::vector<const ast::Module*>& cycle);

  // ---- files (gen_module.cpp, gen_main.cpp) ----
  std::string header();
  std::string source();
  std::string mainSource(const ast::MainDecl& main);

  // ---- types (gen_types.cpp) ----
  std::string type(const ast::Type* t) const;
  std::string zeroInit(const ast::Type* t) const;  // ` = 0`, ` = false`, or "" (default constructed)
  std::string messageName(const ast::MessageDecl& m) const;  // qualified if from another module
  std::string actorName(const ast::ActorDecl& a) const;
  std::string supervisorFn(const ast::SupervisorDecl& s) const;  // supervisor_App
  std::string societyFn(const ast::SocietyDecl& s) const;        // society_Workers
  void messageDecl(Code& c, const ast::MessageDecl& m);
  void messageCodec(Code& c, const ast::MessageDecl& m);
  // This module's messages, or with `modules` those of all of them (an import cycle), each after
  // the messages its fields hold.
  std::vector<const ast::MessageDecl*> messagesInDependencyOrder(const std::vector<const ast::Module*>& modules = {}) const;

  // ---- expressions (gen_expr.cpp) ----
  std::string expr(const ast::Expr& e);
  // As expr() without redundant outer parentheses (statement level).
  std::string topExpr(const ast::Expr& e);
  std::string place(const ast::Expr& e);  // an lvalue to write: index steps through at_mut (checked, unshares)
  std::string formatted(const ast::Expr& e);  // the expression as a std::string (fmt/cat)
  // The C++ arguments that start actor `a` from a start site (one per param, defaults filled in).
  std::vector<std::string> startArgs(const ast::StartArgs& s, std::string* decls = nullptr);
  // The fnd::SpawnOptions of an actor, or "" when the defaults do.
  std::string spawnOptions(const ast::ActorDecl& a) const;
  // A spawn of `start` from `spawner` (`this->`, `ctx.` or `node.`).
  std::string spawnCall(const ast::StartArgs& start, std::string_view spawner);

  // ---- statements (gen_stmt.cpp) ----
  void block(Code& c, const ast::Block& b);
  void stmt(Code& c, const ast::Stmt& s);

  // ---- actors, supervisors, societies (gen_actor.cpp, gen_supervision.cpp) ----
  void actorClass(Code& c, const ast::ActorDecl& a);
  void actorMethods(Code& c, const ast::ActorDecl& a);
  static bool statesUseSelf(const ast::ActorDecl& a);
  void supervisorDef(Code& c, const ast::SupervisorDecl& s);
  void societyDef(Code& c, const ast::SocietyDecl& s);

  // `// from file.fnd:12`
  std::string from(const diag::SourceRange& r) const;
  const ast::Module& module() const { return module_; }

 private:
  friend struct LocalNames;
  std::string handlerName(const ast::HandlerDecl& h, std::size_t everyIndex) const;
  std::string local(const ast::LocalVar* v) const;
  std::string name(const ast::NameExpr& n);
  std::string binary(const ast::BinaryExpr& b);
  std::string binaryCode(const ast::BinaryExpr& b, const std::string& l, const std::string& r);
  std::string method(const ast::MethodCallExpr& m);
  std::string methodCode(const ast::MethodCallExpr& m, const std::string& base, const std::vector<std::string>& args);
  std::string call(const ast::CallExpr& c);
  std::string convert(const ast::ConvertExpr& c);
  std::string spawn(const ast::SpawnExpr& s);
  std::string configRead(const ast::ConfigExpr& e);  // gen_services.cpp
  void protectedDispatch(Code& c, const ast::HandlerDecl& h);  // gen_services.cpp
  void forStmt(Code& c, const ast::ForStmt& f);
  void assign(Code& c, const ast::AssignStmt& a);
  std::string temp(std::string_view base);  // fnd_<base>_<n>
  // Left-to-right evaluation (language.md 8): declarations of temporaries for the operands that
  // C++ could otherwise evaluate out of order (their code is replaced by the temporary's name).
  std::string hoist(const std::vector<const ast::Expr*>& ops, std::vector<std::string>& code);

  const ast::Program& program_;
  const diag::SourceManager& sources_;
  const ast::Module& module_;
  Scope scope_;
  int temps_ = 0;
  std::vector<const ast::Module*> cycle_;  // see setImportCycle
  std::string cycleHeader_;
};

// Whether a block may change a variable (an assignment or a mutating method call anywhere in it):
// loops over a collection iterate over a copy when it might.
bool mayMutate(const ast::Block& b);
// Whether the body may change the variable `iterable` is rooted at (a `for` then iterates a copy).
bool mayMutateIterable(const ast::Block& body, const ast::Expr& iterable);

}  // namespace fnd::backend::cpp

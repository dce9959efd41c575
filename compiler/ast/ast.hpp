// The typed AST of Foundation programs.
//
// Ownership: a Program owns its Modules; every node owns its children through std::unique_ptr.
// Every node carries a SourceRange (byte offsets into a SourceManager file).
//
// What sema guarantees to a back end (i.e. after fnd::sema::runPipeline returned true, no errors):
//  - Every Expr has `type` set to a non-Error type (Void only for builtin calls and mutating
//    methods used as statements).
//  - Every NameExpr has `ref` set (local / param / state / role / child); every FieldExpr has
//    `decl`; every MethodCallExpr has `resolved`; every CallExpr has `builtin`; every ForStmt has
//    `forKind`; every BroadcastStmt has `roles`; every MessageLit has
//    `decl` and `byField` (one entry per field of the message, in declaration order; nullptr means
//    "the zero value of the field's type").
//  - Every TypeNode has `resolved`; every FieldDecl/ParamDecl/StateDecl/LocalVar has `type`.
//  - StartArgs (child specs, society roles, spawn, main) have `target*` set and `byParam` filled:
//    one entry per ParamDecl of the target actor in declaration order; nullptr means "use the
//    parameter's default expression" (which then exists). simple_one_for_one templates may leave
//    entries missing (nullptr without default): they are supplied by the `spawn` of that pool.
//    For a pool spawn (SpawnExpr::poolTemplate set), a nullptr entry means "the template's
//    argument if it has one, else the default".
//  - Nesting depth is bounded (E0015), so recursive walks of the tree are safe.
//  - HandlerDecl: `message` set for Message handlers; at most one handler per message, at most one
//    `on start`, `on down`, `on exit`; `on exit` only with trap_exit; `reply`/`sender` only in
//    Message handlers; `every` intervals are duration-typed and use only literals and params.
//  - Program::main is set iff the program has a `main` declaration (build/run require it).
//  - Assignment targets are mutable places: a `var` local, a state, or a field/index path rooted
//    at one of those.
// Numeric semantics the back ends implement are in docs/language.md ("Semantics").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ast/types.hpp"
#include "diag/source_range.hpp"

namespace fnd::ast {

using diag::SourceRange;

struct Ident {
  std::string name;
  SourceRange range;
};

struct ActorDecl;
struct MessageDecl;
struct SupervisorDecl;
struct SocietyDecl;
struct RoleDecl;
struct ChildSpec;
struct FieldDecl;
struct ParamDecl;
struct StateDecl;
struct Module;

// ---------------------------------------------------------------------------------------------
// Type syntax (`list<int>`, `ref<Ponger>`, `Ping`)

enum class TypeNodeKind { Int, Float, Bool, String, Bytes, Duration, List, Map, Ref, Named };

struct TypeNode {
  TypeNodeKind kind = TypeNodeKind::Int;
  SourceRange range;
  std::unique_ptr<TypeNode> elem;  // List: element; Map: value
  std::unique_ptr<TypeNode> key;   // Map: key
  Ident name;                      // Ref: actor name (empty: `ref`, any actor); Named: message name
  // sema
  const Type* resolved = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Local variables: `let`/`var`, `for` variables, handler bindings (`on Ping(p)`, `on down(r, why)`)

struct LocalVar {
  enum class Origin { Let, For, Binding };  // `let`/`var`, a `for` variable, a handler binding
  Ident name;
  bool isMutable = false;  // `var`; everything else is immutable
  Origin origin = Origin::Let;
  // sema
  const Type* type = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Expressions

enum class ExprKind {
  IntLit, FloatLit, BoolLit, StringLit, DurationLit,
  Name, Self, Sender,
  Field, Index, MethodCall, Call, Convert,
  Unary, Binary,
  MessageLit, ListLit, MapLit, Spawn,
  Config,
};

struct Expr {
  explicit Expr(ExprKind k) : kind(k) {}
  virtual ~Expr() = default;
  const ExprKind kind;
  SourceRange range;
  // sema: the expression's type (Error if ill-typed; never Error once sema succeeded)
  const Type* type = nullptr;

  template <class T> T& as() { return static_cast<T&>(*this); }
  template <class T> const T& as() const { return static_cast<const T&>(*this); }
  template <class T> bool is() const { return kind == T::Kind; }
};
using ExprPtr = std::unique_ptr<Expr>;

struct IntLit : Expr {
  static constexpr ExprKind Kind = ExprKind::IntLit;
  IntLit() : Expr(Kind) {}
  std::int64_t value = 0;
  bool hex = false;  // written 0x...: a 64-bit pattern (back ends may keep the spelling)
};

struct FloatLit : Expr {
  static constexpr ExprKind Kind = ExprKind::FloatLit;
  FloatLit() : Expr(Kind) {}
  double value = 0;
};

struct BoolLit : Expr {
  static constexpr ExprKind Kind = ExprKind::BoolLit;
  BoolLit() : Expr(Kind) {}
  bool value = false;
};

// "text {expr} more": escapes decoded, `{{`/`}}` turned into braces. A literal without
// interpolation has exactly one part with no expr.
struct StringPart {
  std::string text;  // used when expr is null
  ExprPtr expr;      // an interpolated expression (formattable type)
};
struct StringLit : Expr {
  static constexpr ExprKind Kind = ExprKind::StringLit;
  StringLit() : Expr(Kind) {}
  std::vector<StringPart> parts;
};

struct DurationLit : Expr {
  static constexpr ExprKind Kind = ExprKind::DurationLit;
  DurationLit() : Expr(Kind) {}
  std::int64_t millis = 0;
};

// What a bare name refers to.
enum class NameRef {
  Unresolved,
  Local,  // `local`: a let/var, for variable or handler binding
  Param,  // `param`: a parameter of the enclosing actor
  State,  // `state`: a state variable of the enclosing actor
  Role,   // `roles`: a society role, value list<ref<Actor>> of its current members
  Child,  // `child`: a sibling in a supervisor's start arguments, value ref<Actor> (current incarnation)
};

struct NameExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Name;
  NameExpr() : Expr(Kind) {}
  Ident name;
  // sema
  NameRef ref = NameRef::Unresolved;
  const LocalVar* local = nullptr;
  const ParamDecl* param = nullptr;
  const StateDecl* state = nullptr;
  const ChildSpec* child = nullptr;
  // Role: the role with this name in each society that has the enclosing actor as a member
  // (or the society whose member arguments are being checked).
  std::vector<const RoleDecl*> roles;
};

struct SelfExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Self;
  SelfExpr() : Expr(Kind) {}
};

struct SenderExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Sender;
  SenderExpr() : Expr(Kind) {}
};

struct FieldExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Field;
  FieldExpr() : Expr(Kind) {}
  ExprPtr base;
  Ident field;
  // sema
  const FieldDecl* decl = nullptr;
};

// xs[i] (list, int index) and m[k] (map); reading a missing element crashes the actor.
struct IndexExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Index;
  IndexExpr() : Expr(Kind) {}
  ExprPtr base;
  ExprPtr index;
};

// Built-in methods of lists, maps, strings and bytes (docs/language.md, "Methods").
enum class Method {
  Unresolved,
  Len,         // list/map/string/bytes .len() -> int
  IsEmpty,     // list/map/string/bytes .is_empty() -> bool
  Push,        // list .push(x) -> void
  Pop,         // list .pop() -> T (crashes when empty)
  Contains,    // list .contains(x), map .contains(k), string .contains(s) -> bool
  Clear,       // list/map .clear() -> void
  Get,         // map .get(k, default) -> V
  Remove,      // map .remove(k) -> void (no-op when absent)
  Keys,        // map .keys() -> list<K>, ascending
  Values,      // map .values() -> list<V>, in ascending key order
  StartsWith,  // string .starts_with(s) -> bool
  EndsWith,    // string .ends_with(s) -> bool
  Split,       // string .split(sep) -> list<string>
};

struct MethodCallExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::MethodCall;
  MethodCallExpr() : Expr(Kind) {}
  ExprPtr base;
  Ident method;
  std::vector<ExprPtr> args;
  // sema
  Method resolved = Method::Unresolved;
};

// Built-in functions (there are no user-defined functions).
enum class Builtin {
  Unresolved,
  Print,      // print(x)         x formattable; writes x and "\n" to stdout
  Crash,      // crash(reason)    string; the actor exits abnormally with that reason
  Shutdown,   // shutdown(code)   int; the whole node stops cleanly, exit status `code`
  Link,       // link(r)          ref
  Unlink,     // unlink(r)        ref
  Monitor,    // monitor(r)       ref; an `on down` arrives when r exits
  Demonitor,  // demonitor(r)     ref
  Neighbors,  // neighbors()      list<ref>: this member's neighbours in its society's topology
  Abs,        // abs(x)           int/float/duration
  Min,        // min(a, b)        same numeric/duration type
  Max,        // max(a, b)
};

struct CallExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Call;
  CallExpr() : Expr(Kind) {}
  Ident callee;
  std::vector<ExprPtr> args;
  // sema
  Builtin builtin = Builtin::Unresolved;
};

// int(x) float(x) string(x) bytes(x)
struct ConvertExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Convert;
  ConvertExpr() : Expr(Kind) {}
  TypeKind target = TypeKind::Int;  // Int, Float, String or Bytes
  SourceRange targetRange;
  ExprPtr arg;
};

// `-x`, `not x`, `~x` (bitwise complement of an int).
enum class UnaryOp { Neg, Not, BitNot };

struct UnaryExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Unary;
  UnaryExpr() : Expr(Kind) {}
  UnaryOp op = UnaryOp::Neg;
  SourceRange opRange;
  ExprPtr operand;
};

// The int bit operators come last: `&` `|` `^`, `<<`, `>>` (arithmetic) and `>>>` (logical).
enum class BinaryOp { Add, Sub, Mul, Div, Mod, Eq, Ne, Lt, Le, Gt, Ge, And, Or, BitAnd, BitOr, BitXor, Shl, Shr, UShr };
const char* spelling(BinaryOp op);

struct BinaryExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Binary;
  BinaryExpr() : Expr(Kind) {}
  BinaryOp op = BinaryOp::Add;
  SourceRange opRange;
  ExprPtr lhs, rhs;
};

struct FieldInit {
  Ident name;
  ExprPtr value;
  // sema
  const FieldDecl* decl = nullptr;
};

// Ping { n: 1 }
struct MessageLit : Expr {
  static constexpr ExprKind Kind = ExprKind::MessageLit;
  MessageLit() : Expr(Kind) {}
  Ident typeName;
  std::vector<FieldInit> inits;  // as written
  // sema
  const MessageDecl* decl = nullptr;
  std::vector<const Expr*> byField;  // per field in declaration order; nullptr: zero value
};

// [1, 2] or list<int>[]
struct ListLit : Expr {
  static constexpr ExprKind Kind = ExprKind::ListLit;
  ListLit() : Expr(Kind) {}
  std::unique_ptr<TypeNode> elemType;  // explicit `list<T>` prefix, optional
  std::vector<ExprPtr> elems;
};

struct MapEntry {
  ExprPtr key, value;
};

// { "a": 1 } or map<string, int>{}
struct MapLit : Expr {
  static constexpr ExprKind Kind = ExprKind::MapLit;
  MapLit() : Expr(Kind) {}
  std::unique_ptr<TypeNode> keyType, valueType;  // explicit `map<K, V>` prefix, optional
  std::vector<MapEntry> entries;
};

// `name: expr` arguments of a start site (child, role, spawn, main).
struct NamedArg {
  Ident name;
  ExprPtr value;
  // sema
  const ParamDecl* param = nullptr;
};

// What a start site starts.
enum class TargetKind { Unresolved, Actor, Supervisor, Society };

struct StartArgs {
  Ident target;                 // as written
  bool hasArgList = false;      // `(...)` present
  SourceRange argsRange;        // the `(...)`
  std::vector<NamedArg> args;   // as written
  // sema
  TargetKind targetKind = TargetKind::Unresolved;
  const ActorDecl* actor = nullptr;
  const SupervisorDecl* supervisor = nullptr;
  const SocietyDecl* society = nullptr;
  std::vector<const Expr*> byParam;  // Actor targets: one per ParamDecl; nullptr: default
};

// spawn Worker(id: 1): starts an unsupervised actor; or spawn pool(id: 1) where `pool` is a
// simple_one_for_one supervisor: starts a new child from its template. Value: ref<Actor>.
struct SpawnExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Spawn;
  SpawnExpr() : Expr(Kind) {}
  StartArgs start;
  // sema: for a pool spawn, the actor of the template child (also in start.actor) and the template
  const ChildSpec* poolTemplate = nullptr;
};

struct ConfigSetting;

// `config.ai.planning.sampling_rate`: the current value of a declared setting (its type).
struct ConfigExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Config;
  ConfigExpr() : Expr(Kind) {}
  std::string path;       // "ai.planning.sampling_rate"
  SourceRange pathRange;  // the path after `config.`
  // sema
  const ConfigSetting* setting = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Statements

enum class StmtKind {
  Let, Assign, Expr, If, While, For,
  Send, Reply, Broadcast, Publish, Subscribe, Emit, Log,
  Stop, Return, Break, Continue,
};

struct Stmt {
  explicit Stmt(StmtKind k) : kind(k) {}
  virtual ~Stmt() = default;
  const StmtKind kind;
  SourceRange range;

  template <class T> T& as() { return static_cast<T&>(*this); }
  template <class T> const T& as() const { return static_cast<const T&>(*this); }
  template <class T> bool is() const { return kind == T::Kind; }
};
using StmtPtr = std::unique_ptr<Stmt>;

struct Block {
  SourceRange range;
  std::vector<StmtPtr> stmts;
};

// let x = e / var x: T = e / var x: T (zero value)
struct LetStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Let;
  LetStmt() : Stmt(Kind) {}
  LocalVar var;
  std::unique_ptr<TypeNode> declType;  // optional
  ExprPtr init;                        // optional for `var` with a type
};

// place = value; place is a var/state name, a field path or an index (m[k] = v inserts)
struct AssignStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Assign;
  AssignStmt() : Stmt(Kind) {}
  ExprPtr target, value;
};

struct ExprStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Expr;
  ExprStmt() : Stmt(Kind) {}
  ExprPtr expr;
};

struct IfArm {
  ExprPtr cond;
  Block body;
};
struct IfStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::If;
  IfStmt() : Stmt(Kind) {}
  std::vector<IfArm> arms;              // `if` and each `else if`
  std::unique_ptr<Block> elseBody;      // optional
};

struct WhileStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::While;
  WhileStmt() : Stmt(Kind) {}
  ExprPtr cond;
  Block body;
};

enum class ForKind {
  Unresolved,
  Range,  // for i in lo..hi        (half-open, int)
  List,   // for x in xs / for i, x in xs   (index, element)
  Map,    // for k in m / for k, v in m     (ascending key order)
};
struct ForStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::For;
  ForStmt() : Stmt(Kind) {}
  LocalVar first;
  std::unique_ptr<LocalVar> second;  // optional
  ExprPtr iterable;                  // the list/map, or the range's low bound
  ExprPtr rangeEnd;                  // non-null iff `lo..hi`
  Block body;
  // sema
  ForKind forKind = ForKind::Unresolved;
};

// send target Msg{..}
struct SendStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Send;
  SendStmt() : Stmt(Kind) {}
  ExprPtr target;   // a ref
  ExprPtr message;  // a message value
};

// reply Msg{..}: to the sender of the message being handled
struct ReplyStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Reply;
  ReplyStmt() : Stmt(Kind) {}
  ExprPtr message;
};

// broadcast role Msg{..}: to every current member of the role
struct BroadcastStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Broadcast;
  BroadcastStmt() : Stmt(Kind) {}
  Ident role;
  ExprPtr message;
  // sema: the role in each society containing the enclosing actor
  std::vector<const RoleDecl*> roles;
};

// publish topic Msg{..}: to every subscriber of the topic in this member's society
struct PublishStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Publish;
  PublishStmt() : Stmt(Kind) {}
  Ident topic;
  ExprPtr message;
};

struct SubscribeStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Subscribe;
  SubscribeStmt() : Stmt(Kind) {}
  Ident topic;
};

// emit a.b.c(x, y): a telemetry event
struct EmitStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Emit;
  EmitStmt() : Stmt(Kind) {}
  std::string event;  // "a.b.c"
  SourceRange eventRange;
  std::vector<ExprPtr> args;
  std::vector<Ident> names;  // `emit a.b(n: x)`: one name per argument; empty: measurements "0", "1", ...
};

enum class LogLevel { Debug, Info, Warn, Error };
struct LogStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Log;
  LogStmt() : Stmt(Kind) {}
  LogLevel level = LogLevel::Info;
  SourceRange levelRange;
  ExprPtr message;  // formattable
};

struct StopStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Stop;
  StopStmt() : Stmt(Kind) {}
};
struct ReturnStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Return;
  ReturnStmt() : Stmt(Kind) {}
};
struct BreakStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Break;
  BreakStmt() : Stmt(Kind) {}
};
struct ContinueStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Continue;
  ContinueStmt() : Stmt(Kind) {}
};

// ---------------------------------------------------------------------------------------------
// Declarations

struct FieldDecl {
  Ident name;
  std::unique_ptr<TypeNode> typeNode;
  std::uint32_t index = 0;  // position in the message
  // sema
  const Type* type = nullptr;
};

struct MessageDecl {
  Ident name;
  SourceRange range;
  std::vector<FieldDecl> fields;
  const Module* module = nullptr;
  const FieldDecl* findField(const std::string& n) const;
};

struct ParamDecl {
  Ident name;
  SourceRange range;
  std::unique_ptr<TypeNode> typeNode;
  ExprPtr defaultValue;  // optional
  std::uint32_t index = 0;
  // sema
  const Type* type = nullptr;
};

struct StateDecl {
  Ident name;
  SourceRange range;
  std::unique_ptr<TypeNode> typeNode;  // optional if init is present
  ExprPtr init;                        // optional: zero value of the type
  std::uint32_t index = 0;
  // sema
  const Type* type = nullptr;
};

enum class HandlerKind {
  Start,    // on start
  Message,  // on Msg / on Msg(m)
  Down,     // on down(ref, reason)   a monitored actor exited
  Exit,     // on exit(ref, reason)   a linked actor exited (needs trap_exit: true)
  Every,    // every <duration> { }
};

struct HandlerDecl {
  HandlerKind kind = HandlerKind::Start;
  SourceRange range;                   // the head: `on Ping(p)`, `every 1s`
  Ident name;                          // as written after `on` (empty for every)
  std::vector<std::unique_ptr<LocalVar>> params;  // Message: 0..1; Down/Exit: 2 (ref, string)
  ExprPtr interval;                    // Every
  std::unique_ptr<Block> body;         // null only in an extern actor's interface
  // sema
  const MessageDecl* message = nullptr;  // Message
  const struct ProtectDecl* protect = nullptr;  // Message: its `protect` item, if any
};

// `protect Charge with breaker(threshold: 5, window: 60s, reset: 30s, trials: 1), rate(100 per 1s)`
// (docs/language.md section 19). Values are checked literals; the defaults are the breaker's.
struct ProtectDecl {
  Ident message;
  SourceRange range;
  bool breaker = false;
  std::int64_t threshold = 5, windowMs = 60000, resetMs = 30000, trials = 1;
  bool rate = false;
  std::int64_t rateCount = 0, ratePeriodMs = 0;
  // sema
  const MessageDecl* messageDecl = nullptr;
  const ActorDecl* actor = nullptr;
  std::size_t index = 0;  // position in Program::protects
};

enum class Overflow { DropOldest, DropNewest };

struct MailboxSpec {
  bool bounded = false;   // default: unbounded
  std::int64_t capacity = 0;
  Overflow overflow = Overflow::DropNewest;
  SourceRange range;      // invalid when not written
};

struct ActorDecl {
  Ident name;
  SourceRange range;
  bool isExtern = false;
  std::string externHeader;       // extern: the header named after `from`
  SourceRange externHeaderRange;  // the string after `from`
  bool externHasInterface = false; // extern with `{ ... }`: messages and params are checked
  std::vector<std::unique_ptr<ParamDecl>> params;
  std::vector<std::unique_ptr<StateDecl>> states;
  std::vector<std::unique_ptr<ProtectDecl>> protects;
  std::vector<std::unique_ptr<HandlerDecl>> handlers;
  MailboxSpec mailbox;
  bool trapExit = false;
  const Module* module = nullptr;
  // sema
  std::vector<const SocietyDecl*> societies;  // societies that have this actor as a member

  const ParamDecl* findParam(const std::string& n) const;
  const StateDecl* findState(const std::string& n) const;
  // The handler for a message type, or nullptr.
  const HandlerDecl* findHandler(const MessageDecl* m) const;
  // Extern actors without an interface accept any message.
  bool accepts(const MessageDecl* m) const;
};

enum class Restart { Permanent, Transient, Temporary };
enum class Strategy { OneForOne, OneForAll, RestForOne, SimpleOneForOne };
// The source spellings (`transient`, `rest_for_one`), for tools that print them.
const char* spelling(Restart r);
const char* spelling(Strategy s);

struct Intensity {
  std::int64_t maxRestarts = 1;   // OTP defaults: 1 restart per 5 seconds
  std::int64_t periodMs = 5000;
  SourceRange range;              // invalid when not written
};

// child name: Target(args) restart: transient
struct ChildSpec {
  Ident name;
  SourceRange range;
  StartArgs start;
  Restart restart = Restart::Permanent;
  std::uint32_t index = 0;  // start order
};

struct SupervisorDecl {
  Ident name;
  SourceRange range;
  Strategy strategy = Strategy::OneForOne;
  SourceRange strategyRange;
  Intensity intensity;
  std::vector<std::unique_ptr<ChildSpec>> children;
  const Module* module = nullptr;
  const ChildSpec* findChild(const std::string& n) const;
};

enum class Topology { Mesh, Tree, Ring, Star, PubSub };
const char* spelling(Topology t);
enum class FaultTolerance { SelfHealing, None };

// gateway: Ingester(args) x 5
struct RoleDecl {
  Ident name;
  SourceRange range;
  StartArgs start;          // always an Actor target after sema
  std::int64_t count = 1;
  SourceRange countRange;
  std::uint32_t index = 0;  // position in `members`
  const SocietyDecl* society = nullptr;
};

struct SocietyDecl {
  Ident name;
  SourceRange range;
  Topology topology = Topology::Mesh;
  std::vector<std::unique_ptr<RoleDecl>> roles;
  // communication: [direct, broadcast, pub_sub]; default: direct only
  bool direct = true, broadcast = false, pubSub = false;
  SourceRange communicationRange;
  FaultTolerance faultTolerance = FaultTolerance::SelfHealing;
  Intensity intensity;      // of the generated one_for_one supervisor
  const Module* module = nullptr;
  const RoleDecl* findRole(const std::string& n) const;
};

// main app / main Hello(n: 3)
struct MainDecl {
  SourceRange range;
  StartArgs start;
};

// cluster NAME { node a: "tcp://..."  place app.w on a  place app.swarm across [a, b]  security: none }
// (docs/language.md section 16). Placement targets are paths of child names from main's root.
struct ClusterNode {
  Ident name;
  std::string address;  // "" when given only at start (--addr / FND_CLUSTER_ADDRS)
  SourceRange addressRange;
  SourceRange range;
};

enum class PlacementTargetKind { Unresolved, Actor, Supervisor, Society, Role, Pool };

struct Placement {
  std::vector<Ident> path;    // app.swarm.workers
  SourceRange pathRange;
  bool across = false;        // `across [..]` (else `on NODE`)
  std::vector<Ident> nodes;   // one for `on`
  SourceRange range;
  // sema
  PlacementTargetKind targetKind = PlacementTargetKind::Unresolved;
  std::string registeredName;  // the runtime name prefix: "app.swarm.workers"
  std::string dotted() const;
};

enum class ClusterSecurity { None, Curve };

// A membership (SWIM) setting of the cluster: `probe_interval: 250ms`, `suspicion_mult: 5`.
struct ClusterSetting {
  std::string name;
  std::string value;   // as the runtime reads it: "250ms", "5"
  SourceRange range;   // of the name
  std::int64_t number = 0;  // milliseconds for durations, else the count
  SourceRange valueRange;
};

struct ClusterDecl {
  Ident name;
  SourceRange range;
  std::vector<ClusterNode> nodes;
  std::vector<Placement> placements;
  ClusterSecurity security = ClusterSecurity::None;
  SourceRange securityRange;
  std::vector<ClusterSetting> membership;  // in source order, each name at most once
  const Module* module = nullptr;
  const ClusterNode* findNode(const std::string& n) const;
};

// One setting of a `config { ... }` block (docs/language.md section 17):
//   ai.planning.sampling_rate: float = 0.1 in 0.0..1.0 updatable
struct ConfigSetting {
  std::string path;  // dotted
  SourceRange pathRange, range;
  std::unique_ptr<TypeNode> type;
  ExprPtr defaultValue;
  ExprPtr min, max;               // `in MIN..MAX` (both or neither)
  std::vector<ExprPtr> oneOf;     // `one of [...]` (empty: any value)
  SourceRange oneOfRange;
  bool updatable = false;
  const Module* module = nullptr;
  // sema: position in Program::config (the generated program's slot index), the setting's type
  // (int, float, bool or string) and the constants as JSON text for the generated program.
  std::size_t index = 0;
  const Type* valueType = nullptr;
  std::string defaultJson;   // "0.1", "8080", "true", "\"fast\""
  std::string oneOfJson;     // "[\"fast\",\"safe\"]" or "" (any value)
  bool hasRange = false;
  double minValue = 0, maxValue = 0;
};

struct ImportDecl {
  std::string name;  // "std.infra"
  SourceRange range;
  // sema
  const Module* module = nullptr;
};

struct Module {
  std::string name;  // "pingpong", "std.infra"; empty if the file has no `module` line
  SourceRange nameRange;
  diag::FileId file = 0;
  std::string path;
  bool isRoot = false;  // named on the command line (not only imported)
  std::vector<ImportDecl> imports;
  std::vector<std::unique_ptr<MessageDecl>> messages;
  std::vector<std::unique_ptr<ActorDecl>> actors;  // including extern actors
  std::vector<std::unique_ptr<SupervisorDecl>> supervisors;
  std::vector<std::unique_ptr<SocietyDecl>> societies;
  std::vector<std::unique_ptr<MainDecl>> mains;  // sema: at most one in the whole program
  std::vector<std::unique_ptr<ClusterDecl>> clusters;  // sema: at most one, in a root file
  std::vector<std::unique_ptr<ConfigSetting>> config;  // every `config { }` block's settings, in order
};

// The whole program: the files named on the command line plus everything they import.
struct Program {
  std::vector<std::unique_ptr<Module>> modules;  // roots first, then imports in discovery order
  TypeContext types;
  // sema: program-wide name tables (names are global across modules; duplicates are errors)
  std::map<std::string, const MessageDecl*> messages;
  std::map<std::string, const ActorDecl*> actors;
  std::map<std::string, const SupervisorDecl*> supervisors;
  std::map<std::string, const SocietyDecl*> societies;
  const MainDecl* main = nullptr;
  const ClusterDecl* cluster = nullptr;  // sema: the program's cluster, if any
  // sema: the settings of all `config` blocks (modules in Program::modules order, then source
  // order); ConfigSetting::index is the position here. Only valid settings are listed.
  std::vector<const ConfigSetting*> config;
  // sema: every valid `protect` item (actors in module order); ProtectDecl::index is the position.
  std::vector<const ProtectDecl*> protects;
};

}  // namespace fnd::ast

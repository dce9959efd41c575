// The LLVM back end's lowering of a checked Program into one llvm::Module. One class, split by
// concern over several files (as the C++ back end): layout.cpp (value types, record layouts and the
// descriptors the runtime reads), runtime_api.cpp (declarations of the C ABI, fnd/runtime.h),
// lower_expr.cpp, lower_stmt.cpp, lower_actor.cpp (actor classes, handlers, dispatch),
// lower_main.cpp (spawn arguments, supervisors, main), debug_info.cpp (DWARF line tables).
//
// Generated code calls the runtime only through its C ABI. Value model (docs/llvm-backend.md):
// int/duration i64, float double, bool i1 (i8 in records), string fnd_str* and ref fnd_ref*
// (ref-counted, NULL = "" / null ref), a message a pointer to a record in memory.
//
// Ownership: every expression that creates a string/ref/message produces an owned temporary that is
// released at the end of its full expression (statement or condition); storing anywhere retains.
// Locals live in entry-block slots, zero-initialized, released at the handler's single exit.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"
#include "diag/source_manager.hpp"

namespace fnd::backend::llvmgen {

using namespace fnd::ast;

// Raised (as a C++ exception, caught at the handler/declaration boundary) by a construct the back
// end does not lower yet; turned into one diagnostic per construct.
struct Unsupported {
  SourceRange range;
  std::string what;
};

// A lowered expression. Messages are pointers to records; everything else is an SSA value.
struct Val {
  llvm::Value* v = nullptr;
  const Type* type = nullptr;
};

struct RecordLayout {
  llvm::StructType* type = nullptr;
  llvm::GlobalVariable* desc = nullptr;  // fnd_record
  std::vector<const Type*> fieldTypes;
  bool trivial = true;                    // no strings/refs: copy = memcpy, destroy = nothing
};

struct ActorInfo {
  const ActorDecl* decl = nullptr;
  // Extern actors: only `args` (their params); `make` is the glue's factory (fnd_glue_make_<i>).
  llvm::Function* make = nullptr;
  RecordLayout args;   // params
  RecordLayout state;  // params, then states
  llvm::GlobalVariable* cls = nullptr;  // fnd_actor_class
  llvm::Function* init = nullptr;
  std::vector<llvm::GlobalVariable*> tickTypes;  // one fnd_type per `every`
};

// What the C++ glue of extern actors (glue.cpp) needs from the lowering: every message the
// program bridges (index i: the i-th entry of the arrays main hands to fnd_glue_init) with its
// record's size and field offsets, and each extern actor (index i: fnd_glue_make_<i>) with the
// offsets of its args record.
struct GluePlan {
  struct Message {
    const MessageDecl* decl;
    uint64_t size;
    std::vector<uint64_t> offsets;
  };
  struct Actor {
    const ActorDecl* decl;
    std::vector<uint64_t> offsets;
  };
  std::vector<Message> messages;
  std::vector<Actor> actors;
  bool cluster = false;  // the program declares a cluster: the glue starts it (fnd_glue_cluster_main)
  bool needed() const { return !actors.empty() || cluster; }
};

class Lowering {
 public:
  const GluePlan& gluePlan() const { return glue_; }
  Lowering(const Program& program, const diag::SourceManager& sources, diag::DiagnosticEngine& diags,
           llvm::LLVMContext& ctx, llvm::Module& module, bool debugInfo);
  // Lowers everything; false when something was reported (unsupported constructs).
  bool run();

 private:
  // ---- layout.cpp
  llvm::Type* valueType(const Type* t);   // the SSA type of a value
  llvm::Type* memType(const Type* t);     // its type inside a record
  const RecordLayout& messageLayout(const MessageDecl* m);
  RecordLayout makeRecord(const std::string& name, const std::vector<std::pair<std::string, const Type*>>& fields);
  llvm::GlobalVariable* messageType(const MessageDecl* m);  // fnd_type
  // The message's fnd_msg_class: storage of the program's, made the class by a module constructor
  // (fnd_msg_class_init), so a constant.
  llvm::Value* messageClass(const MessageDecl* m);
  llvm::Constant* classOf(llvm::GlobalVariable* fndType);  // the class (its storage), for any fnd_type
  void emitMessageClassInit();  // the constructor, once every class is known
  llvm::GlobalVariable* makeFndType(const std::string& name, const RecordLayout* rec);
  bool isCounted(const Type* t) const;  // strings, refs and lists
  llvm::Value* elemDesc(const Type* elem);  // fnd_elem of a list's elements (i8*)
  llvm::Value* spill(const Val& v);         // i8*: the value in memory (messages: their record)
  Val lowerList(const ListLit& l);
  Val lowerIndex(const IndexExpr& e);
  Val lowerListMethod(const MethodCallExpr& mc);
  Val lowerMap(const MapLit& m);
  Val lowerMapMethod(const MethodCallExpr& mc);
  // bytes (lower_bytes.cpp): `+`, bytes(x) and string(b), len() and is_empty()
  Val bytesConcat(const Val& a, const Val& b);
  Val lowerBytesConvert(const ConvertExpr& cv);
  Val lowerBytesMethod(const MethodCallExpr& mc);
  void checkSupportedType(const Type* t, SourceRange where);

  // ---- runtime_api.cpp
  llvm::FunctionCallee rt(const std::string& name);
  llvm::Constant* cstr(const std::string& s);  // a private constant C string (i8*)
  llvm::PointerType* i8p() const { return llvm::Type::getInt8PtrTy(ctx_); }

  // ---- values (lower_expr.cpp)
  Val lowerExpr(const Expr& e);
  // lower_services.cpp: config reads and the services' calls in main and the root's start.
  Val lowerConfig(const ConfigExpr& e);
  void lowerServicesStart(llvm::Value* node);
  llvm::Value* lowerServicesInit(llvm::Function* mainFn, const std::string& progName);
  void lowerServicesFinish();
  void lowerProtectEnter(const HandlerDecl* h);  // before a protected handler's body
  void lowerProtectExit(const HandlerDecl* h);   // at its exit block
  llvm::Value* lowerCond(const Expr& e);  // a full expression of type bool
  Val lowerBinary(const BinaryExpr& e);
  Val lowerString(const StringLit& s);
  Val lowerMessageLit(const MessageLit& m);
  Val lowerCall(const CallExpr& c);
  Val lowerSpawn(const SpawnExpr& s);
  llvm::Value* format(const Val& v);  // an owned fnd_str*
  llvm::Value* equal(const Val& a, const Val& b);
  llvm::Value* load(const Type* t, llvm::Value* ptr);           // a borrowed value from memory
  void storeNew(const Type* t, llvm::Value* ptr, const Val& v);  // into fresh memory: retains
  Val lowerReceiver(const Expr& base, std::initializer_list<const Expr*> later);  // see lower_expr.cpp
  void assign(const Type* t, llvm::Value* ptr, const Val& v);    // replaces: retains new, releases old
  void release(const Type* t, llvm::Value* ptrOrVal, bool isPtr);
  // Reference counting of refs inline (the layout fnd/runtime_values.h documents): private helpers
  // the optimizer inlines, calling the runtime only to free.
  void refRetain(llvm::Value* r);
  void refRelease(llvm::Value* r);
  llvm::Function* refHelper(bool retain);
  llvm::Value* pidRef(llvm::Value* pid, bool maybeNull);  // a pid handle as a ref (its count taken over)
  // A message value into fresh memory (an envelope's payload): a temporary is moved, others copied.
  void storeMessage(const Val& m, llvm::Value* dst);
  void copyFields(const RecordLayout& r, llvm::Value* dst, llvm::Value* src);  // into fresh memory
  void destroyFields(const RecordLayout& r, llvm::Value* ptr);
  bool stealTemp(const Val& v);
  void storeOwned(const Type* t, llvm::Value* ptr, const Val& v);  // storeNew, moving a temporary in
  void addTemp(const Val& v);
  llvm::Value* ownedMessage(const Val& v);  // a message value the caller may move into the runtime
  void releaseTemps(size_t mark);
  llvm::Value* placeAddr(const Expr& e);  // address of an assignable place
  void crashIf(llvm::Value* cond, const std::string& message);
  // A crash whose reason is built at run time: text pieces and formatted values.
  struct CrashPart {
    CrashPart(const char* t) : text(t) {}  // NOLINT: literal pieces
    CrashPart(const Val& v) : value(v) {}  // NOLINT
    // The length of a list, asked for only on the crash path (an index out of range).
    static CrashPart listLen(llvm::Value* list) {
      CrashPart p("");
      p.lenOfList = list;
      return p;
    }
    std::string text;
    Val value;
    llvm::Value* lenOfList = nullptr;
  };
  void crashIfDynamic(llvm::Value* cond, const std::vector<CrashPart>& parts);
  llvm::Function* crashFunction(const std::vector<CrashPart>& parts, const std::vector<llvm::Value*>& args);

  // ---- statements (lower_stmt.cpp)
  void lowerBlock(const Block& b);
  void lowerStmt(const Stmt& s);
  void lowerFor(const ForStmt& f);
  void lowerForList(const ForStmt& f);
  void endHandler();  // branch to the exit block and continue in a fresh unreachable block

  // ---- actors (lower_actor.cpp)
  ActorInfo& actorInfo(const ActorDecl* a);
  llvm::Value* monitorsSlot();  // i8*: address of the actor's fnd_monitors* slot (fnd_ctx_monitors)
  void lowerActor(const ActorDecl& a);
  llvm::Function* lowerReceive(const std::string& base,
                               const std::vector<std::pair<llvm::GlobalVariable*, llvm::Function*>>& dispatch);
  static void markNonNull(llvm::Function* fn, std::initializer_list<unsigned> params);
  llvm::Function* lowerHandler(ActorInfo& info, const HandlerDecl* h, const std::string& fnName,
                               const std::string& kind);

  // ---- spawning, supervisors, main (lower_main.cpp)
  // heap: the record outlives the call (supervisor children) and owns its values; otherwise it is
  // on the stack and borrows them (the runtime copies what it keeps during the spawn call).
  llvm::Value* buildArgs(const StartArgs& st, llvm::Value* ctxOrNull, bool heap,
                         const std::string& supName, const StartArgs* poolTemplate = nullptr);
  Val lowerPoolSpawn(const SpawnExpr& s);
  llvm::Value* spawnOpts(const ActorDecl& a);
  // fnd_spawn / fnd_node_spawn (ctx null), or fnd_spawn_native for an extern actor: an owned pid.
  llvm::Value* spawnActor(ActorInfo& info, llvm::Value* ctx, llvm::Value* node, llvm::Value* args);
  std::vector<uint64_t> offsets(const RecordLayout& r);
  llvm::Value* supervisorSpec(const SupervisorDecl& s, llvm::Value* nameStr, const std::string& name);

  // ---- societies (lower_society.cpp)
  llvm::Value* societySpec(const SocietyDecl& s, llvm::Value* nameStr, const std::string& name);
  Val lowerRoleName(const NameExpr& n);  // a role's members: list<ref<A>>
  void lowerSocietyStmt(const Stmt& s);   // broadcast, publish, subscribe
  void lowerMain(const MainDecl& m);

  // ---- debug_info.cpp
  llvm::DISubprogram* debugFunction(llvm::Function* f, SourceRange r);
  void debugLocation(SourceRange r);
  void finishDebugInfo();

  const Program& program_;
  const diag::SourceManager& sources_;
  diag::DiagnosticEngine& diags_;
  llvm::LLVMContext& ctx_;
  llvm::Module& mod_;
  llvm::IRBuilder<> b_;
  bool debug_;

  GluePlan glue_;
  std::map<const MessageDecl*, RecordLayout> messages_;
  std::map<const MessageDecl*, llvm::GlobalVariable*> messageTypes_;
  std::vector<std::pair<llvm::GlobalVariable*, llvm::GlobalVariable*>> messageClasses_;  // fnd_type -> class
  llvm::Function* refRetainFn_ = nullptr;
  llvm::Function* refReleaseFn_ = nullptr;
  std::map<const ActorDecl*, std::unique_ptr<ActorInfo>> actors_;
  std::map<const ActorDecl*, Unsupported> actorErrors_;  // layouts that cannot be lowered
  // Start arguments of supervisor children (heap, needed by every restart): freed when main ends.
  std::vector<std::pair<llvm::GlobalVariable*, const RecordLayout*>> heapArgs_;
  std::map<std::string, llvm::Constant*> strings_;
  // While a society's spec is built: the society and its registered name (role names in member
  // arguments are the members' name refs).
  const SocietyDecl* societyScope_ = nullptr;
  std::string societyName_;
  llvm::StructType* fieldTy_ = nullptr;
  llvm::StructType* recordTy_ = nullptr;
  llvm::StructType* typeTy_ = nullptr;
  llvm::StructType* classTy_ = nullptr;
  llvm::StructType* optsTy_ = nullptr;
  llvm::StructType* elemTy_ = nullptr;
  std::map<const Type*, llvm::GlobalVariable*> elemDescs_;

  // The function being lowered.
  struct FnState {
    llvm::Function* fn = nullptr;
    llvm::Value* ctx = nullptr;    // fnd_ctx* (null in main)
    llvm::Value* state = nullptr;  // the actor's state record
    llvm::Value* msg = nullptr;    // fnd_msg* (message handlers)
    ActorInfo* actor = nullptr;
    llvm::BasicBlock* exit = nullptr;
    std::map<const LocalVar*, llvm::Value*> locals;  // slots
    std::vector<std::pair<const Type*, llvm::Value*>> slots;  // released at exit
    std::vector<Val> temps;
    std::vector<std::pair<llvm::BasicBlock*, llvm::BasicBlock*>> loops;  // (continue, break)
    std::vector<size_t> loopTempMarks;
    llvm::Value* protectAdmitted = nullptr;  // a protected handler's admission (lower_services.cpp)
  } f_;
  SourceRange loweringRange_;  // the innermost expression being lowered (lowerExpr)
  llvm::Value* slotFor(const Type* t, const std::string& name);

  // Debug info: one compile unit (and DIBuilder) per .fnd file.
  struct DebugUnit {
    std::unique_ptr<llvm::DIBuilder> builder;
    llvm::DICompileUnit* cu = nullptr;
    llvm::DIFile* file = nullptr;
  };
  DebugUnit& debugUnit(diag::FileId file);
  std::map<diag::FileId, DebugUnit> units_;
  llvm::DISubprogram* sp_ = nullptr;
};

}  // namespace fnd::backend::llvmgen

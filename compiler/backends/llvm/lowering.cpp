// The lowering driver: runtime descriptor types, then every message, actor and `main`. A construct
// the back end cannot lower is reported (E0601) once per declaration, at the construct.
#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

Lowering::Lowering(const Program& program, const diag::SourceManager& sources, diag::DiagnosticEngine& diags,
                   llvm::LLVMContext& ctx, llvm::Module& module, bool debugInfo)
    : program_(program), sources_(sources), diags_(diags), ctx_(ctx), mod_(module), b_(ctx), debug_(debugInfo) {
  llvm::Type* p = i8p();
  llvm::Type* i32 = b_.getInt32Ty();
  llvm::Type* i64 = b_.getInt64Ty();
  // The C structs of fnd/runtime.h and fnd/runtime_values.h, field for field.
  recordTy_ = llvm::StructType::create(ctx_, "fnd_record");
  fieldTy_ = llvm::StructType::create(ctx_, {p, i32, i32, recordTy_->getPointerTo()}, "fnd_field");
  recordTy_->setBody({p, i64, i64, i64, fieldTy_->getPointerTo()});
  typeTy_ = llvm::StructType::create(ctx_, {p, i64, i64, p, p, p, p, p}, "fnd_type");
  classTy_ = llvm::StructType::create(ctx_, {p, i64, i64, p, p, p, p, p, p, p}, "fnd_actor_class");
  elemTy_ = llvm::StructType::create(ctx_, {i32, i32, recordTy_->getPointerTo()}, "fnd_elem");
  optsTy_ = llvm::StructType::create(ctx_, {i32, i32, p, i32, i32}, "fnd_spawn_opts");
}

bool Lowering::run() {
  bool ok = true;
  auto report = [&](const Unsupported& u) {
    diags_.error(diag::Code::E0601, u.range, "'" + u.what + "' is not yet supported by --target=llvm");
    ok = false;
  };
  for (const auto& m : program_.modules) {
    for (const auto& msg : m->messages) {
      try {
        messageType(msg.get());
        glue_.messages.push_back({msg.get(), mod_.getDataLayout().getTypeAllocSize(messageLayout(msg.get()).type),
                                  offsets(messageLayout(msg.get()))});
      } catch (const Unsupported& u) {
        report(u);
      }
    }
  }
  // A cluster program starts through the glue (glue.cpp): the C++ cluster start-up, the placement of
  // children, and the wire format of every message.
  glue_.cluster = program_.cluster != nullptr;
  for (const auto& m : program_.modules) {
    for (const auto& a : m->actors) {
      try {
        if (a->isExtern) actorInfo(a.get());  // its args layout and factory (GluePlan order)
        else lowerActor(*a);
      } catch (const Unsupported& u) {
        report(u);
      }
    }
  }
  if (program_.main) {
    try {
      lowerMain(*program_.main);
    } catch (const Unsupported& u) {
      report(u);
    }
  }
  emitMessageClassInit();
  finishDebugInfo();
  return ok;
}

}  // namespace fnd::backend::llvmgen

// Value types, record layouts and the descriptors the runtime reads (fnd_record, fnd_type): the
// runtime learns every message's size, alignment and fields from these, and copies/destroys/compares
// records from them (fnd/runtime_values.h).
#include "backends/llvm/lowering.hpp"

#include <llvm/Transforms/Utils/ModuleUtils.h>

namespace fnd::backend::llvmgen {

bool Lowering::isCounted(const Type* t) const {
  return t->kind == TypeKind::String || t->kind == TypeKind::Ref || t->kind == TypeKind::List || t->kind == TypeKind::Map ||
         t->kind == TypeKind::Bytes;
}

void Lowering::checkSupportedType(const Type* t, SourceRange where) {
  switch (t->kind) {
    case TypeKind::Int: case TypeKind::Float: case TypeKind::Bool: case TypeKind::Duration:
    case TypeKind::String: case TypeKind::Ref: case TypeKind::Message: case TypeKind::Void: case TypeKind::Bytes:
      return;
    case TypeKind::List: checkSupportedType(t->elem, where); return;
    case TypeKind::Map:
      checkSupportedType(t->key, where);
      checkSupportedType(t->elem, where);
      return;
    default:
      throw Unsupported{where, t->str()};
  }
}

llvm::Type* Lowering::valueType(const Type* t) {
  switch (t->kind) {
    case TypeKind::Int: case TypeKind::Duration: return b_.getInt64Ty();
    case TypeKind::Float: return b_.getDoubleTy();
    case TypeKind::Bool: return b_.getInt1Ty();
    case TypeKind::String: case TypeKind::Ref: case TypeKind::List: case TypeKind::Map: return i8p();
    case TypeKind::Message: return messageLayout(t->message).type->getPointerTo();
    default: return i8p();
  }
}

llvm::Type* Lowering::memType(const Type* t) {
  if (t->kind == TypeKind::Bool) return b_.getInt8Ty();
  if (t->kind == TypeKind::Message) return messageLayout(t->message).type;
  return valueType(t);
}

static uint32_t kindOf(const Type* t) {
  switch (t->kind) {
    case TypeKind::Int: return 0;
    case TypeKind::Float: return 1;
    case TypeKind::Bool: return 2;
    case TypeKind::Duration: return 3;
    case TypeKind::String: return 4;
    case TypeKind::Ref: return 5;
    case TypeKind::Message: return 6;
    case TypeKind::List: return 7;
    case TypeKind::Map: return 8;
    case TypeKind::Bytes: return 9;
    default: return 0;
  }
}

RecordLayout Lowering::makeRecord(const std::string& name,
                                  const std::vector<std::pair<std::string, const Type*>>& fields) {
  RecordLayout r;
  std::vector<llvm::Type*> elems;
  for (const auto& [n, t] : fields) {
    elems.push_back(memType(t));
    r.fieldTypes.push_back(t);
    if (isCounted(t) || (t->kind == TypeKind::Message && !messageLayout(t->message).trivial)) r.trivial = false;
  }
  r.type = llvm::StructType::create(ctx_, elems, name);
  const llvm::StructLayout* sl = mod_.getDataLayout().getStructLayout(r.type);
  std::vector<llvm::Constant*> descs;
  for (size_t i = 0; i < fields.size(); ++i) {
    const Type* t = fields[i].second;
    llvm::Constant* nested = llvm::ConstantPointerNull::get(recordTy_->getPointerTo());
    if (t->kind == TypeKind::Message) nested = messageLayout(t->message).desc;
    descs.push_back(llvm::ConstantStruct::get(
        fieldTy_, {cstr(fields[i].first), b_.getInt32(kindOf(t)),
                   b_.getInt32(static_cast<uint32_t>(sl->getElementOffset(i))), nested}));
  }
  auto* arrTy = llvm::ArrayType::get(fieldTy_, descs.size());
  auto* arr = new llvm::GlobalVariable(mod_, arrTy, true, llvm::GlobalValue::PrivateLinkage,
                                       llvm::ConstantArray::get(arrTy, descs), name + ".fields");
  llvm::Constant* fieldsPtr = llvm::ConstantExpr::getBitCast(arr, fieldTy_->getPointerTo());
  r.desc = new llvm::GlobalVariable(
      mod_, recordTy_, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantStruct::get(recordTy_, {cstr(name), b_.getInt64(sl->getSizeInBytes()),
                                            b_.getInt64(sl->getAlignment().value()), b_.getInt64(descs.size()),
                                            fieldsPtr}),
      name + ".record");
  return r;
}

const RecordLayout& Lowering::messageLayout(const MessageDecl* m) {
  auto it = messages_.find(m);
  if (it != messages_.end()) return it->second;
  std::vector<std::pair<std::string, const Type*>> fields;
  for (const auto& f : m->fields) {
    checkSupportedType(f.type, f.name.range);
    fields.emplace_back(f.name.name, f.type);
  }
  RecordLayout r = makeRecord("msg." + m->name.name, fields);  // nested messages are laid out first
  return messages_.emplace(m, r).first->second;
}

// fnd_type for a record: size/align from the layout; copy/destroy thunks copy and release the
// counted fields one by one (NULL for trivial records: memcpy, nothing).
llvm::GlobalVariable* Lowering::makeFndType(const std::string& name, const RecordLayout* rec) {
  llvm::Constant* null = llvm::ConstantPointerNull::get(i8p());
  llvm::Constant* copy = null;
  llvm::Constant* destroy = null;
  uint64_t size = 0, align = 1;
  if (rec) {
    const llvm::StructLayout* sl = mod_.getDataLayout().getStructLayout(rec->type);
    size = sl->getSizeInBytes();
    align = sl->getAlignment().value();
    if (!rec->trivial) {
      auto saved = b_.saveIP();
      const llvm::DebugLoc savedLoc = b_.getCurrentDebugLocation();
      b_.SetCurrentDebugLocation(llvm::DebugLoc());
      auto* copyTy = llvm::FunctionType::get(b_.getVoidTy(), {i8p(), i8p()}, false);
      auto* cf = llvm::Function::Create(copyTy, llvm::GlobalValue::PrivateLinkage, name + ".copy", mod_);
      b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", cf));
      copyFields(*rec, cf->getArg(0), cf->getArg(1));
      b_.CreateRetVoid();
      auto* destroyTy = llvm::FunctionType::get(b_.getVoidTy(), {i8p()}, false);
      auto* df = llvm::Function::Create(destroyTy, llvm::GlobalValue::PrivateLinkage, name + ".destroy", mod_);
      b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", df));
      destroyFields(*rec, df->getArg(0));
      b_.CreateRetVoid();
      b_.restoreIP(saved);
      b_.SetCurrentDebugLocation(savedLoc);
      copy = llvm::ConstantExpr::getBitCast(cf, i8p());
      destroy = llvm::ConstantExpr::getBitCast(df, i8p());
    }
  }
  return new llvm::GlobalVariable(
      mod_, typeTy_, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantStruct::get(typeTy_, {cstr(name), b_.getInt64(size), b_.getInt64(align),
                                          null, copy, destroy, null, null}),
      name + ".type");
}

llvm::Value* Lowering::elemDesc(const Type* elem) {
  auto it = elemDescs_.find(elem);
  if (it != elemDescs_.end()) return b_.CreateBitCast(it->second, i8p());
  const uint64_t size = mod_.getDataLayout().getTypeAllocSize(memType(elem));
  llvm::Constant* rec = llvm::ConstantPointerNull::get(recordTy_->getPointerTo());
  if (elem->kind == TypeKind::Message) rec = messageLayout(elem->message).desc;
  auto* g = new llvm::GlobalVariable(
      mod_, elemTy_, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantStruct::get(elemTy_, {b_.getInt32(kindOf(elem)), b_.getInt32(static_cast<uint32_t>(size)), rec}),
      "elem");
  elemDescs_[elem] = g;
  return b_.CreateBitCast(g, i8p());
}

llvm::Value* Lowering::messageClass(const MessageDecl* m) { return classOf(messageType(m)); }

// A message class lives in storage of the program's own (fnd_msg_class_init), so its address is a
// link-time constant: dispatch compares with it as an immediate, sends read its fields at a fixed
// address.
llvm::Constant* Lowering::classOf(llvm::GlobalVariable* fndType) {
  for (auto& [type, cls] : messageClasses_)
    if (type == fndType) return llvm::ConstantExpr::getBitCast(cls, i8p());
  std::string name = fndType->getName().str();
  if (llvm::StringRef(name).endswith(".type")) name.resize(name.size() - 5);
  auto* storageTy = llvm::ArrayType::get(b_.getInt8Ty(), FND_MSG_CLASS_SIZE_AT_BUILD);
  auto* g = new llvm::GlobalVariable(mod_, storageTy, false, llvm::GlobalValue::PrivateLinkage,
                                     llvm::ConstantAggregateZero::get(storageTy), name + ".class");
  g->setAlignment(llvm::Align(8));
  messageClasses_.emplace_back(fndType, g);
  return llvm::ConstantExpr::getBitCast(g, i8p());
}

// Before main: every message class the code builds envelopes of or dispatches on, registered with
// the runtime in its storage.
void Lowering::emitMessageClassInit() {
  if (messageClasses_.empty()) return;
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(b_.getVoidTy(), false), llvm::GlobalValue::PrivateLinkage,
                                    "fnd.message_classes", mod_);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
  b_.SetCurrentDebugLocation(llvm::DebugLoc());
  for (auto& [type, cls] : messageClasses_)
    b_.CreateCall(rt("fnd_msg_class_init"), {b_.CreateBitCast(type, i8p()), b_.CreateBitCast(cls, i8p()),
                                             b_.getInt64(FND_MSG_CLASS_SIZE_AT_BUILD)});
  b_.CreateRetVoid();
  llvm::appendToGlobalCtors(mod_, fn, 65535);
}

llvm::GlobalVariable* Lowering::messageType(const MessageDecl* m) {
  auto it = messageTypes_.find(m);
  if (it != messageTypes_.end()) return it->second;
  auto* g = makeFndType(m->name.name, &messageLayout(m));
  messageTypes_[m] = g;
  return g;
}

}  // namespace fnd::backend::llvmgen

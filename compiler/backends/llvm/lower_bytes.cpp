// The `bytes` type: an fnd_bytes* (a counted handle around the runtime's zero-copy fnd::Binary; NULL
// is empty), owned and released like strings. Its operations are runtime calls (fnd/runtime_values.h).
#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

Val Lowering::bytesConcat(const Val& a, const Val& b) {
  Val v{b_.CreateCall(rt("fnd_bytes_concat"), {a.v, b.v}), program_.types.bytesType()};
  addTemp(v);
  return v;
}

// bytes(string), bytes(bytes) and string(bytes) (docs/language.md section 9.3).
Val Lowering::lowerBytesConvert(const ConvertExpr& cv) {
  Val a = lowerExpr(*cv.arg);
  const TypeKind from = a.type->kind;
  if (cv.target == from) return {a.v, cv.type};
  if (cv.target == TypeKind::Bytes && from == TypeKind::String) {
    Val v{b_.CreateCall(rt("fnd_bytes_from_str"), {a.v}), cv.type};
    addTemp(v);
    return v;
  }
  if (cv.target == TypeKind::String && from == TypeKind::Bytes) {
    Val v{b_.CreateCall(rt("fnd_str_from_bytes"), {a.v}), cv.type};
    addTemp(v);
    return v;
  }
  throw Unsupported{cv.range, (cv.target == TypeKind::Bytes ? "bytes(" : "string(") + a.type->str() + ")"};
}

Val Lowering::lowerBytesMethod(const MethodCallExpr& mc) {
  Val b = lowerExpr(*mc.base);
  switch (mc.resolved) {
    case Method::Len: return {b_.CreateCall(rt("fnd_bytes_len"), {b.v}), mc.type};
    case Method::IsEmpty: return {b_.CreateICmpEQ(b_.CreateCall(rt("fnd_bytes_len"), {b.v}), b_.getInt64(0)), mc.type};
    default: break;
  }
  throw Unsupported{mc.method.range, "." + mc.method.name + "() on bytes"};
}

}  // namespace fnd::backend::llvmgen

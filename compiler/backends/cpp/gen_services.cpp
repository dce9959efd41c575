// The core services in generated C++ (docs/language.md section 17): `config.PATH` reads and the
// program's setting table. Both call the services' C ABI (fnd/services/lang.h), as the LLVM back
// end does, so the two back ends share one implementation of the command line and the layers.
#include "backends/cpp/gen.hpp"

namespace fnd::backend::cpp {

using namespace fnd::ast;

std::string Gen::configRead(const ConfigExpr& e) {
  const std::string i = std::to_string(e.setting->index) + "u";
  switch (e.setting->valueType->kind) {
    case TypeKind::Int: return "fnd_cfg_int(" + i + ")";
    case TypeKind::Float: return "fnd_cfg_float(" + i + ")";
    case TypeKind::Bool: return "(fnd_cfg_bool(" + i + ") != 0)";
    default: return "fnd::lang::services::config_string(" + i + ")";
  }
}

void configTable(Code& c, const Program& program) {
  c.open("static const fnd_cfg_setting fnd_config_settings[] =");
  for (const ConfigSetting* s : program.config) {
    const char* type = s->valueType->kind == TypeKind::Int     ? "FND_CFG_INT"
                       : s->valueType->kind == TypeKind::Float ? "FND_CFG_FLOAT"
                       : s->valueType->kind == TypeKind::Bool  ? "FND_CFG_BOOL"
                                                               : "FND_CFG_STRING";
    c.line("{" + quote(s->path) + ", " + type + ", " + quote(s->defaultJson) + ", " + (s->hasRange ? "1" : "0") +
           ", " + floatLiteral(s->minValue) + ", " + floatLiteral(s->maxValue) + ", " +
           (s->oneOfJson.empty() ? std::string("nullptr") : quote(s->oneOfJson)) + ", " +
           (s->updatable ? "1" : "0") + "},");
  }
  c.close("};");
}

}  // namespace fnd::backend::cpp

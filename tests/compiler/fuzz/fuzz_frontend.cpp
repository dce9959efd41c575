// libFuzzer target for the whole front end: lexer, parser, AST builder, every sema pass and both
// diagnostic renderers. Any crash, sanitizer report or exception escaping is a bug: bad input must
// only ever produce diagnostics.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "diag/diagnostic.hpp"
#include "sema/sema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fnd::diag::SourceManager sources;
  std::ostringstream out;
  fnd::diag::DiagnosticEngine diags(sources, out);
  // Alternate between the renderers; the choice must not depend on the parse.
  diags.setFormat(size % 2 ? fnd::diag::OutputFormat::Json : fnd::diag::OutputFormat::Text);
  diags.setWarningsAsErrors(size % 3 == 0);
  auto file = sources.addBuffer("fuzz.fnd", std::string(reinterpret_cast<const char*>(data), size));
  fnd::sema::Options options;
  options.stdlibDir = "/nonexistent-fnd-stdlib";  // imports fail cleanly; no disk reads
  fnd::sema::analyzeFiles({file}, options, sources, diags);
  diags.flush();
  return 0;
}

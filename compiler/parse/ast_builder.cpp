#include "parse/ast_builder.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

namespace fnd::parse {

using diag::Code;
using diag::SourceRange;
using namespace fnd::ast;

diag::DiagBuilder AstBuilder::error(Code code, SourceRange r, std::string msg) {
  if (!diag::isWarning(code)) hadErrors_ = true;
  if (syntaxErrorLines_ && r.valid() &&
      syntaxErrorLines_->count(diags_.sources().lineCol(r.file, r.begin).line))
    return diag::DiagBuilder(nullptr, {});
  return diags_.report(code, r, std::move(msg));
}

Ident AstBuilder::ident(P::NameContext* ctx) const {
  Ident id;
  if (!ctx) return id;
  id.name = ctx->getText();
  id.range = range(ctx);
  return id;
}

Ident AstBuilder::ident(P::AnyWordContext* ctx) const {
  Ident id;
  if (!ctx) return id;
  id.name = ctx->getText();
  id.range = range(ctx);
  return id;
}

std::string AstBuilder::dotted(P::DottedNameContext* ctx) const {
  if (!ctx) return {};
  std::string s = ctx->name() ? ctx->name()->getText() : std::string();
  for (auto* w : ctx->anyWord()) s += "." + w->getText();
  return s;
}

ExprPtr AstBuilder::placeholder(SourceRange r) {
  // Stands for an expression the parser could not build; only seen after a syntax error, and
  // sema never runs on a file with syntax errors.
  auto e = std::make_unique<NameExpr>();
  e->range = r;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Literals

bool AstBuilder::parseInt(antlr4::tree::TerminalNode* tok, std::int64_t& out) {
  out = 0;
  if (!tok) return false;
  std::string s;
  for (char c : tok->getText())
    if (c != '_') s += c;
  bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(hex ? s.c_str() + 2 : s.c_str(), &end, hex ? 16 : 10);
  // A hexadecimal literal is a 64-bit pattern (0xFFFF_FFFF_FFFF_FFFF is -1), as in Java: bit
  // masks and hash constants need all 64 bits. A decimal literal is a value and must fit.
  if (errno == ERANGE || (!hex && v > static_cast<unsigned long long>(INT64_MAX))) {
    error(Code::E0007, range(tok), "integer literal '" + tok->getText() + "' does not fit in int")
        .note({}, hex ? "a hexadecimal literal has at most 64 significant bits"
                      : "int is a 64-bit signed integer: -9223372036854775808 to 9223372036854775807");
    return false;
  }
  out = static_cast<std::int64_t>(v);  // two's complement for hex literals above INT64_MAX
  return true;
}

bool AstBuilder::parseDuration(antlr4::tree::TerminalNode* tok, std::int64_t& ms) {
  ms = 0;
  if (!tok) return false;
  std::string t = tok->getText();
  std::size_t digits = 0;
  while (digits < t.size() && (std::isdigit(static_cast<unsigned char>(t[digits])) || t[digits] == '_'))
    ++digits;
  std::string unit = t.substr(digits);
  std::int64_t scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : 3600000;
  unsigned long long v = 0;
  bool overflow = false;
  for (std::size_t i = 0; i < digits; ++i) {
    if (t[i] == '_') continue;
    v = v * 10 + static_cast<unsigned>(t[i] - '0');
    if (v > static_cast<unsigned long long>(INT64_MAX)) overflow = true;
  }
  if (overflow || v > static_cast<unsigned long long>(INT64_MAX / scale)) {
    error(Code::E0007, range(tok), "duration literal '" + t + "' is too large");
    return false;
  }
  ms = static_cast<std::int64_t>(v) * scale;
  return true;
}

ExprPtr AstBuilder::buildString(antlr4::tree::TerminalNode* tok) {
  auto lit = std::make_unique<StringLit>();
  lit->range = range(tok);
  std::string raw = tok->getText();
  // Strip the quotes; byte i of `body` is at file offset base + i.
  std::string body = raw.size() >= 2 ? raw.substr(1, raw.size() - 2) : std::string();
  std::uint32_t base = lit->range.begin + 1;
  diag::FileId file = lit->range.file;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) {
      StringPart p;
      p.text = std::move(cur);
      lit->parts.push_back(std::move(p));
      cur.clear();
    }
  };
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\\') {
      char e = i + 1 < body.size() ? body[i + 1] : '\0';
      switch (e) {
        case 'n': cur += '\n'; break;
        case 't': cur += '\t'; break;
        case 'r': cur += '\r'; break;
        case '0': cur += '\0'; break;
        case '\\': cur += '\\'; break;
        case '"': cur += '"'; break;
        default: {
          // Include a whole UTF-8 sequence in the range of the bad escape.
          std::size_t len = 1;
          while (i + 1 + len < body.size() && (static_cast<unsigned char>(body[i + 1 + len]) & 0xC0) == 0x80) ++len;
          error(Code::E0005,
                SourceRange{file, base + static_cast<std::uint32_t>(i),
                            base + static_cast<std::uint32_t>(i + 1 + len)},
                "invalid escape sequence '\\" + body.substr(i + 1, len) + "'")
              .note({}, "valid escapes are \\n \\t \\r \\0 \\\\ \\\" (and {{ }} for braces)");
          i += len - 1;
          break;
        }
      }
      ++i;
      continue;
    }
    if (c == '{') {
      if (i + 1 < body.size() && body[i + 1] == '{') {
        cur += '{';
        ++i;
        continue;
      }
      int depth = 1;
      std::size_t j = i + 1;
      for (; j < body.size(); ++j) {
        if (body[j] == '{') ++depth;
        else if (body[j] == '}' && --depth == 0) break;
        else if (body[j] == '"') {  // a string literal inside (E0006 already): its braces are text
          for (++j; j < body.size() && body[j] != '"'; ++j)
            if (body[j] == '\\') ++j;
        }
      }
      SourceRange openR{file, base + static_cast<std::uint32_t>(i), base + static_cast<std::uint32_t>(i + 1)};
      if (j >= body.size()) {
        error(Code::E0006, openR, "unterminated interpolation in string literal")
            .note({}, "write '{{' for a literal '{'");
        break;
      }
      std::string inner = body.substr(i + 1, j - i - 1);
      if (inner.find_first_not_of(" \t") == std::string::npos) {
        error(Code::E0006,
              SourceRange{file, openR.begin, base + static_cast<std::uint32_t>(j + 1)},
              "empty interpolation in string literal")
            .note({}, "write '{{' and '}}' for literal braces");
      } else {
        flush();
        bool subErrors = false;
        StringPart p;
        p.expr = parseInterpolation(inner, file, base + static_cast<std::uint32_t>(i + 1), diags_,
                                    subErrors);
        if (subErrors) hadErrors_ = true;
        if (!p.expr) p.expr = placeholder(openR);
        lit->parts.push_back(std::move(p));
      }
      i = j;
      continue;
    }
    if (c == '}') {
      if (i + 1 < body.size() && body[i + 1] == '}') {
        cur += '}';
        ++i;
        continue;
      }
      error(Code::E0006,
            SourceRange{file, base + static_cast<std::uint32_t>(i), base + static_cast<std::uint32_t>(i + 1)},
            "unmatched '}' in string literal")
          .note({}, "write '}}' for a literal '}'");
      continue;
    }
    cur += c;
  }
  flush();
  if (lit->parts.empty()) lit->parts.emplace_back();
  return lit;
}

// ---------------------------------------------------------------------------------------------
// Types

std::unique_ptr<TypeNode> AstBuilder::buildType(P::TypeExprContext* ctx) {
  auto t = std::make_unique<TypeNode>();
  t->range = range(ctx);
  if (!ctx) {
    t->kind = TypeNodeKind::Named;
    return t;
  }
  if (dynamic_cast<P::IntTypeContext*>(ctx)) t->kind = TypeNodeKind::Int;
  else if (dynamic_cast<P::FloatTypeContext*>(ctx)) t->kind = TypeNodeKind::Float;
  else if (dynamic_cast<P::BoolTypeContext*>(ctx)) t->kind = TypeNodeKind::Bool;
  else if (dynamic_cast<P::StringTypeContext*>(ctx)) t->kind = TypeNodeKind::String;
  else if (dynamic_cast<P::BytesTypeContext*>(ctx)) t->kind = TypeNodeKind::Bytes;
  else if (dynamic_cast<P::DurationTypeContext*>(ctx)) t->kind = TypeNodeKind::Duration;
  else if (auto* l = dynamic_cast<P::ListTypeContext*>(ctx)) {
    t->kind = TypeNodeKind::List;
    t->elem = buildType(l->typeExpr());
  } else if (auto* m = dynamic_cast<P::MapTypeContext*>(ctx)) {
    t->kind = TypeNodeKind::Map;
    auto parts = m->typeExpr();
    t->key = buildType(parts.size() > 0 ? parts[0] : nullptr);
    t->elem = buildType(parts.size() > 1 ? parts[1] : nullptr);
  } else if (auto* r = dynamic_cast<P::RefTypeContext*>(ctx)) {
    t->kind = TypeNodeKind::Ref;
    t->name = ident(r->name());
  } else if (auto* n = dynamic_cast<P::NamedTypeContext*>(ctx)) {
    t->kind = TypeNodeKind::Named;
    t->name = ident(n->name());
  } else {
    t->kind = TypeNodeKind::Named;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Expressions

ExprPtr AstBuilder::buildExpr(P::ExprContext* ctx) {
  if (!ctx) return placeholder(SourceRange{text_.file(), 0, 0});
  SourceRange r = range(ctx);
  auto binary = [&](BinaryOp op, std::vector<P::ExprContext*> sides, antlr4::Token* opTok) -> ExprPtr {
    auto b = std::make_unique<BinaryExpr>();
    b->range = r;
    b->op = op;
    b->opRange = text_.range(opTok);
    b->lhs = buildExpr(sides.size() > 0 ? sides[0] : nullptr);
    b->rhs = buildExpr(sides.size() > 1 ? sides[1] : nullptr);
    return b;
  };
  if (auto* p = dynamic_cast<P::PrimaryExprContext*>(ctx)) return buildPrimary(p->primary());
  if (auto* m = dynamic_cast<P::MethodCallExprContext*>(ctx)) {
    auto e = std::make_unique<MethodCallExpr>();
    e->range = r;
    auto xs = m->expr();
    e->base = buildExpr(xs.empty() ? nullptr : xs[0]);
    e->method = ident(m->anyWord());
    for (std::size_t i = 1; i < xs.size(); ++i) e->args.push_back(buildExpr(xs[i]));
    return e;
  }
  if (auto* f = dynamic_cast<P::FieldExprContext*>(ctx)) {
    auto e = std::make_unique<FieldExpr>();
    e->range = r;
    e->base = buildExpr(f->expr());
    e->field = ident(f->anyWord());
    return e;
  }
  if (auto* ix = dynamic_cast<P::IndexExprContext*>(ctx)) {
    auto e = std::make_unique<IndexExpr>();
    e->range = r;
    auto xs = ix->expr();
    e->base = buildExpr(xs.size() > 0 ? xs[0] : nullptr);
    e->index = buildExpr(xs.size() > 1 ? xs[1] : nullptr);
    return e;
  }
  if (auto* n = dynamic_cast<P::NegExprContext*>(ctx)) {
    auto e = std::make_unique<UnaryExpr>();
    e->range = r;
    e->op = n->op && n->op->getType() == P::TILDE ? UnaryOp::BitNot : UnaryOp::Neg;
    e->opRange = text_.range(n->op);
    e->operand = buildExpr(n->expr());
    return e;
  }
  if (auto* n = dynamic_cast<P::NotExprContext*>(ctx)) {
    auto e = std::make_unique<UnaryExpr>();
    e->range = r;
    e->op = UnaryOp::Not;
    e->opRange = range(n->KW_NOT());
    e->operand = buildExpr(n->expr());
    return e;
  }
  if (auto* m = dynamic_cast<P::MulExprContext*>(ctx)) {
    std::size_t t = m->op ? m->op->getType() : static_cast<std::size_t>(P::STAR);
    return binary(t == P::STAR ? BinaryOp::Mul : t == P::SLASH ? BinaryOp::Div : BinaryOp::Mod,
                  m->expr(), m->op);
  }
  if (auto* a = dynamic_cast<P::AddExprContext*>(ctx)) {
    std::size_t t = a->op ? a->op->getType() : static_cast<std::size_t>(P::PLUS);
    return binary(t == P::PLUS ? BinaryOp::Add : BinaryOp::Sub, a->expr(), a->op);
  }
  if (auto* sh = dynamic_cast<P::ShiftExprContext*>(ctx)) {
    // `>>` and `>>>` are adjacent `>` tokens; `> >` is not an operator.
    auto gts = sh->shiftOp() ? sh->shiftOp()->GT() : std::vector<antlr4::tree::TerminalNode*>{};
    BinaryOp op = gts.empty() ? BinaryOp::Shl : gts.size() == 2 ? BinaryOp::Shr : BinaryOp::UShr;
    for (std::size_t i = 1; i < gts.size(); ++i)
      if (gts[i]->getSymbol()->getStartIndex() != gts[i - 1]->getSymbol()->getStopIndex() + 1) {
        error(Code::E0001, range(sh->shiftOp()),
              std::string("expected '") + spelling(op) + "' without spaces between its '>' characters");
        break;
      }
    auto e = binary(op, sh->expr(), sh->shiftOp() ? sh->shiftOp()->getStart() : nullptr);
    if (sh->shiftOp()) e->as<BinaryExpr>().opRange = range(sh->shiftOp());
    return e;
  }
  if (auto* b = dynamic_cast<P::BitAndExprContext*>(ctx))
    return binary(BinaryOp::BitAnd, b->expr(), b->AMP() ? b->AMP()->getSymbol() : nullptr);
  if (auto* b = dynamic_cast<P::BitXorExprContext*>(ctx))
    return binary(BinaryOp::BitXor, b->expr(), b->CARET() ? b->CARET()->getSymbol() : nullptr);
  if (auto* b = dynamic_cast<P::BitOrExprContext*>(ctx))
    return binary(BinaryOp::BitOr, b->expr(), b->PIPE() ? b->PIPE()->getSymbol() : nullptr);
  if (auto* c = dynamic_cast<P::CmpExprContext*>(ctx)) {
    std::size_t t = c->op ? c->op->getType() : static_cast<std::size_t>(P::EQ);
    BinaryOp op = t == P::EQ ? BinaryOp::Eq : t == P::NE ? BinaryOp::Ne : t == P::LT ? BinaryOp::Lt
                : t == P::LE ? BinaryOp::Le : t == P::GT ? BinaryOp::Gt : BinaryOp::Ge;
    return binary(op, c->expr(), c->op);
  }
  if (auto* a = dynamic_cast<P::AndExprContext*>(ctx))
    return binary(BinaryOp::And, a->expr(), a->KW_AND() ? a->KW_AND()->getSymbol() : nullptr);
  if (auto* o = dynamic_cast<P::OrExprContext*>(ctx))
    return binary(BinaryOp::Or, o->expr(), o->KW_OR() ? o->KW_OR()->getSymbol() : nullptr);
  return placeholder(r);
}

void AstBuilder::buildStartArgs(P::NameContext* target, P::NamedArgsContext* args, StartArgs& out) {
  out.target = ident(target);
  if (!args) return;
  out.hasArgList = true;
  out.argsRange = range(args);
  for (auto* a : args->namedArg()) {
    NamedArg na;
    na.name = ident(a->name());
    na.value = buildExpr(a->expr());
    out.args.push_back(std::move(na));
  }
}

ExprPtr AstBuilder::buildPrimary(P::PrimaryContext* ctx) {
  if (!ctx) return placeholder(SourceRange{text_.file(), 0, 0});
  SourceRange r = range(ctx);
  if (auto* i = dynamic_cast<P::IntLitContext*>(ctx)) {
    auto e = std::make_unique<IntLit>();
    e->range = r;
    parseInt(i->INT(), e->value);
    std::string t = i->INT() ? i->INT()->getText() : "";
    e->hex = t.size() > 1 && (t[1] == 'x' || t[1] == 'X');
    return e;
  }
  if (auto* f = dynamic_cast<P::FloatLitContext*>(ctx)) {
    auto e = std::make_unique<FloatLit>();
    e->range = r;
    std::string s;
    for (char c : f->FLOAT()->getText())
      if (c != '_') s += c;
    e->value = std::strtod(s.c_str(), nullptr);
    if (std::isinf(e->value))
      error(Code::E0007, r, "float literal '" + f->FLOAT()->getText() + "' is out of range");
    return e;
  }
  if (auto* d = dynamic_cast<P::DurationLitContext*>(ctx)) {
    auto e = std::make_unique<DurationLit>();
    e->range = r;
    parseDuration(d->DURATION(), e->millis);
    return e;
  }
  if (auto* s = dynamic_cast<P::StringLitContext*>(ctx)) return buildString(s->STRING());
  if (auto* b = dynamic_cast<P::BoolLitContext*>(ctx)) {
    auto e = std::make_unique<BoolLit>();
    e->range = r;
    e->value = b->KW_TRUE() != nullptr;
    return e;
  }
  if (dynamic_cast<P::SelfExprContext*>(ctx)) {
    auto e = std::make_unique<SelfExpr>();
    e->range = r;
    return e;
  }
  if (dynamic_cast<P::SenderExprContext*>(ctx)) {
    auto e = std::make_unique<SenderExpr>();
    e->range = r;
    return e;
  }
  if (auto* c = dynamic_cast<P::ConfigExprContext*>(ctx)) return buildConfigExpr(c);
  if (auto* m = dynamic_cast<P::MessageLitContext*>(ctx)) {
    auto e = std::make_unique<MessageLit>();
    e->range = r;
    e->typeName.name = m->TYPE_NAME() ? m->TYPE_NAME()->getText() : "";
    e->typeName.range = range(m->TYPE_NAME());
    for (auto* fi : m->fieldInit()) {
      FieldInit init;
      init.name = ident(fi->anyWord());
      init.value = buildExpr(fi->expr());
      e->inits.push_back(std::move(init));
    }
    return e;
  }
  if (auto* l = dynamic_cast<P::ListLitContext*>(ctx)) {
    auto e = std::make_unique<ListLit>();
    e->range = r;
    if (l->KW_LIST()) e->elemType = buildType(l->typeExpr());
    for (auto* x : l->expr()) e->elems.push_back(buildExpr(x));
    return e;
  }
  if (auto* m = dynamic_cast<P::MapLitContext*>(ctx)) {
    auto e = std::make_unique<MapLit>();
    e->range = r;
    if (m->KW_MAP()) {
      auto ts = m->typeExpr();
      e->keyType = buildType(ts.size() > 0 ? ts[0] : nullptr);
      e->valueType = buildType(ts.size() > 1 ? ts[1] : nullptr);
    }
    for (auto* entry : m->mapEntry()) {
      auto xs = entry->expr();
      MapEntry me;
      me.key = buildExpr(xs.size() > 0 ? xs[0] : nullptr);
      me.value = buildExpr(xs.size() > 1 ? xs[1] : nullptr);
      e->entries.push_back(std::move(me));
    }
    return e;
  }
  if (auto* s = dynamic_cast<P::SpawnExprContext*>(ctx)) {
    auto e = std::make_unique<SpawnExpr>();
    e->range = r;
    buildStartArgs(s->name(), s->namedArgs(), e->start);
    return e;
  }
  if (auto* c = dynamic_cast<P::ConvertExprContext*>(ctx)) {
    auto e = std::make_unique<ConvertExpr>();
    e->range = r;
    auto* ct = c->convType();
    e->targetRange = range(ct);
    e->target = !ct ? TypeKind::Int
                : ct->KW_INT() ? TypeKind::Int
                : ct->KW_FLOAT() ? TypeKind::Float
                : ct->KW_STRING() ? TypeKind::String : TypeKind::Bytes;
    e->arg = buildExpr(c->expr());
    return e;
  }
  if (auto* c = dynamic_cast<P::CallExprContext*>(ctx)) {
    auto e = std::make_unique<CallExpr>();
    e->range = r;
    e->callee = ident(c->name());
    for (auto* x : c->expr()) e->args.push_back(buildExpr(x));
    return e;
  }
  if (auto* n = dynamic_cast<P::NameExprContext*>(ctx)) {
    auto e = std::make_unique<NameExpr>();
    e->range = r;
    e->name = ident(n->name());
    return e;
  }
  if (auto* p = dynamic_cast<P::ParenExprContext*>(ctx)) {
    ExprPtr inner = buildExpr(p->expr());
    inner->range = r;  // include the parentheses in diagnostics
    return inner;
  }
  return placeholder(r);
}

// ---------------------------------------------------------------------------------------------
// Statements

Block AstBuilder::buildBlock(P::BlockContext* ctx) {
  Block b;
  b.range = range(ctx);
  if (!ctx) return b;
  for (auto* s : ctx->stmt())
    if (auto st = buildStmt(s)) b.stmts.push_back(std::move(st));
  return b;
}

StmtPtr AstBuilder::buildStmt(P::StmtContext* ctx) {
  if (!ctx) return nullptr;
  SourceRange r = range(ctx);
  auto finish = [&](auto s) -> StmtPtr {
    s->range = r;
    return s;
  };
  if (auto* l = dynamic_cast<P::LetStmtContext*>(ctx)) {
    auto s = std::make_unique<LetStmt>();
    s->var.name = ident(l->name());
    s->var.isMutable = l->KW_VAR() != nullptr;
    if (l->typeExpr()) s->declType = buildType(l->typeExpr());
    if (l->expr()) s->init = buildExpr(l->expr());
    return finish(std::move(s));
  }
  if (auto* i = dynamic_cast<P::IfStmtContext*>(ctx)) {
    auto s = std::make_unique<IfStmt>();
    auto conds = i->expr();
    auto blocks = i->block();
    std::size_t arms = std::min(conds.size(), blocks.size());
    for (std::size_t k = 0; k < arms; ++k) {
      IfArm arm;
      arm.cond = buildExpr(conds[k]);
      arm.body = buildBlock(blocks[k]);
      s->arms.push_back(std::move(arm));
    }
    if (blocks.size() > conds.size())
      s->elseBody = std::make_unique<Block>(buildBlock(blocks.back()));
    return finish(std::move(s));
  }
  if (auto* w = dynamic_cast<P::WhileStmtContext*>(ctx)) {
    auto s = std::make_unique<WhileStmt>();
    s->cond = buildExpr(w->expr());
    s->body = buildBlock(w->block());
    return finish(std::move(s));
  }
  if (auto* f = dynamic_cast<P::ForStmtContext*>(ctx)) {
    auto s = std::make_unique<ForStmt>();
    auto names = f->name();
    s->first.name = ident(names.empty() ? nullptr : names[0]);
    s->first.origin = LocalVar::Origin::For;
    if (names.size() > 1) {
      s->second = std::make_unique<LocalVar>();
      s->second->name = ident(names[1]);
      s->second->origin = LocalVar::Origin::For;
    }
    auto xs = f->expr();
    s->iterable = buildExpr(xs.empty() ? nullptr : xs[0]);
    if (f->DOTDOT()) s->rangeEnd = buildExpr(xs.size() > 1 ? xs[1] : nullptr);
    s->body = buildBlock(f->block());
    return finish(std::move(s));
  }
  if (auto* sd = dynamic_cast<P::SendStmtContext*>(ctx)) {
    auto s = std::make_unique<SendStmt>();
    auto xs = sd->expr();
    s->target = buildExpr(xs.size() > 0 ? xs[0] : nullptr);
    s->message = buildExpr(xs.size() > 1 ? xs[1] : nullptr);
    return finish(std::move(s));
  }
  if (auto* rp = dynamic_cast<P::ReplyStmtContext*>(ctx)) {
    auto s = std::make_unique<ReplyStmt>();
    s->message = buildExpr(rp->expr());
    return finish(std::move(s));
  }
  if (auto* b = dynamic_cast<P::BroadcastStmtContext*>(ctx)) {
    auto s = std::make_unique<BroadcastStmt>();
    s->role = ident(b->name());
    s->message = buildExpr(b->expr());
    return finish(std::move(s));
  }
  if (auto* p = dynamic_cast<P::PublishStmtContext*>(ctx)) {
    auto s = std::make_unique<PublishStmt>();
    s->topic = ident(p->name());
    s->message = buildExpr(p->expr());
    return finish(std::move(s));
  }
  if (auto* sub = dynamic_cast<P::SubscribeStmtContext*>(ctx)) {
    auto s = std::make_unique<SubscribeStmt>();
    s->topic = ident(sub->name());
    return finish(std::move(s));
  }
  if (auto* e = dynamic_cast<P::EmitStmtContext*>(ctx)) {
    auto s = std::make_unique<EmitStmt>();
    s->event = dotted(e->dottedName());
    s->eventRange = range(e->dottedName());
    bool named = false, positional = false;
    P::EmitArgContext* odd = nullptr;  // the first value written unlike the first one
    for (auto* a : e->emitArg()) {
      s->args.push_back(buildExpr(a->expr()));
      const bool isNamed = a->name() != nullptr;
      if (!odd && (isNamed ? positional : named)) odd = a;
      (isNamed ? named : positional) = true;
      if (isNamed) s->names.push_back(ident(a->name()));
    }
    if (odd) {
      error(Code::E0230, range(odd), "emit values are either all named or all unnamed")
          .note({}, "write 'emit a.b(x, y)' or 'emit a.b(count: x, size: y)'");
      s->names.clear();
    }
    return finish(std::move(s));
  }
  if (auto* lg = dynamic_cast<P::LogStmtContext*>(ctx)) {
    auto s = std::make_unique<LogStmt>();
    Ident level = ident(lg->name());
    s->levelRange = level.range;
    static const std::map<std::string, LogLevel> kLevels = {
        {"debug", LogLevel::Debug}, {"info", LogLevel::Info}, {"warn", LogLevel::Warn},
        {"error", LogLevel::Error}};
    auto it = kLevels.find(level.name);
    if (it != kLevels.end()) s->level = it->second;
    else if (!level.name.empty())
      error(Code::E0009, level.range, "unknown log level '" + level.name + "'")
          .note({}, "log levels are debug, info, warn and error");
    s->message = buildExpr(lg->expr());
    return finish(std::move(s));
  }
  if (dynamic_cast<P::StopStmtContext*>(ctx)) return finish(std::make_unique<StopStmt>());
  if (dynamic_cast<P::ReturnStmtContext*>(ctx)) return finish(std::make_unique<ReturnStmt>());
  if (dynamic_cast<P::BreakStmtContext*>(ctx)) return finish(std::make_unique<BreakStmt>());
  if (dynamic_cast<P::ContinueStmtContext*>(ctx)) return finish(std::make_unique<ContinueStmt>());
  if (auto* es = dynamic_cast<P::ExprStmtContext*>(ctx)) {
    auto xs = es->expr();
    if (es->ASSIGN()) {
      auto s = std::make_unique<AssignStmt>();
      s->target = buildExpr(xs.size() > 0 ? xs[0] : nullptr);
      s->value = buildExpr(xs.size() > 1 ? xs[1] : nullptr);
      return finish(std::move(s));
    }
    auto s = std::make_unique<ExprStmt>();
    s->expr = buildExpr(xs.empty() ? nullptr : xs[0]);
    return finish(std::move(s));
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Settings shared by actors, supervisors and societies

namespace {

// The single bare word of a setting value (`one_for_one`), or "".
std::string bareWord(gen::FndParser::SettingValueContext* v) {
  if (!v || v->name() || v->settingAtom().size() != 1) return {};
  auto* a = v->settingAtom(0);
  if (!a->name() || a->LPAREN()) return {};
  return a->name()->getText();
}

}  // namespace

bool AstBuilder::parseIntensity(P::SettingValueContext* v, Intensity& out) {
  auto atoms = v ? v->settingAtom() : std::vector<P::SettingAtomContext*>{};
  if (atoms.size() == 2 && v->name() && v->name()->getText() == "per" && atoms[0]->INT() &&
      atoms[1]->DURATION()) {
    parseInt(atoms[0]->INT(), out.maxRestarts);
    parseDuration(atoms[1]->DURATION(), out.periodMs);
    out.range = range(v);
    return true;
  }
  error(Code::E0009, range(v), "invalid intensity '" + written(v) + "'")
      .note({}, "write 'intensity: N per DURATION', e.g. 'intensity: 5 per 10s'");
  return false;
}

// ---------------------------------------------------------------------------------------------
// Declarations

void AstBuilder::buildMessage(P::MessageDeclContext* ctx, Module& m) {
  auto msg = std::make_unique<MessageDecl>();
  msg->name = ident(ctx->name());
  msg->range = range(ctx);
  msg->module = &m;
  for (auto* f : ctx->fieldDecl()) {
    FieldDecl fd;
    fd.name = ident(f->anyWord());
    fd.typeNode = buildType(f->typeExpr());
    fd.index = static_cast<std::uint32_t>(msg->fields.size());
    msg->fields.push_back(std::move(fd));
  }
  m.messages.push_back(std::move(msg));
}

void AstBuilder::buildHandler(P::HandlerItemContext* ctx, ActorDecl& actor) {
  auto h = std::make_unique<HandlerDecl>();
  h->name = ident(ctx->name());
  SourceRange head = range(ctx);
  if (ctx->handlerParams()) head.end = range(ctx->handlerParams()).end;
  else if (ctx->name()) head.end = range(ctx->name()).end;
  h->range = head;
  std::vector<Ident> params;
  if (auto* hp = ctx->handlerParams())
    for (auto* n : hp->name()) params.push_back(ident(n));
  if (ctx->ARROW()) {
    // Accepted by the grammar only to say this: replies are not declared.
    SourceRange r = SourceRange::join(range(ctx->ARROW()), range(ctx->typeExpr()));
    error(Code::E0011, r, "a handler does not declare a reply type")
        .note({}, "write 'on " + h->name.name + "(m) { ... reply Msg { ... } }': any message handler may reply");
  }
  const std::string& n = h->name.name;
  bool isMessage = !n.empty() && std::isupper(static_cast<unsigned char>(n[0]));
  SourceRange paramsRange = ctx->handlerParams() ? range(ctx->handlerParams()) : h->name.range;
  if (n == "start") {
    h->kind = HandlerKind::Start;
    if (ctx->handlerParams())
      error(Code::E0011, paramsRange, "'on start' takes no parameters");
  } else if (n == "down" || n == "exit") {
    h->kind = n == "down" ? HandlerKind::Down : HandlerKind::Exit;
    if (params.size() != 2)
      error(Code::E0011, paramsRange,
            "'on " + n + "' takes two parameters, the actor ref and the exit reason")
          .note({}, "write 'on " + n + "(who, reason) { ... }'");
  } else if (isMessage) {
    h->kind = HandlerKind::Message;
    if (params.size() > 1)
      error(Code::E0011, paramsRange, "a message handler binds at most one name (the message)")
          .note({}, "write 'on " + n + "(m)' and use 'm.field'");
  } else {
    if (!n.empty())
      error(Code::E0011, h->name.range, "unknown handler 'on " + n + "'")
          .note({}, "handlers are 'on start', 'on down(ref, reason)', 'on exit(ref, reason)' and "
                    "'on Message(m)' (message names start with an upper-case letter)");
    return;
  }
  for (auto& p : params) {
    auto lv = std::make_unique<LocalVar>();
    lv->name = p;
    lv->origin = LocalVar::Origin::Binding;
    h->params.push_back(std::move(lv));
  }
  if (ctx->block()) {
    h->body = std::make_unique<Block>(buildBlock(ctx->block()));
    if (actor.isExtern)
      error(Code::E0012, range(ctx->block()),
            "handlers of an extern actor are written in C++; its interface lists only 'on " +
                (n.empty() ? std::string("Message") : n) + "'");
  } else if (!actor.isExtern) {
    error(Code::E0012, h->range, "handler 'on " + n + "' has no body")
        .note({}, "only an extern actor's interface lists handlers without a body");
  } else if (h->kind != HandlerKind::Message) {
    error(Code::E0506, h->range, "an extern actor's interface lists only message handlers");
  }
  actor.handlers.push_back(std::move(h));
}

void AstBuilder::buildActor(P::NameContext* name, P::ActorBodyContext* body, bool isExtern,
                            antlr4::tree::TerminalNode* header, antlr4::ParserRuleContext* whole,
                            Module& m) {
  auto a = std::make_unique<ActorDecl>();
  a->name = ident(name);
  a->range = range(whole);
  a->isExtern = isExtern;
  a->module = &m;
  if (header) {
    std::string h = header->getText();
    a->externHeader = h.size() >= 2 ? h.substr(1, h.size() - 2) : h;
    a->externHeaderRange = text_.range(header->getSymbol());
  }
  a->externHasInterface = isExtern && body;
  std::map<std::string, SourceRange> seenSettings;
  if (body) {
    for (auto* item : body->actorItem()) {
      if (auto* p = dynamic_cast<P::ParamItemContext*>(item)) {
        auto pd = std::make_unique<ParamDecl>();
        pd->name = ident(p->name());
        pd->range = range(p);
        pd->typeNode = buildType(p->typeExpr());
        if (p->expr()) pd->defaultValue = buildExpr(p->expr());
        pd->index = static_cast<std::uint32_t>(a->params.size());
        a->params.push_back(std::move(pd));
      } else if (auto* s = dynamic_cast<P::StateItemContext*>(item)) {
        if (isExtern) {
          error(Code::E0506, range(s), "an extern actor's interface cannot declare state")
              .note({}, "its state lives in the C++ class");
          continue;
        }
        auto sd = std::make_unique<StateDecl>();
        sd->name = ident(s->name());
        sd->range = range(s);
        if (s->typeExpr()) sd->typeNode = buildType(s->typeExpr());
        if (s->expr()) sd->init = buildExpr(s->expr());
        sd->index = static_cast<std::uint32_t>(a->states.size());
        a->states.push_back(std::move(sd));
      } else if (auto* h = dynamic_cast<P::HandlerItemContext*>(item)) {
        buildHandler(h, *a);
      } else if (auto* pr = dynamic_cast<P::ProtectItemContext*>(item)) {
        buildProtect(pr, *a, isExtern);
      } else if (auto* e = dynamic_cast<P::EveryItemContext*>(item)) {
        if (isExtern) {
          error(Code::E0506, range(e), "an extern actor's interface cannot declare timers");
          continue;
        }
        auto hd = std::make_unique<HandlerDecl>();
        hd->kind = HandlerKind::Every;
        hd->range = range(e);
        if (e->block()) hd->range.end = range(e->expr()).end;
        hd->interval = buildExpr(e->expr());
        hd->body = std::make_unique<Block>(buildBlock(e->block()));
        a->handlers.push_back(std::move(hd));
      } else if (auto* si = dynamic_cast<P::SettingItemContext*>(item)) {
        auto* st = si->setting();
        if (!st) continue;
        Ident key = ident(st->name());
        auto* v = st->settingValue();
        if (key.name != "mailbox" && key.name != "trap_exit") {
          error(Code::E0008, key.range, "unknown actor setting '" + key.name + "'")
              .note({}, "actors have the settings 'mailbox' and 'trap_exit'");
          continue;
        }
        if (isExtern) {
          error(Code::E0506, range(st), "an extern actor's interface cannot have settings");
          continue;
        }
        auto [it, fresh] = seenSettings.emplace(key.name, key.range);
        if (!fresh) {
          error(Code::E0010, key.range, "duplicate setting '" + key.name + "'")
              .note(it->second, "first set here");
          continue;
        }
        if (key.name == "trap_exit") {
          auto atoms = v ? v->settingAtom() : std::vector<P::SettingAtomContext*>{};
          if (v && !v->name() && atoms.size() == 1 && (atoms[0]->KW_TRUE() || atoms[0]->KW_FALSE())) {
            a->trapExit = atoms[0]->KW_TRUE() != nullptr;
          } else {
            error(Code::E0009, range(v), "'trap_exit' must be true or false");
          }
          continue;
        }
        // mailbox: unbounded | bounded(N) | bounded(N, drop_oldest|drop_newest)
        a->mailbox.range = range(v);
        bool ok = false;
        if (v && !v->name() && v->settingAtom().size() == 1) {
          auto* atom = v->settingAtom(0);
          std::string word = atom->name() ? atom->name()->getText() : "";
          auto args = atom->settingAtom();
          if (word == "unbounded" && !atom->LPAREN()) {
            ok = true;
          } else if (word == "bounded" && atom->LPAREN() && !args.empty() && args.size() <= 2 &&
                     args[0]->INT()) {
            a->mailbox.bounded = true;
            parseInt(args[0]->INT(), a->mailbox.capacity);
            ok = true;
            if (args.size() == 2) {
              std::string pol = args[1]->name() && !args[1]->LPAREN() ? args[1]->name()->getText() : "";
              if (pol == "drop_oldest") a->mailbox.overflow = Overflow::DropOldest;
              else if (pol == "drop_newest") a->mailbox.overflow = Overflow::DropNewest;
              else {
                error(Code::E0009, range(args[1]), "unknown mailbox overflow policy '" + args[1]->getText() + "'")
                    .note({}, "the policies are drop_oldest and drop_newest");
                continue;
              }
            }
          }
        }
        if (!ok)
          error(Code::E0009, range(v), "invalid mailbox '" + written(v) + "'")
              .note({}, "write 'mailbox: unbounded' or 'mailbox: bounded(CAPACITY, drop_oldest|drop_newest)'");
      }
    }
  }
  m.actors.push_back(std::move(a));
}

void AstBuilder::buildSupervisor(P::SupervisorDeclContext* ctx, Module& m) {
  auto s = std::make_unique<SupervisorDecl>();
  s->name = ident(ctx->name());
  s->range = range(ctx);
  s->module = &m;
  std::map<std::string, SourceRange> seen;
  for (auto* item : ctx->supervisorItem()) {
    if (auto* c = dynamic_cast<P::ChildItemContext*>(item)) {
      auto child = std::make_unique<ChildSpec>();
      auto names = c->name();
      child->name = ident(names.size() > 0 ? names[0] : nullptr);
      child->range = range(c);
      buildStartArgs(names.size() > 1 ? names[1] : nullptr, c->namedArgs(), child->start);
      bool seenRestart = false;
      for (auto* opt : c->childOption()) {
        Ident key = ident(opt->name());
        auto* atom = opt->settingAtom();
        Ident val = atom && atom->name() && !atom->LPAREN() ? ident(atom->name()) : Ident{written(atom), atom ? range(atom) : key.range};
        if (key.name != "restart") {
          error(Code::E0008, key.range, "unknown child option '" + key.name + "'")
              .note({}, "children have the option 'restart'");
          continue;
        }
        if (seenRestart) {
          error(Code::E0010, key.range, "duplicate option 'restart'");
          continue;
        }
        seenRestart = true;
        if (val.name == "permanent") child->restart = Restart::Permanent;
        else if (val.name == "transient") child->restart = Restart::Transient;
        else if (val.name == "temporary") child->restart = Restart::Temporary;
        else
          error(Code::E0303, val.range, "unknown restart type '" + val.name + "'")
              .note({}, "restart types are permanent (the default), transient and temporary");
      }
      child->index = static_cast<std::uint32_t>(s->children.size());
      s->children.push_back(std::move(child));
    } else if (auto* si = dynamic_cast<P::SupSettingItemContext*>(item)) {
      auto* st = si->setting();
      if (!st) continue;
      Ident key = ident(st->name());
      auto* v = st->settingValue();
      if (key.name != "strategy" && key.name != "intensity") {
        error(Code::E0008, key.range, "unknown supervisor setting '" + key.name + "'")
            .note({}, "supervisors have the settings 'strategy' and 'intensity'");
        continue;
      }
      auto [it, fresh] = seen.emplace(key.name, key.range);
      if (!fresh) {
        error(Code::E0010, key.range, "duplicate setting '" + key.name + "'").note(it->second, "first set here");
        continue;
      }
      if (key.name == "intensity") {
        parseIntensity(v, s->intensity);
        continue;
      }
      std::string w = bareWord(v);
      s->strategyRange = range(v);
      if (w == "one_for_one") s->strategy = Strategy::OneForOne;
      else if (w == "one_for_all") s->strategy = Strategy::OneForAll;
      else if (w == "rest_for_one") s->strategy = Strategy::RestForOne;
      else if (w == "simple_one_for_one") s->strategy = Strategy::SimpleOneForOne;
      else
        error(Code::E0301, range(v), "unknown strategy '" + written(v) + "'")
            .note({}, "strategies are one_for_one, one_for_all, rest_for_one and simple_one_for_one");
    }
  }
  m.supervisors.push_back(std::move(s));
}

void AstBuilder::buildSociety(P::SocietyDeclContext* ctx, Module& m) {
  auto s = std::make_unique<SocietyDecl>();
  s->name = ident(ctx->name());
  s->range = range(ctx);
  s->module = &m;
  std::map<std::string, SourceRange> seen;
  for (auto* item : ctx->societyItem()) {
    if (auto* mi = dynamic_cast<P::MembersItemContext*>(item)) {
      Ident key = ident(mi->name());
      if (key.name != "members") {
        error(Code::E0008, key.range, "unknown society section '" + key.name + "'")
            .note({}, "a society lists its roles in 'members { role: Actor x COUNT }'");
        continue;
      }
      auto [it, fresh] = seen.emplace(key.name, key.range);
      if (!fresh) {
        error(Code::E0010, key.range, "duplicate 'members' section").note(it->second, "first here");
        continue;
      }
      for (auto* md : mi->memberDecl()) {
        auto role = std::make_unique<RoleDecl>();
        auto names = md->name();
        role->name = ident(names.size() > 0 ? names[0] : nullptr);
        role->range = range(md);
        buildStartArgs(names.size() > 1 ? names[1] : nullptr, md->namedArgs(), role->start);
        if (names.size() > 2 && md->memberCount()) {
          Ident x = ident(names[2]);
          auto* count = md->memberCount();
          role->countRange = SourceRange::join(x.range, range(count));
          if (x.name != "x")
            error(Code::E0013, x.range, "expected 'x' before the member count, found '" + x.name + "'")
                .note({}, "write 'role: Actor x COUNT'");
          else if (!count->INT())
            error(Code::E0013, range(count), "the member count must be a whole number from 1 up, found '" + written(count) + "'")
                .note({}, "write 'role: Actor x COUNT'");
          if (count->INT()) parseInt(count->INT(), role->count);
        }
        role->index = static_cast<std::uint32_t>(s->roles.size());
        role->society = s.get();
        s->roles.push_back(std::move(role));
      }
      continue;
    }
    auto* si = dynamic_cast<P::SocSettingItemContext*>(item);
    if (!si || !si->setting()) continue;
    auto* st = si->setting();
    Ident key = ident(st->name());
    auto* v = st->settingValue();
    static const char* kKeys[] = {"topology", "communication", "fault_tolerance", "intensity"};
    if (std::find(std::begin(kKeys), std::end(kKeys), key.name) == std::end(kKeys)) {
      error(Code::E0008, key.range, "unknown society setting '" + key.name + "'")
          .note({}, "societies have 'topology', 'communication', 'fault_tolerance', 'intensity' and "
                    "'members'");
      continue;
    }
    auto [it, fresh] = seen.emplace(key.name, key.range);
    if (!fresh) {
      error(Code::E0010, key.range, "duplicate setting '" + key.name + "'").note(it->second, "first set here");
      continue;
    }
    std::string w = bareWord(v);
    std::string shown = written(v);
    if (key.name == "intensity") {
      parseIntensity(v, s->intensity);
    } else if (key.name == "topology") {
      static const std::map<std::string, Topology> kTop = {
          {"mesh", Topology::Mesh}, {"tree", Topology::Tree}, {"ring", Topology::Ring},
          {"star", Topology::Star}, {"pub_sub", Topology::PubSub}};
      auto t = kTop.find(w);
      if (t != kTop.end()) s->topology = t->second;
      else
        error(Code::E0401, range(v), "unknown topology '" + shown + "'")
            .note({}, "topologies are mesh, tree, ring, star and pub_sub");
    } else if (key.name == "fault_tolerance") {
      if (w == "self_healing") s->faultTolerance = FaultTolerance::SelfHealing;
      else if (w == "none") s->faultTolerance = FaultTolerance::None;
      else
        error(Code::E0407, range(v), "unknown fault tolerance '" + shown + "'")
            .note({}, "fault_tolerance is self_healing or none");
    } else {  // communication
      s->communicationRange = range(v);
      s->direct = s->broadcast = s->pubSub = false;
      std::vector<std::pair<std::string, SourceRange>> words;
      if (!w.empty()) {
        words.push_back({w, range(v)});
      } else if (v && !v->name() && v->settingAtom().size() == 1 && v->settingAtom(0)->LBRACK()) {
        for (auto* sw : v->settingAtom(0)->settingWord()) words.push_back({sw->getText(), range(sw)});
      } else {
        error(Code::E0009, range(v), "invalid communication '" + shown + "'")
            .note({}, "write e.g. 'communication: [direct, broadcast, pub_sub]'");
        s->direct = true;
      }
      for (auto& [word, wr] : words) {
        if (word == "direct") s->direct = true;
        else if (word == "broadcast") s->broadcast = true;
        else if (word == "pub_sub") s->pubSub = true;
        else
          error(Code::E0402, wr, "unknown communication mode '" + word + "'")
              .note({}, "modes are direct, broadcast and pub_sub");
      }
    }
  }
  m.societies.push_back(std::move(s));
}

std::unique_ptr<Module> AstBuilder::buildModule(P::ProgramContext* ctx) {
  auto m = std::make_unique<Module>();
  m->file = text_.file();
  if (!ctx) return m;
  if (auto* md = ctx->moduleDecl()) {
    m->name = dotted(md->dottedName());
    m->nameRange = range(md->dottedName());
  }
  for (auto* d : ctx->topDecl()) {
    if (auto* i = dynamic_cast<P::ImportDeclContext*>(d)) {
      // `import "x.fnd"` is a syntax error already reported: no module search for the recovered name.
      auto* dn = i->dottedName();
      const antlr4::Token* first = dn ? dn->getStart() : nullptr;
      if (!first || (first->getType() != gen::FndLexer::ID && first->getType() != gen::FndLexer::TYPE_NAME)) continue;
      ImportDecl imp;
      imp.name = dotted(dn);
      imp.range = range(dn);
      if (!imp.name.empty()) m->imports.push_back(std::move(imp));
    } else if (auto* msg = dynamic_cast<P::MessageDeclContext*>(d)) {
      buildMessage(msg, *m);
    } else if (auto* a = dynamic_cast<P::ActorDeclContext*>(d)) {
      buildActor(a->name(), a->actorBody(), false, nullptr, a, *m);
    } else if (auto* e = dynamic_cast<P::ExternActorDeclContext*>(d)) {
      // `from "header.hpp"` is required; optional in the grammar so that its absence is said so.
      if (!e->STRING() && e->name())
        error(Code::E0001, range(e->name()), "extern actor '" + e->name()->getText() + "' needs 'from \"HEADER\"'")
            .note({}, "write 'extern actor " + e->name()->getText() + " from \"header.hpp\" { on Message ... }': the "
                      "header declares its C++ class");
      buildActor(e->name(), e->actorBody(), true, e->STRING(), e, *m);
    } else if (auto* s = dynamic_cast<P::SupervisorDeclContext*>(d)) {
      buildSupervisor(s, *m);
    } else if (auto* so = dynamic_cast<P::SocietyDeclContext*>(d)) {
      buildSociety(so, *m);
    } else if (auto* cl = dynamic_cast<P::ClusterDeclContext*>(d)) {
      buildCluster(cl, *m);
    } else if (auto* cf = dynamic_cast<P::ConfigDeclContext*>(d)) {
      buildConfig(cf, *m);
    } else if (auto* mn = dynamic_cast<P::MainDeclContext*>(d)) {
      auto main = std::make_unique<MainDecl>();
      main->range = range(mn);
      buildStartArgs(mn->name(), mn->namedArgs(), main->start);
      m->mains.push_back(std::move(main));
    }
  }
  return m;
}

}  // namespace fnd::parse

#include <catch2/catch.hpp>

#include "helpers.hpp"

using namespace fnd::ast;

namespace {
const HandlerDecl& handler(const Checked& c, std::size_t actor, std::size_t h) {
  return *c.module().actors.at(actor)->handlers.at(h);
}
}  // namespace

TEST_CASE("newlines separate statements; `else` and `.` may start a line", "[parse]") {
  Checked c(R"(module m
message P { n: int }
actor A {
  state xs: list<int> = []
  on P(p) {
    xs.push(p.n)
    if p.n > 1 { print("a") }
    else { print("b") }
    let n = xs
      .len()
    send self P {
      n: n
    }
  }
}
)");
  INFO(c.out.str());
  REQUIRE(c.result.ok);
  auto& body = handler(c, 0, 0).body->stmts;
  REQUIRE(body.size() == 4);
  CHECK(body[1]->is<IfStmt>());
  CHECK(body[1]->as<IfStmt>().elseBody != nullptr);
  CHECK(body[3]->is<SendStmt>());
}

TEST_CASE("two statements on one line without ';' are a syntax error", "[parse]") {
  Checked c("module m\nactor A { on start { print(\"a\") print(\"b\") } }\n");
  CHECK(c.codes() == "E0001");
  CHECK_FALSE(c.result.ok);
}

TEST_CASE("string interpolation is split into parts with typed expressions", "[parse]") {
  Checked c("module m\nactor A { param n: int = 2\n on start { print(\"x={n + 1} {{lit}} \\\"q\\\"\") } }\n");
  INFO(c.out.str());
  REQUIRE(c.result.ok);
  auto& call = handler(c, 0, 0).body->stmts[0]->as<ExprStmt>().expr->as<CallExpr>();
  auto& s = call.args[0]->as<StringLit>();
  REQUIRE(s.parts.size() == 3);
  CHECK(s.parts[0].text == "x=");
  REQUIRE(s.parts[1].expr);
  CHECK(s.parts[1].expr->type->kind == TypeKind::Int);
  CHECK(s.parts[2].text == " {lit} \"q\"");
}

TEST_CASE("literals: durations in milliseconds, hex and underscores, range errors", "[parse]") {
  Checked ok("module m\nactor A { state a = 1_000 \n state b = 0x10\n state d = 2m\n state e = 1.5e3\n on start { } }\n");
  REQUIRE(ok.result.ok);
  auto& st = ok.module().actors[0]->states;
  CHECK(st[0]->init->as<IntLit>().value == 1000);
  CHECK(st[1]->init->as<IntLit>().value == 16);
  CHECK(st[2]->init->as<DurationLit>().millis == 120000);
  CHECK(st[3]->init->as<FloatLit>().value == 1500.0);
  Checked big("module m\nactor A { state a = 9223372036854775808 }\n");
  CHECK(big.codes() == "E0007");
}

TEST_CASE("settings become typed AST fields", "[parse]") {
  Checked c(R"(module m
message M {}
actor A {
  mailbox: bounded(64, drop_oldest)
  trap_exit: true
  on M { }
  on exit(who, why) { }
}
supervisor s {
  strategy: rest_for_one
  intensity: 3 per 2s
  child a: A restart: temporary
}
society soc {
  topology: ring
  members { w: A x 4 }
  communication: [direct, broadcast]
  fault_tolerance: none
}
)");
  INFO(c.out.str());
  auto& a = *c.module().actors[0];
  CHECK(a.mailbox.bounded);
  CHECK(a.mailbox.capacity == 64);
  CHECK(a.mailbox.overflow == Overflow::DropOldest);
  CHECK(a.trapExit);
  auto& s = *c.module().supervisors[0];
  CHECK(s.strategy == Strategy::RestForOne);
  CHECK(s.intensity.maxRestarts == 3);
  CHECK(s.intensity.periodMs == 2000);
  CHECK(s.children[0]->restart == Restart::Temporary);
  auto& soc = *c.module().societies[0];
  CHECK(soc.topology == Topology::Ring);
  CHECK(soc.roles[0]->count == 4);
  CHECK(soc.direct);
  CHECK(soc.broadcast);
  CHECK_FALSE(soc.pubSub);
  CHECK(soc.faultTolerance == FaultTolerance::None);
}

TEST_CASE("syntax errors recover: several per file, no sema cascade", "[parse]") {
  Checked c("module m\nactor A {\n on start { let = 1 }\n on start { x = }\n}\nmessage { }\n");
  CHECK(c.codes() == "E0001 E0001 E0001");
}

TEST_CASE("hostile bytes never throw", "[parse]") {
  for (std::string s : {std::string("\0\0\0", 3), std::string("\xff\xfe"), std::string("\"{"),
                        std::string("/*"), std::string("module m\nactor A { on start { print(\"{{{\") } }"),
                        std::string("module m\nactor A { on start { print(\"{ \"x\" }\") } }")}) {
    CHECK_NOTHROW(Checked(s));
  }
}

TEST_CASE("a keyword where a name is expected gets a note saying so", "[parse]") {
  Checked c("module m\nactor A { on start { let state = 1 } }\n");
  REQUIRE(c.codes() == "E0001");
  auto& d = c.diags->diagnostics()[0];
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].message == "'state' is a keyword and cannot be used as a name");
}

TEST_CASE("a duration unit fndc does not have is one error at the whole literal", "[parse]") {
  // `10sec` lexes as the duration `10s` and the word `ec`: the unit is reported whole.
  Checked c("module m\nactor A {\n  every 10sec { }\n}\n");
  REQUIRE(c.codes() == "E0001");
  auto& d = c.diags->diagnostics()[0];
  CHECK(d.message == "invalid duration unit 'sec'");
  CHECK(c.sources.lineCol(d.range.file, d.range.begin).column == 9);
  CHECK(d.range.end - d.range.begin == 5);
}

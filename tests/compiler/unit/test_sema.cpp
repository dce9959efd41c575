#include <catch2/catch.hpp>

#include "helpers.hpp"

using namespace fnd::ast;

TEST_CASE("names resolve to params, states, locals, and siblings at start sites", "[sema]") {
  Checked c(R"(module m
message Ping { n: int, tag: string }
actor Ponger { on Ping(p) { reply Ping { n: p.n } } }
actor Pinger {
  param peer: ref<Ponger>
  param rounds: int = 3
  state left = rounds
  on start { let k = left; send peer Ping { n: k } }
  on Ping(p) { left = left - 1 }
}
supervisor app {
  child pinger: Pinger(peer: ponger)
  child ponger: Ponger
}
main app
)");
  INFO(c.out.str());
  REQUIRE(c.result.ok);
  auto& prog = *c.result.program;
  auto& pinger = *c.module().actors[1];
  CHECK(pinger.states[0]->type->kind == TypeKind::Int);
  auto& stmts = pinger.handlers[0]->body->stmts;
  auto& let = stmts[0]->as<LetStmt>();
  CHECK(let.init->as<NameExpr>().ref == NameRef::State);
  auto& send = stmts[1]->as<SendStmt>();
  CHECK(send.target->as<NameExpr>().ref == NameRef::Param);
  CHECK(send.target->type == prog.types.ref(prog.actors.at("Ponger")));
  auto& lit = send.message->as<MessageLit>();
  REQUIRE(lit.byField.size() == 2);
  CHECK(lit.byField[0] != nullptr);
  CHECK(lit.byField[1] == nullptr);  // zero value
  CHECK(lit.inits[0].value->as<NameExpr>().ref == NameRef::Local);
  auto& child = *c.module().supervisors[0]->children[0];
  CHECK(child.start.targetKind == TargetKind::Actor);
  REQUIRE(child.start.byParam.size() == 2);
  CHECK(child.start.byParam[0]->as<NameExpr>().ref == NameRef::Child);
  CHECK(child.start.byParam[1] == nullptr);  // default
  CHECK(prog.main->start.supervisor == prog.supervisors.at("app"));
}

TEST_CASE("type errors do not cascade", "[sema]") {
  Checked c("module m\nactor A { on start { let x = nope + 1; let y = x * 2; print(y) } }\n");
  CHECK(c.codes() == "E0102");
}

TEST_CASE("reply is legal only in message handlers", "[sema]") {
  Checked c("module m\nmessage M {}\nactor A {\n on start { reply M {} }\n every 1s { reply M {} }\n on M { reply M {} }\n}\n");
  CHECK(c.codes() == "E0501 E0501");
}

TEST_CASE("roles are lists of refs; broadcast needs the mode", "[sema]") {
  Checked c(R"(module m
message Job { id: int }
actor W { on Job(j) { for w in worker { send w Job { id: j.id } } ; broadcast worker Job { id: 1 } } }
society s { members { worker: W x 3 } }
)");
  CHECK(c.codes() == "E0405");
  auto& body = c.module().actors[0]->handlers[0]->body->stmts;
  auto& loop = body[0]->as<ForStmt>();
  CHECK(loop.forKind == ForKind::List);
  CHECK(loop.iterable->as<NameExpr>().ref == NameRef::Role);
  CHECK(loop.first.type->kind == TypeKind::Ref);
}

TEST_CASE("supervision: cycles, counts and intensities", "[sema]") {
  Checked c(R"(module m
actor A { on start { } }
supervisor a { intensity: 2000000 per 1s
  child b: b }
supervisor b { child a: a }
supervisor pool { strategy: simple_one_for_one
  child x: A
  child y: A }
)");
  CHECK(c.codes() == "E0302 E0306 E0305");
}

TEST_CASE("every diagnostic of a long file is reported within the limit", "[sema]") {
  std::string src = "module m\nactor A { on start {\n";
  for (int i = 0; i < 30; ++i) src += "  print(undefined" + std::to_string(i) + ")\n";
  src += "} }\n";
  Checked c(src);
  CHECK(c.diags->errorCount() == 30);
}

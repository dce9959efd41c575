// Foundation (.fnd) grammar: the single source of truth for the language's syntax.
//
// The parser is generated at build time (antlr4 4.7.2 tool, C++ runtime 4.9) and turned into the
// typed AST by compiler/parse/ast_builder.cpp. docs/language.md is the user-facing reference.
//
// Newlines: the lexer emits NL tokens; compiler/parse/newline_filter.cpp drops every NL that cannot
// end a statement (inside () and [], after an operator or an opening bracket, before `else`, `.`,
// `,`, `{` and closing brackets, and repeated NLs), so the rules below only see NL where it
// separates two items. `sep` is a NL or a `;`.
//
// The grammar accepts a little more than is legal (e.g. any identifier after `on`, any `name: value`
// setting, any word in `x N`) so that the AST builder and sema can give precise diagnostics.
grammar Fnd;

// ---------------------------------------------------------------------------------------------
// Files and top-level declarations

program
  : sep* moduleDecl? (topDecl | sep)* EOF
  ;

moduleDecl
  : KW_MODULE dottedName
  ;

// The entry rule for an interpolation `{expr}` inside a string literal (parsed separately).
interpolation
  : expr EOF
  ;

// Diagnostics only (compiler/parse/parser.cpp): a call's argument list parsed on its own. When the
// arguments of `f(...)` or `x.m(...)` do not parse, prediction falls back to reading `f` as a name
// (the alternative that completes its rule), and the error would land on the '('; this rule finds
// the mistake inside the list.
callArgsCheck
  : LPAREN (expr (COMMA expr)*)? RPAREN
  ;

// The same for named arguments (`spawn W(n: 1)`, `child a: A(p: p)`).
namedArgsCheck
  : namedArgs
  ;

// The same for a message literal's fields (`Ping { n: 1 2 }` would otherwise read `Ping` as a name
// and stop at the '{').
messageFieldsCheck
  : LBRACE (fieldInit (COMMA fieldInit)* COMMA?)? RBRACE
  ;

topDecl
  : KW_IMPORT dottedName                                                     # importDecl
  | KW_MESSAGE name LBRACE (fieldDecl (COMMA fieldDecl)* COMMA?)? RBRACE       # messageDecl
  | KW_ACTOR name actorBody                                                   # actorDecl
  | KW_EXTERN KW_ACTOR name (KW_FROM STRING)? actorBody?                       # externActorDecl
  | KW_SUPERVISOR name LBRACE (supervisorItem | sep)* RBRACE                   # supervisorDecl
  | KW_SOCIETY name LBRACE (societyItem | sep)* RBRACE                         # societyDecl
  | KW_MAIN name namedArgs?                                                  # mainDecl
  | KW_CLUSTER name LBRACE (clusterItem | sep)* RBRACE                         # clusterDecl
  | KW_CONFIG LBRACE (configItem | sep)* RBRACE                               # configDecl
  ;

// Settings of `config { ... }` (docs/language.md section 17):
//   ai.planning.sampling_rate: float = 0.1 in 0.0..1.0 updatable
//   server.mode: string = "fast" one of ["fast", "safe"]
// The option words (`updatable`, `one of`) are checked by the AST builder (E0008).
configItem
  : dottedName COLON typeExpr ASSIGN expr configOption*
  ;

configOption
  : KW_IN expr DOTDOT expr                                        # configRange
  | name name LBRACK (expr (COMMA expr)* COMMA?)? RBRACK          # configOneOf
  | name                                                          # configFlag
  ;

// Field names may be keywords (`from: ref`, `state: string`): they only appear after `{`, `,`
// or `.`, where no keyword is expected.
fieldDecl
  : anyWord COLON typeExpr
  ;

actorBody
  : LBRACE (actorItem | sep)* RBRACE
  ;

actorItem
  : KW_PARAM name COLON typeExpr (ASSIGN expr)?                 # paramItem
  | KW_STATE name (COLON typeExpr)? (ASSIGN expr)?              # stateItem
  | KW_ON name handlerParams? (ARROW typeExpr)? block?          # handlerItem
  | KW_EVERY expr block                                         # everyItem
  | KW_PROTECT name name protectPolicy (COMMA protectPolicy)*   # protectItem
  | setting                                                     # settingItem
  ;

handlerParams
  : LPAREN (name (COMMA name)*)? RPAREN
  ;

// `protect Charge with breaker(threshold: 5, reset: 30s), rate(100 per 1s)` (docs/language.md
// section 18). The word `with`, the policy names and their arguments are checked by the AST builder.
protectPolicy
  : name LPAREN (protectArg (COMMA protectArg)*)? RPAREN
  ;

protectArg
  : name COLON expr                                            # protectNamedArg
  | expr (name expr)?                                          # protectRateArg
  ;

supervisorItem
  : KW_CHILD name COLON name namedArgs? childOption*           # childItem
  | setting                                                    # supSettingItem
  ;

// `restart: transient`; any value form parses, so that `timeout: 5s` is an unknown child option,
// not a supervisor setting that happens to share the line.
childOption
  : name COLON settingAtom
  ;

societyItem
  : name LBRACE (memberDecl | sep)* RBRACE                     # membersItem
  | setting                                                    # socSettingItem
  ;

// `gateway: Ingester x 5`; the word must be `x` and the count a whole number (checked by the AST
// builder, which reports `x -1`, `x 2.5` and `x n` as E0013).
memberDecl
  : name COLON name namedArgs? (name memberCount)?
  ;

memberCount
  : INT
  | badNumber
  | name
  ;

// Items of `cluster NAME { ... }` (docs/language.md section 16). `node` and `place` are not reserved:
// the AST builder checks the leading word (E0008 otherwise).
//   node a: "tcp://127.0.0.1:7001"     node b
//   place app.ponger on b              place app.swarm across [a, b]
//   security: none
clusterItem
  : name name (COLON STRING)?                                    # clusterNodeItem
  | name dottedName KW_ON name                                   # placeOnItem
  | name dottedName name LBRACK (name (COMMA name)* COMMA?)? RBRACK  # placeAcrossItem
  | setting                                                      # clusterSettingItem
  ;

// `name: value` settings of actors (mailbox, trap_exit), supervisors (strategy, intensity) and
// societies (topology, communication, fault_tolerance, intensity). The AST builder checks names.
setting
  : name COLON settingValue
  ;

// `5 per 10s`. The joining word and the numbers are checked by the AST builder, so that `5 every
// 10s`, `5 / 10s`, `2.5 per 1s` and `-1 per 5s` get its E0009, not a syntax error.
settingValue
  : settingAtom ((name | KW_EVERY | SLASH) settingAtom)?
  ;

settingAtom
  : name (LPAREN (settingAtom (COMMA settingAtom)*)? RPAREN)?
  | INT
  | DURATION
  | KW_TRUE
  | KW_FALSE
  | LBRACK (settingWord (COMMA settingWord)*)? RBRACK
  | badNumber
  ;

// Numbers no setting or member count takes: negative ones and floats.
badNumber
  : MINUS (INT | FLOAT | DURATION)
  | FLOAT
  ;

settingWord
  : name
  | KW_BROADCAST
  | KW_PUBLISH
  ;

// ---------------------------------------------------------------------------------------------
// Types

typeExpr
  : KW_INT                                            # intType
  | KW_FLOAT                                          # floatType
  | KW_BOOL                                           # boolType
  | KW_STRING                                         # stringType
  | KW_BYTES                                          # bytesType
  | KW_DURATION                                       # durationType
  | KW_LIST LT typeExpr GT                            # listType
  | KW_MAP LT typeExpr COMMA typeExpr GT              # mapType
  | KW_REF (LT name GT)?                              # refType
  | name                                              # namedType
  ;

// ---------------------------------------------------------------------------------------------
// Handler statements

block
  : LBRACE sep* (stmt (sep+ stmt)*)? sep* RBRACE
  ;

stmt
  : (KW_LET | KW_VAR) name (COLON typeExpr)? (ASSIGN expr)?                  # letStmt
  | KW_IF expr block (KW_ELSE KW_IF expr block)* (KW_ELSE block)?           # ifStmt
  | KW_WHILE expr block                                                      # whileStmt
  | KW_FOR name (COMMA name)? KW_IN expr (DOTDOT expr)? block                # forStmt
  | KW_SEND expr expr                                                        # sendStmt
  | KW_REPLY expr                                                            # replyStmt
  | KW_BROADCAST name expr                                                   # broadcastStmt
  | KW_PUBLISH name expr                                                     # publishStmt
  | KW_SUBSCRIBE name                                                        # subscribeStmt
  | KW_EMIT dottedName LPAREN (emitArg (COMMA emitArg)*)? RPAREN             # emitStmt
  | KW_LOG name expr                                                         # logStmt
  | KW_STOP                                                                  # stopStmt
  | KW_RETURN                                                                # returnStmt
  | KW_BREAK                                                                 # breakStmt
  | KW_CONTINUE                                                              # continueStmt
  | expr (ASSIGN expr)?                                                      # exprStmt
  ;

// `emit a.b(x, y)` (measurements "0", "1") or `emit a.b(n: x, size: y)` (named measurements).
emitArg
  : (name COLON)? expr
  ;

// ---------------------------------------------------------------------------------------------
// Expressions, lowest precedence last

expr
  : primary                                                         # primaryExpr
  | expr DOT anyWord LPAREN (expr (COMMA expr)*)? RPAREN            # methodCallExpr
  | expr DOT anyWord                                                # fieldExpr
  | expr LBRACK expr RBRACK                                         # indexExpr
  | op=(MINUS | TILDE) expr                                         # negExpr
  | expr op=(STAR | SLASH | PERCENT) expr                           # mulExpr
  | expr op=(PLUS | MINUS) expr                                     # addExpr
  | expr shiftOp expr                                               # shiftExpr
  | expr AMP expr                                                   # bitAndExpr
  | expr CARET expr                                                 # bitXorExpr
  | expr PIPE expr                                                  # bitOrExpr
  | expr op=(EQ | NE | LT | LE | GT | GE) expr                      # cmpExpr
  | KW_NOT expr                                                     # notExpr
  | expr KW_AND expr                                                # andExpr
  | expr KW_OR expr                                                 # orExpr
  ;

// `>>` and `>>>` are written as adjacent `>` tokens (the AST builder rejects `> >`), so that
// `list<ref<A>>` still closes two type argument lists.
shiftOp
  : SHL
  | GT GT GT
  | GT GT
  ;

primary
  : INT                                                             # intLit
  | FLOAT                                                           # floatLit
  | DURATION                                                        # durationLit
  | STRING                                                          # stringLit
  | (KW_TRUE | KW_FALSE)                                            # boolLit
  | KW_SELF                                                         # selfExpr
  | KW_SENDER                                                       # senderExpr
  | KW_CONFIG (DOT anyWord)+                                        # configExpr
  | TYPE_NAME LBRACE (fieldInit (COMMA fieldInit)* COMMA?)? RBRACE  # messageLit
  | (KW_LIST LT typeExpr GT)? LBRACK (expr (COMMA expr)* COMMA?)? RBRACK   # listLit
  | (KW_MAP LT typeExpr COMMA typeExpr GT)? LBRACE (mapEntry (COMMA mapEntry)* COMMA?)? RBRACE  # mapLit
  | KW_SPAWN name namedArgs?                                        # spawnExpr
  | convType LPAREN expr RPAREN                                     # convertExpr
  | name LPAREN (expr (COMMA expr)*)? RPAREN                        # callExpr
  | name                                                            # nameExpr
  | LPAREN expr RPAREN                                              # parenExpr
  ;

convType
  : KW_INT | KW_FLOAT | KW_STRING | KW_BYTES
  ;

fieldInit
  : anyWord COLON expr
  ;

mapEntry
  : expr COLON expr
  ;

namedArgs
  : LPAREN (namedArg (COMMA namedArg)*)? RPAREN
  ;

namedArg
  : name COLON expr
  ;

// Module paths and telemetry event names; any word may follow a dot (`std.log`, `app.state.size`).
// `anyWord` is also a message field's name.
dottedName
  : name (DOT anyWord)*
  ;

anyWord
  : name
  | KW_MODULE | KW_IMPORT | KW_MESSAGE | KW_ACTOR | KW_EXTERN | KW_FROM | KW_SUPERVISOR
  | KW_SOCIETY | KW_MAIN | KW_CLUSTER | KW_CONFIG | KW_PROTECT | KW_PARAM | KW_STATE | KW_ON | KW_EVERY | KW_CHILD | KW_LET | KW_VAR
  | KW_IF | KW_ELSE | KW_WHILE | KW_FOR | KW_IN | KW_SEND | KW_REPLY | KW_BROADCAST | KW_PUBLISH
  | KW_SUBSCRIBE | KW_EMIT | KW_LOG | KW_STOP | KW_RETURN | KW_BREAK | KW_CONTINUE | KW_SPAWN
  | KW_SELF | KW_SENDER | KW_AND | KW_OR | KW_NOT | KW_TRUE | KW_FALSE | KW_INT | KW_FLOAT
  | KW_BOOL | KW_STRING | KW_BYTES | KW_DURATION | KW_LIST | KW_MAP | KW_REF
  ;

// Identifiers: lower-case (ID) and capitalised (TYPE_NAME) words are both names; only a capitalised
// word followed by `{` is a message literal, so `if ready { ... }` is never one.
name
  : ID
  | TYPE_NAME
  ;

sep
  : NL
  | SEMI
  ;

// ---------------------------------------------------------------------------------------------
// Lexer

KW_MODULE     : 'module';
KW_IMPORT     : 'import';
KW_MESSAGE    : 'message';
KW_ACTOR      : 'actor';
KW_EXTERN     : 'extern';
KW_FROM       : 'from';
KW_SUPERVISOR : 'supervisor';
KW_SOCIETY    : 'society';
KW_MAIN       : 'main';
KW_CLUSTER    : 'cluster';
KW_CONFIG     : 'config';
KW_PROTECT    : 'protect';
KW_PARAM      : 'param';
KW_STATE      : 'state';
KW_ON         : 'on';
KW_EVERY      : 'every';
KW_CHILD      : 'child';
KW_LET        : 'let';
KW_VAR        : 'var';
KW_IF         : 'if';
KW_ELSE       : 'else';
KW_WHILE      : 'while';
KW_FOR        : 'for';
KW_IN         : 'in';
KW_SEND       : 'send';
KW_REPLY      : 'reply';
KW_BROADCAST  : 'broadcast';
KW_PUBLISH    : 'publish';
KW_SUBSCRIBE  : 'subscribe';
KW_EMIT       : 'emit';
KW_LOG        : 'log';
KW_STOP       : 'stop';
KW_RETURN     : 'return';
KW_BREAK      : 'break';
KW_CONTINUE   : 'continue';
KW_SPAWN      : 'spawn';
KW_SELF       : 'self';
KW_SENDER     : 'sender';
KW_AND        : 'and';
KW_OR         : 'or';
KW_NOT        : 'not';
KW_TRUE       : 'true';
KW_FALSE      : 'false';
KW_INT        : 'int';
KW_FLOAT      : 'float';
KW_BOOL       : 'bool';
KW_STRING     : 'string';
KW_BYTES      : 'bytes';
KW_DURATION   : 'duration';
KW_LIST       : 'list';
KW_MAP        : 'map';
KW_REF        : 'ref';

LPAREN  : '(';
RPAREN  : ')';
LBRACE  : '{';
RBRACE  : '}';
LBRACK  : '[';
RBRACK  : ']';
COMMA   : ',';
COLON   : ':';
SEMI    : ';';
DOTDOT  : '..';
DOT     : '.';
ARROW   : '->';
EQ      : '==';
NE      : '!=';
LE      : '<=';
GE      : '>=';
LT      : '<';
GT      : '>';
ASSIGN  : '=';
PLUS    : '+';
MINUS   : '-';
STAR    : '*';
SLASH   : '/';
PERCENT : '%';
SHL     : '<<';
AMP     : '&';
PIPE    : '|';
CARET   : '^';
TILDE   : '~';

// `10ms 1s 5m 2h`; must come before INT so the longest match is a duration.
DURATION : DIGITS ('ms' | 's' | 'm' | 'h');
FLOAT    : DIGITS '.' DIGITS ([eE] [+-]? DIGITS)? | DIGITS [eE] [+-]? DIGITS;
INT      : '0x' [0-9a-fA-F] [0-9a-fA-F_]* | DIGITS;
fragment DIGITS : [0-9] [0-9_]*;

// Escapes are validated (and interpolations `{expr}` parsed) by the AST builder.
STRING   : '"' (ESCAPE | ~["\\\r\n])* '"';
UNTERMINATED_STRING : '"' (ESCAPE | ~["\\\r\n])*;
fragment ESCAPE : '\\' ~[\r\n];

TYPE_NAME : [A-Z] [a-zA-Z0-9_]*;
ID        : [a-z_] [a-zA-Z0-9_]*;

LINE_COMMENT  : '//' ~[\r\n]* -> skip;
BLOCK_COMMENT : '/*' .*? '*/' -> skip;
// Wins over BLOCK_COMMENT only when there is no `*/`: reported as an error.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'*;

NL : '\r'? '\n';
WS : [ \t\f]+ -> skip;

// Anything else; reported as "invalid character" by the parser front end.
BAD_CHAR : .;

" Vim syntax file
" Language:    Foundation (.fnd)
" Maintainer:  the Foundation project (editors/vim in the fnd repository)
" @@header@@

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
syn iskeyword a-z,A-Z,48-57,_

" Keywords, one group per class (the lists come from the lexer rules of grammar/Fnd.g4).
syn keyword fndDeclaration @@list:declaration@@
syn keyword fndMember      @@list:member@@
syn keyword fndBinding     @@list:binding@@
syn keyword fndControl     @@list:control@@
syn keyword fndAction      @@list:action@@
syn keyword fndOperatorWord @@list:operator@@
syn keyword fndConstant    @@list:constant@@
syn keyword fndSelf        @@list:variable@@
syn keyword fndPrimitive   @@list:type@@
syn keyword fndKeyword     @@list:other@@

" Keywords that name what follows them (a later :syn keyword overrides the generic one above).
syn keyword fndDeclaration @@kw:module@@ @@kw:import@@ nextgroup=fndNamespace skipwhite
syn keyword fndDeclaration @@kw:message@@ nextgroup=fndMessageName skipwhite
syn keyword fndDeclaration @@kw:actor@@ nextgroup=fndActorName skipwhite
syn keyword fndDeclaration @@kw:supervisor@@ nextgroup=fndSupervisorName skipwhite
syn keyword fndDeclaration @@kw:society@@ nextgroup=fndSocietyName skipwhite
syn keyword fndDeclaration @@kw:main@@ nextgroup=fndTypeName skipwhite
syn keyword fndDeclaration @@kw:cluster@@ nextgroup=fndClusterName skipwhite
syn keyword fndMember      @@kw:on@@ nextgroup=fndHandlerMessage,fndHandlerEvent skipwhite
syn keyword fndMember      @@kw:child@@ nextgroup=fndRole skipwhite
syn keyword fndAction      @@kw:spawn@@ nextgroup=fndActorName skipwhite

" The names themselves (never a keyword: in `actor state`, `state` stays a keyword).
let s:kw = '\%(\%(@@vimalt:keywords@@\)\>\)\@!'
exe 'syn match fndNamespace      /\<' . s:kw . '\h\w*\%(\s*\.\s*\h\w*\)*/ contained'
exe 'syn match fndMessageName    /\<' . s:kw . '\h\w*/ contained'
exe 'syn match fndActorName      /\<' . s:kw . '\h\w*/ contained'
exe 'syn match fndSupervisorName /\<' . s:kw . '\h\w*/ contained'
exe 'syn match fndSocietyName    /\<' . s:kw . '\h\w*/ contained'
exe 'syn match fndTypeName       /\<' . s:kw . '\h\w*/ contained'
exe 'syn match fndHandlerMessage /\<\u\w*/ contained'
exe 'syn match fndHandlerEvent   /\<' . s:kw . '[a-z_]\w*/ contained'
exe 'syn match fndRole           /\<' . s:kw . '\h\w*/ contained'
exe 'syn match fndClusterName    /\<' . s:kw . '\h\w*/ contained nextgroup=fndClusterBody skipwhite skipnl'

" Names: `Name {` is a message literal, other capitalised words are types (messages, actors, ...).
syn match fndType       /\<\u\w*/
syn match fndMessageLit /\<\u\w*\ze\s*{/
" `name: value` settings at the start of a line (actor, supervisor and society bodies).
syn match fndSetting    /^\s*\zs[a-z_]\w*\ze\s*:\s*[^=]/
syn match fndMultiplier /\<x\ze\s\+\d/ contained

" Society member blocks: `members {` (a name alone at the start of a line, then `{`) holds
" `role: Actor(args) x 5` lines.
syn cluster fndContainedOnly contains=fndClusterName,fndClusterBody,fndNodeName,fndNamespace,fndMessageName,fndActorName,fndSupervisorName,fndSocietyName,fndTypeName,fndHandlerMessage,fndHandlerEvent,fndRole,fndUnit,fndInterpolation,fndInterpBraces,fndStrayBrace,fndEmptyInterp,fndBraceEscape,fndBadEscape,fndEscape,fndTodo
exe 'syn region fndMembers matchgroup=fndSetting start=/^\s*\zs' . s:kw . '[a-z_]\w*\ze\s*{/ matchgroup=NONE end=/}/ contains=ALLBUT,@fndContainedOnly,@fndClusterItems,fndBlock,fndSetting,fndMembers'
syn match fndMemberRole /^\s*\zs[a-z_]\w*\ze\s*:/ contained

" Cluster bodies (`cluster NAME {`): the item words are not reserved (compiler/ast/cluster_words.hpp),
" so they are marked only where an item starts (line start or after `;`), `across` before `[`.
syn cluster fndClusterItems contains=fndClusterWord,fndClusterSetting
syn region fndClusterBody matchgroup=fndDelimiter start=/{/ end=/}/ contained transparent fold contains=ALLBUT,@fndContainedOnly,fndMembers,fndMemberRole,fndMultiplier
syn match fndClusterWord /\%(\%(^\|;\)\s*\)\@<=@@cw:node@@\>/ contained nextgroup=fndNodeName skipwhite
syn match fndClusterWord /\%(\%(^\|;\)\s*\)\@<=@@cw:place@@\>/ contained
syn match fndClusterWord /\.\@1<!\<@@cw:across@@\ze\s*\[/ contained
syn match fndClusterSetting /\%(\%(^\|;\)\s*\)\@<=\<\%(@@vimalt:cluster_settings@@\)\ze\s*:/ contained
exe 'syn match fndNodeName /\<' . s:kw . '\h\w*/ contained'
unlet s:kw

" Calls.
syn match fndFunction /\<[a-z_]\w*\ze\s*(/
syn match fndBuiltin  /\<\%(@@vimalt:builtins@@\)\ze\s*(/
syn match fndMethod   /\.\s*\zs[a-z_]\w*\ze\s*(/

" Numbers, as the FLOAT, INT and DURATION lexer rules (units from DURATION).
syn match fndNumber   /\<\d[0-9_]*/
syn match fndNumber   /\<0x\x[0-9a-fA-F_]*/
syn match fndDuration /\<\d[0-9_]*\%(@@vimalt:units@@\)/ contains=fndUnit
syn match fndUnit     /\a\+/ contained
syn match fndFloat    /\<\d[0-9_]*\.\d[0-9_]*\%([eE][+-]\=\d[0-9_]*\)\=/
syn match fndFloat    /\<\d[0-9_]*[eE][+-]\=\d[0-9_]*/

" Operators and punctuation.
syn match fndOperator /==\|!=\|<=\|>=\|<\|>\|=\|+\|-\|\*\|\/\|%\|&\||\|\^\|\~\|\.\.\|->/
syn match fndDelimiter /[,:;.]/
syn match fndOperator /\.\./

" After a `.` a keyword is a plain word (`import std.log`, `emit app.state.size(n)`); the match
" starts at the `.`, so it wins over the keyword
" (and, defined after fndDelimiter, over the `.`).
syn match fndDottedWord /\.\@1<!\.\s*\%(@@vimalt:after_dot@@\)\>/ contains=fndDelimiter

" A message field may be named by a keyword (`message Mail { from: ref }`, `Mail { from: self }`).
" The match starts at the `{` or `,` before the name, so it wins over the keyword.
syn match fndKeywordField /[{,]\s*\%(@@vimalt:field_words@@\)\ze\s*:/ contains=fndDelimiter

" Anything the lexer does not know is an error (BAD_CHAR).
syn match fndError #[^ \t\r\n(){}[\],:;.<>=!+\-*/%&|^~"A-Za-z0-9_]\|!\ze[^=]\|!$#

" Strings: escapes, {{ }} for braces, {expr} interpolations; no string spans a line.
syn region fndString matchgroup=fndQuote start=/"/ skip=/\\\\\|\\"/ end=/"/ end=/$/ oneline contains=fndInterpolation,fndBraceEscape,fndEmptyInterp,fndStrayBrace,fndEscape,fndBadEscape,@Spell
syn match fndUnterminated /"\%(\\[^\n]\|[^"\\]\)*\%(\\\)\=$/
syn region fndInterpolation matchgroup=fndInterpDelim start=/{/ end=/}/ end=/\ze"/ contained contains=@fndExpr,fndInterpBraces
syn region fndInterpBraces start=/{/ end=/}/ end=/\ze"/ contained transparent contains=@fndExpr,fndInterpBraces
syn match fndStrayBrace  /}/ contained
syn match fndEmptyInterp /{[ \t]*}/ contained
syn match fndBraceEscape /{{\|}}/ contained
syn match fndBadEscape   /\\./ contained
syn match fndEscape      /\\[ntr0\\"]/ contained

syn cluster fndExpr contains=fndDottedWord,fndDeclaration,fndMember,fndBinding,fndControl,fndAction,fndOperatorWord,fndConstant,fndSelf,fndPrimitive,fndKeyword,fndType,fndMessageLit,fndFunction,fndBuiltin,fndMethod,fndNumber,fndDuration,fndFloat,fndOperator,fndDelimiter,fndError,fndParens

syn region fndParens matchgroup=fndDelimiter start=/(/ end=/)/ transparent contains=TOP
syn region fndBlock  start=/{/ end=/}/ transparent fold contains=TOP

" Comments (block comments do not nest).
syn keyword fndTodo TODO FIXME XXX NOTE contained
syn region fndComment      start=+//+ end=+$+ keepend contains=fndTodo,@Spell
syn region fndBlockComment start=+/\*+ end=+\*/+ fold contains=fndTodo,@Spell

syn sync fromstart

hi def link fndDeclaration    Structure
hi def link fndMember         StorageClass
hi def link fndBinding        StorageClass
hi def link fndControl        Conditional
hi def link fndAction         Statement
hi def link fndOperatorWord   Operator
hi def link fndConstant       Boolean
hi def link fndSelf           Special
hi def link fndPrimitive      Type
hi def link fndKeyword        Keyword
hi def link fndNamespace      Include
hi def link fndMessageName    Typedef
hi def link fndActorName      Typedef
hi def link fndSupervisorName Typedef
hi def link fndSocietyName    Typedef
hi def link fndTypeName       Type
hi def link fndHandlerMessage Type
hi def link fndHandlerEvent   Function
hi def link fndRole           Identifier
hi def link fndMemberRole     Identifier
hi def link fndClusterName    Typedef
hi def link fndClusterWord    StorageClass
hi def link fndClusterSetting Label
hi def link fndNodeName       Identifier
hi def link fndMultiplier     Operator
hi def link fndSetting        Label
hi def link fndType           Type
hi def link fndMessageLit     Type
hi def link fndFunction       Function
hi def link fndBuiltin        Function
hi def link fndMethod         Function
hi def link fndNumber         Number
hi def link fndDuration       Number
hi def link fndUnit           Number
hi def link fndFloat          Float
hi def link fndOperator       Operator
hi def link fndDelimiter      Delimiter
hi def link fndString         String
hi def link fndQuote          String
hi def link fndInterpDelim    Delimiter
hi def link fndEscape         SpecialChar
hi def link fndBraceEscape    SpecialChar
hi def link fndBadEscape      Error
hi def link fndStrayBrace     Error
hi def link fndEmptyInterp    Error
hi def link fndUnterminated   Error
hi def link fndError          Error
hi def link fndTodo           Todo
hi def link fndComment        Comment
hi def link fndBlockComment   Comment

let b:current_syntax = "fnd"
let &cpo = s:cpo_save
unlet s:cpo_save

" Vim filetype plugin
" Language: Foundation (.fnd)

if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

setlocal comments=s1:/*,mb:*,ex:*/,://
setlocal commentstring=//\ %s
setlocal formatoptions-=t formatoptions+=croql
setlocal iskeyword=@,48-57,_
setlocal suffixesadd=.fnd
" The project's style: two spaces per level.
setlocal expandtab shiftwidth=2 softtabstop=2

let b:undo_ftplugin = "setlocal comments< commentstring< formatoptions< iskeyword< suffixesadd<"
      \ . " expandtab< shiftwidth< softtabstop<"

" Foundation (.fnd) files.
autocmd BufRead,BufNewFile *.fnd setfiletype fnd

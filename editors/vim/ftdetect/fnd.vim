" Foundation (.fnd) files (set, not setfiletype: a first line like `.. x` must not make it rst).
autocmd BufRead,BufNewFile *.fnd set filetype=fnd

"""Files -> checked results: read each file, tell its kind, check it, cache it, pool the work.

`run.check_paths` is the one entry; `files` checks one file as its kind (`qaplan.kinds`),
`pool` spreads many files over processes through the cache, `repository` applies the rules
that span files, `suppress` the ignore comments and rules, `results` holds what came out.
Nothing here knows a kind of file by name.
"""

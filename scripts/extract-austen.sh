#!/bin/sh
# Extracts the six Jane Austen novels from Debian's r-cran-janeaustenr (the package's austen_books() data:
# one row per printed line) into data/austen/austen.txt.gz: the novels in the package's order, lines joined
# with "\n", UTF-8, gzip -9 without a name or timestamp (so the output is byte-reproducible).
#
# Needs R once (apt-get install r-cran-janeaustenr); the library and CI only read the shipped file.
set -eu
out="$(dirname "$0")/../data/austen/austen.txt.gz"
Rscript -e 'b <- janeaustenr::austen_books(); writeLines(enc2utf8(b$text), stdout(), useBytes = TRUE)' \
  | gzip -9 -n > "$out"
echo "wrote $out"

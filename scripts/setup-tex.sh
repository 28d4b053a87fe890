#!/usr/bin/env bash
# Install what the PDF reports need, when it is missing and we may install packages:
#   pdflatex (Debian texlive), the LaTeX packages the report uses, and poppler-utils
#   (pdftotext/pdftoppm, used by the tests and to look at a page).
# The set is kept minimal on purpose: texlive-latex-extra would pull in Java and ~500 MB, so the
# report uses only packages from texlive-latex-base/-recommended and texlive-fonts-recommended.
# Measured on a 2-core Debian 12 machine with the package cache empty: about 50 s (~200 MB).
set -euo pipefail

# Every .sty the report template loads (verify/report/tex.py); keep the two lists in sync.
styles=(amsmath amssymb geometry xcolor graphicx booktabs pifont lmodern fontenc)

have_all() {
  local tool style
  for tool in pdflatex pdftotext pdftoppm kpsewhich; do
    command -v "$tool" >/dev/null 2>&1 || return 1
  done
  for style in "${styles[@]}"; do
    kpsewhich "$style.sty" >/dev/null 2>&1 || return 1
  done
}

if have_all; then exit 0; fi
packages=(texlive-latex-base texlive-latex-recommended texlive-fonts-recommended lmodern
  poppler-utils)
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-tex: pdflatex, a LaTeX package or poppler-utils is missing; as root run:" >&2
  echo "  apt-get install --no-install-recommends ${packages[*]}" >&2
  exit 1
fi
start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
if ! have_all; then
  echo "setup-tex: installed ${packages[*]} but something is still missing" >&2
  exit 1
fi
echo "setup-tex: installed texlive in $((SECONDS - start)) s" >&2

#!/usr/bin/env bash
# Install a LaTeX engine (Debian's texlive) when none is present and we may install packages.
set -euo pipefail
if command -v latexmk >/dev/null 2>&1 && command -v pdflatex >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-tex: latexmk/pdflatex missing; install texlive-latex-extra, latexmk and poppler-utils" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends latexmk texlive-latex-base \
  texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended poppler-utils >/dev/null

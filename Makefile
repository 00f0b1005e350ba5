# Set-up and everyday commands. `make demo` and `make test` work on a fresh Debian
# machine with Python 3.11 as root: each installs what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# TeX Live from Debian's packages: pdflatex, the LaTeX base, Latin Modern fonts, and
# CJKutf8 with a Chinese font so names such as 李雷 typeset.
TEX_PACKAGES := texlive-latex-base texlive-latex-recommended texlive-fonts-recommended lmodern \
	latex-cjk-chinese latex-cjk-chinese-arphic-gbsn00lp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup tex bench check clean

demo: $(VENV)/.installed tex
	$(BIN)/variantex build examples/dl-midsem.yaml --roster examples/roster.csv --out output/dl-midsem

test: $(VENV)/.installed-test tex
	$(BIN)/python -m pytest -q

check: $(VENV)/.installed
	$(BIN)/variantex check banks/deep_learning --seeds 1000

bench: $(VENV)/.installed tex
	$(BIN)/python bench/bench_build.py

setup: $(VENV)/.installed-test tex

$(VENV)/.installed: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e .
	touch $@

# The test extra pins torch==2.13.0 (CPU build) for cross-checking answers against PyTorch.
$(VENV)/.installed-test: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $(VENV)/.installed $@

tex:
	@if ! command -v pdflatex >/dev/null || ! kpsewhich CJKutf8.sty >/dev/null || ! kpsewhich c70gbsn.fd >/dev/null; then \
		echo "Installing TeX Live from Debian's packages..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES); \
	fi

clean:
	rm -rf output

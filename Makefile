# Set-up and everyday commands. `make demo` and `make test` work on a fresh Debian
# machine with Python 3.11 as root: each installs what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# TeX Live from Debian's packages: pdflatex, the LaTeX base, Latin Modern fonts; for names
# in other scripts (generator/fonts.py): CJKutf8 with simplified (gbsn) and traditional (bsmi)
# Chinese, Japanese (Wadalab min) and Korean (Nanum Myeongjo, in texlive-lang-korean) fonts;
# T2A for Cyrillic (texlive-lang-cyrillic; Free Times from scalable-cyrfonts-tex, whose TFMs
# ship ready-made) and LGR for Greek (texlive-lang-greek: CB fonts). All Type 1 fonts.
# TikZ (texlive-pictures) draws the per-variant figures and the answer sheets' markers.
TEX_PACKAGES := texlive-latex-base texlive-latex-recommended texlive-fonts-recommended lmodern \
	latex-cjk-chinese latex-cjk-chinese-arphic-gbsn00lp latex-cjk-chinese-arphic-bsmi00lp \
	latex-cjk-japanese latex-cjk-japanese-wadalab texlive-lang-korean \
	texlive-lang-cyrillic scalable-cyrfonts-tex texlive-lang-greek texlive-pictures
# One file of each of those packages: when one is missing, the tex target installs them.
TEX_PROBES := CJKutf8.sty c70gbsn.fd c70bsmi.fd c70min.fd udmj4e.tfm c70nanummj.fd \
	t2aenc.def t2aftm.fd lgrenc.def grmn1000.tfm tikz.sty
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup tex browser bench check clean

demo: $(VENV)/.installed tex
	$(BIN)/variantex build examples/dl-midsem.yaml --roster examples/roster.csv --out output/dl-midsem

test: $(VENV)/.installed-test tex browser
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
	@if ! command -v pdflatex >/dev/null || [ "$$(kpsewhich $(TEX_PROBES) | wc -l)" -ne $(words $(TEX_PROBES)) ]; then \
		echo "Installing TeX Live from Debian's packages..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES); \
	fi

# Debian's chromium, for the headless-browser test of the HTML pages (tests/lms/test_html.py).
browser:
	@if ! command -v chromium >/dev/null; then \
		echo "Installing chromium from Debian's packages..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium; \
	fi

clean:
	rm -rf output

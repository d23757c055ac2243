# nnlit: the two commands a newcomer types are `make serve` and `make test`.
# Every target installs what it needs first, so each works on a fresh clone.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
UV      := $(BIN)/uv
UV_VERSION := 0.13.9
PORT    ?= 8000

.PHONY: serve site pdf test derive dist bench lock clean setup browser-deps

## serve: install everything, build both languages and serve them with live reload
serve: setup
	$(BIN)/python -m booktools serve --port $(PORT)

## site: install everything and build the static bilingual site into site/
site: setup
	NNLIT_PRINT_PAGE=true $(BIN)/python -m booktools build

## pdf: build the site, then print each edition to pdf/nnlit-zh.pdf and pdf/nnlit-en.pdf
pdf: site browser-deps
	$(BIN)/python -m booktools pdf

## test: install everything (browser included) and run every test
test: setup browser-deps
	$(BIN)/python -m pytest

## derive: regenerate the derivation fragments under nnlit/derivations
derive: setup
	$(BIN)/python -m nnlit derive

## dist: build the package readers install (sdist and wheel) into dist/; nothing else is written
dist: setup
	$(BIN)/python -m build --no-isolation --outdir dist .

## bench: print the build, test and derivation timings as a table
bench: setup browser-deps
	$(BIN)/python bench/bench_site.py

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## browser-deps: Debian's Chromium, a CJK font and fontconfig (booktools/pdftext.py finds the font with fc-list); never a downloaded browser
browser-deps:
	@test -x /usr/bin/chromium -a -d /usr/share/fonts/opentype/noto -a -x /usr/bin/fc-list || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null; }

## lock: re-resolve the pinned Python dependencies after editing pyproject.toml
lock:
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf site pdf dist .cache

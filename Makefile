# One file of commands for humans and CI. `make test` and `make demo` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OLDEST := .venv-oldest
SPEC := code-env/python/spec
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' python-lib/active_labeling/__init__.py)

.PHONY: help install demo test test-main test-oldest lint plugin deploy bench chromium angular-eval clean screenshots

help:
	@echo "make demo    - set up .venv and serve the labeling app on bundled sample data (PORT=$(PORT))"
	@echo "make test    - set up everything and run every test (browser tests and oldest versions included)"
	@echo "make lint    - ruff"
	@echo "make plugin  - build dist/dss-plugin-active-labeling-$(VERSION).zip"
	@echo "make deploy DSS_URL=... DSS_API_KEY=... - install or update the plugin in a DSS instance"
	@echo "make bench   - run the benchmarks and print their tables"
	@echo "make screenshots - retake the documentation's screenshots in resource/img-doc/"

$(BIN)/.installed: pyproject.toml $(SPEC)/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# The same code, pinned to the oldest versions that the DSS code env's requirements admit.
$(OLDEST)/.installed: pyproject.toml $(SPEC)/requirements.txt $(SPEC)/oldest-constraints.txt
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/pip install --quiet --upgrade pip
	$(OLDEST)/bin/pip install --quiet -c $(SPEC)/oldest-constraints.txt -e . "pytest>=7" "modAL-python>=0.4.1" "krippendorff>=0.6"
	touch $@

install: $(BIN)/.installed

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

# node and the AngularJS of DSS 9.0.5, pinned, for the descriptor tests' visibilityCondition checks.
ANGULAR_EVAL := tests/packaging/angular_eval
$(ANGULAR_EVAL)/node_modules/.installed: $(ANGULAR_EVAL)/package.json $(ANGULAR_EVAL)/package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nodejs npm; }
	cd $(ANGULAR_EVAL) && npm ci --no-audit --no-fund
	touch $@

angular-eval: $(ANGULAR_EVAL)/node_modules/.installed

PORT ?= 8080
demo: install
	$(BIN)/active-labeling demo --port $(PORT)

test: test-main test-oldest

test-main: install chromium angular-eval
	$(BIN)/python -m pytest tests

test-oldest: $(OLDEST)/.installed angular-eval
	$(OLDEST)/bin/python -m pytest tests -m "not browser" -p no:cacheprovider

lint: install
	$(BIN)/ruff check python-lib tests custom-recipes webapps python-triggers python-steps benchmarks tools

# The builder needs only the standard library and git: no virtualenv.
plugin:
	$(PYTHON) tools/build_plugin.py

# DSS_URL and DSS_API_KEY reach the command through the environment (make exports command-line
# variables), so that the key is not echoed. DSS_PYTHON: interpreter of a new code env.
DSS_PYTHON ?= PYTHON311
deploy: install plugin
	$(BIN)/active-labeling deploy --zip dist/dss-plugin-active-labeling-$(VERSION).zip --python $(DSS_PYTHON)

# The browser session tests take the README's screenshots; `make test` writes them to
# build/screenshots/ (git-ignored), this target into the tracked resource/img-doc/.
screenshots: install chromium
	ACTIVE_LABELING_SCREENSHOTS=$(CURDIR)/resource/img-doc $(BIN)/python -m pytest -q \
		tests/browser/test_labeling_session.py tests/browser/test_text_session.py \
		-k test_keyboard_session_is_stored_exactly
	ACTIVE_LABELING_SCREENSHOTS=$(CURDIR)/resource/img-doc $(BIN)/python -m pytest -q \
		"tests/browser/test_boxes_session.py::test_boxes_by_mouse_and_keyboard_are_stored_in_original_pixels" \
		"tests/browser/test_spans_session.py::test_fifteen_texts_marked_by_keyboard_are_stored_with_exact_offsets" \
		"tests/browser/test_suggestions_session.py::test_a_suggestion_accepted_with_enter_or_overridden_is_recorded_with_agreement" \
		"tests/browser/test_rounds_picture.py::test_the_rounds_drawn_with_the_verdict_in_plain_words_and_the_live_point"

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(OLDEST) dist build .pytest_cache .ruff_cache

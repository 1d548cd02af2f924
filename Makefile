# kharita: two commands for a fresh machine (see README):
#   make demo   set up, run the bundled example into SQLite, show the events, serve the map
#   make test   set up, run the whole test suite
PY      := .venv/bin/python
STAMP   := .venv/.installed
SHELL   := /bin/bash

.PHONY: setup demo test wheel lock browser clean

$(STAMP): requirements.lock pyproject.toml package.json
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip uv
	.venv/bin/uv pip install --python $(PY) -q --require-hashes -r requirements.lock
	.venv/bin/uv pip install --python $(PY) -q --no-deps -e .
	npm ci --no-audit --no-fund --silent
	$(PY) -m kharita.web.vendor
	touch $(STAMP)

setup: $(STAMP)

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

demo: setup
	rm -f examples/seed.db
	.venv/bin/kharita run examples/seed/report.jsonl --db examples/seed.db
	.venv/bin/kharita events --db examples/seed.db
	.venv/bin/kharita serve --db examples/seed.db --port 8765

test: setup browser
	$(PY) -m pytest -q -p no:cacheprovider

# dist/kharita-*.whl: the package with the map's libraries (copied by setup) and the gazetteer inside;
# setup.py refuses to build one without the map's libraries.
wheel: setup
	rm -rf build dist
	.venv/bin/uv build --wheel -o dist
	@ls -lh dist/*.whl

lock:
	.venv/bin/uv pip compile requirements.in --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf .venv node_modules kharita/web/static/vendor

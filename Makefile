# migrant-bot — two commands do everything (see README):
#   make run    install and run the bot (terminal chat when no TELEGRAM_BOT_TOKEN is set)
#   make test   install everything and run all checks and tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Matching accuracy CI enforces on the held-out set, per language and for
# out-of-scope messages (the product's bar, issue 3).
EVAL_MIN ?= 0.90

.PHONY: run test install lint pytest validate eval deploy-check locales bench clean

run: $(STAMP)
	$(BIN)/migrant-bot run

test: $(STAMP) lint pytest validate eval deploy-check

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(VENV)/bin/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

validate: $(STAMP)
	$(BIN)/migrant-bot validate

eval: $(STAMP)
	$(BIN)/migrant-bot eval tests/data/eval.jsonl --min $(EVAL_MIN) --confusions 20
	@# The blind danger set (issue 11's target: 98% fitting number, 0 look-alikes
	@# hijacked) is reported, not yet enforced: see the issue for where it stands.
	$(BIN)/migrant-bot eval tests/data/danger.jsonl --confusions 0

# Lint the Dockerfile, validate the compose files, check .env.example is complete.
deploy-check: $(STAMP)
	BIN=$(abspath $(BIN)) deploy/check.sh

# Re-extract interface strings after changing them in bot/ and merge into every .po.
locales: $(STAMP)
	$(BIN)/pybabel extract -o locales/messages.pot --no-location --omit-header \
		--sort-output --add-comments=TRANSLATORS: -k _ -k N_ bot/
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching
	sed -i 's/^"Plural-Forms: .*/"Plural-Forms: nplurals=1; plural=0;\\n"/' locales/my/LC_MESSAGES/messages.po

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_matcher.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_throughput.py

clean:
	rm -rf $(VENV) build dist *.egg-info

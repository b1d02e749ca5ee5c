# One gate: `make check` is what CI runs.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install system-deps demo test check lint format types bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 3; }
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: system-deps $(STAMP)

# Pillow's text shaping loads FriBiDi from the system; install it when it is missing (Debian-like systems).
system-deps:
	@bash scripts/system-deps.sh

demo: install
	$(BIN)/creative-ai run examples/brief_multi_product.json --provider local --output outputs
	$(BIN)/creative-ai run examples/brief_packshots.yaml --provider local --output outputs
	$(BIN)/creative-ai run examples/brief_world.yaml --provider local --output outputs
	@echo "Galleries: $(CURDIR)/outputs/summer-splash-eu-2025/index.html"
	@echo "           $(CURDIR)/outputs/tidewell-summer-2026/index.html"
	@echo "           $(CURDIR)/outputs/tidewell-world-2026/index.html"

test: install
	@bash scripts/test-env.sh
	$(BIN)/python -m pytest

lint:
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts

format:
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

types:
	$(BIN)/mypy

check: install lint types
	@bash scripts/test-env.sh
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_render.py
	$(BIN)/python bench/bench_campaign.py
	$(BIN)/python bench/bench_providers.py
	$(BIN)/python bench/bench_service.py
	$(BIN)/python bench/bench_checks.py
	$(BIN)/python bench/bench_cli.py

clean:
	rm -rf outputs creative_ai.db creative_ai.db-wal creative_ai.db-shm .pytest_cache .mypy_cache .ruff_cache

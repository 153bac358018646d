# Two commands set up everything on a fresh machine: `make playground` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: playground test install lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes (the stamp carries its checksum).
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The sample cinema's zone and currency come from examples/cinema.yaml itself.
playground: install
	$(BIN)/cinebooker migrate
	$(BIN)/cinebooker catalog import examples/cinema.yaml
	$(BIN)/cinebooker playground

test: install
	$(BIN)/lint-imports
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/holds.py

clean:
	rm -rf $(VENV) var .pytest_cache

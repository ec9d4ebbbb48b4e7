# syncschema — common tasks. `make demo` and `make test` are all a new machine needs.
SWIFT        ?= swift
PREFIX       ?= /usr/local
CONFIG       ?= debug
SWIFT_FLAGS  ?=
BIN          := .build/$(CONFIG)

.PHONY: all build release test golden lint format demo bench install uninstall clean json-schemas completions

all: build

build:
	$(SWIFT) build $(SWIFT_FLAGS)

release:
	$(SWIFT) build -c release $(SWIFT_FLAGS)

# The whole test suite (unit, golden, end to end against the emulator).
test:
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_FLAGS)

# Re-record golden files under Tests/Fixtures after an intended output change; review the diff.
golden:
	SYNCSCHEMA_RECORD=1 $(SWIFT) test $(SWIFT_FLAGS)
	git status --short Tests/Fixtures

# Regenerate docs/schemas/*.json from the Swift model (a test fails when they are stale).
json-schemas: build
	mkdir -p docs/schemas
	$(BIN)/syncschema json-schema schema-file > docs/schemas/schema-file.schema.json
	$(BIN)/syncschema json-schema environment-file > docs/schemas/environment-file.schema.json

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

# A scripted walk through the main workflow against the bundled Graph emulator.
demo: build
	./scripts/demo.sh

bench:
	$(SWIFT) build -c release $(SWIFT_FLAGS)
	.build/release/syncschema-bench

install: release
	install -d $(PREFIX)/bin $(PREFIX)/share/bash-completion/completions $(PREFIX)/share/zsh/site-functions \
		$(PREFIX)/share/fish/vendor_completions.d
	install .build/release/syncschema .build/release/graph-emulator $(PREFIX)/bin/
	.build/release/syncschema completions bash > $(PREFIX)/share/bash-completion/completions/syncschema
	.build/release/syncschema completions zsh > $(PREFIX)/share/zsh/site-functions/_syncschema
	.build/release/syncschema completions fish > $(PREFIX)/share/fish/vendor_completions.d/syncschema.fish

uninstall:
	rm -f $(PREFIX)/bin/syncschema $(PREFIX)/bin/graph-emulator $(PREFIX)/share/bash-completion/completions/syncschema \
		$(PREFIX)/share/zsh/site-functions/_syncschema $(PREFIX)/share/fish/vendor_completions.d/syncschema.fish

clean:
	rm -rf .build

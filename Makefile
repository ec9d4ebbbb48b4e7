# syncschema — common tasks. `make demo` and `make test` are all a new machine needs.
SHELL        := /bin/bash
SWIFT        ?= swift
PREFIX       ?= /usr/local
CONFIG       ?= debug
SWIFT_FLAGS  ?=
BIN          := .build/$(CONFIG)

.PHONY: all build release test golden lint format demo bench soak fuzz install uninstall clean json-schemas completions

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

# Benchmarks (release build): offline pipeline, network against the emulator, throttling, start-up.
# Prints the tables and writes them into docs/quality.md.
bench:
	$(SWIFT) build -c release $(SWIFT_FLAGS)
	.build/release/syncschema-bench

# Randomised apply/promote runs against the emulator with faults on; SOAK_SECONDS (default 120), SOAK_SEED.
soak:
	$(SWIFT) build $(SWIFT_FLAGS)
	.build/debug/syncschema-soak

# Coverage-guided fuzzing with libFuzzer, FUZZ_SECONDS (default 30) per target. Crashing inputs are
# written to .build/fuzz/crash-<target>-*; add them under Tests/Fixtures/fuzz/<target>/.
FUZZ_SECONDS ?= 30
FUZZ_DIR     := .build/fuzz
FUZZ_TARGETS := JSONParser ExpressionParser SchemaFile EnvironmentFile GraphResponse
FUZZ_SWIFTC  := swiftc -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6
SEEDS_JSONParser      := Tests/Fixtures/normalize environments schemas
SEEDS_ExpressionParser := Fuzz/corpus/ExpressionParser
SEEDS_SchemaFile      := schemas Tests/Fixtures/normalize
SEEDS_EnvironmentFile := environments
SEEDS_GraphResponse   := Tests/Fixtures/normalize

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%Fuzz)
	@for target in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$target Tests/Fixtures/fuzz/$$target; \
		echo "== fuzzing $$target for $(FUZZ_SECONDS) s"; \
		seeds="$(SEEDS_JSONParser)"; \
		case $$target in ExpressionParser) seeds="$(SEEDS_ExpressionParser)";; SchemaFile) seeds="$(SEEDS_SchemaFile)";; \
			EnvironmentFile) seeds="$(SEEDS_EnvironmentFile)";; GraphResponse) seeds="$(SEEDS_GraphResponse)";; esac; \
		$(FUZZ_DIR)/$${target}Fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/crash-$$target- $(FUZZ_DIR)/corpus/$$target Tests/Fixtures/fuzz/$$target $$seeds \
			2>&1 | grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::new_units_added|==[0-9]+==|SUMMARY|Fatal|Test unit)" \
			; test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

$(FUZZ_DIR)/libSyncSchemaCore.a: $(wildcard Sources/SyncSchemaCore/*.swift Sources/SyncSchemaCore/*/*.swift)
	mkdir -p $(FUZZ_DIR)
	cd $(FUZZ_DIR) && $(FUZZ_SWIFTC) -enable-testing -module-name SyncSchemaCore -emit-module -emit-library -static \
		-o libSyncSchemaCore.a $(abspath $^)

$(FUZZ_DIR)/libSyncSchemaGraph.a: $(FUZZ_DIR)/libSyncSchemaCore.a $(wildcard Sources/SyncSchemaGraph/*.swift Sources/SyncSchemaGraph/*/*.swift)
	cd $(FUZZ_DIR) && $(FUZZ_SWIFTC) -enable-testing -I . -module-name SyncSchemaGraph -emit-module -emit-library -static \
		-o libSyncSchemaGraph.a $(abspath $(filter %.swift,$^))

$(FUZZ_DIR)/%Fuzz: Fuzz/%Fuzz.swift $(FUZZ_DIR)/libSyncSchemaGraph.a
	$(FUZZ_SWIFTC) -I $(FUZZ_DIR) -L $(FUZZ_DIR) -lSyncSchemaGraph -lSyncSchemaCore $< -o $@

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

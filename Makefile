# runts build. `make` builds everything ./bin/runts needs; `make test` runs the whole suite
# (`make test FILE="test/unit/x.test.ts ..."`: just those files, after `make build`); `make lint`;
# `make demo` runs a container from a demo bundle; `make bench` compares runts with runc.
PREFIX ?= /usr/local
CC ?= gcc
CFLAGS ?= -O2 -Wall -Wextra -Werror=implicit-function-declaration
NATIVE := native/build/runts-nsexec native/build/runts-finalize native/build/runts-idmap
TESTPROG := $(patsubst test/prog/%.c,test/prog/build/%,$(wildcard test/prog/*.c))
TS_SOURCES := $(shell find src -name '*.ts' -o -name '*.json') $(wildcard schemas/*.json)

.PHONY: all build deps setup test demo bench install uninstall clean typecheck lint

all: build

build: node_modules/.installed bin/runts $(NATIVE) $(TESTPROG)

# System packages (apt-get) and npm packages: everything a fresh machine of this kind lacks.
setup:
	bash scripts/setup-host.sh
	$(MAKE) build

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# One executable compiled by Bun (scripts/build.mjs); it also copies koffi's native module to
# native/build/koffi.node, which the executable loads by its absolute path.
bin/runts: node_modules/.installed $(TS_SOURCES) scripts/build.mjs scripts/gen-validators.mjs
	node scripts/gen-validators.mjs
	node scripts/build.mjs

native/build/koffi.node: bin/runts
	@test -f $@ || node scripts/build.mjs

native/protocol.h: src/protocol/messages.ts scripts/gen-protocol-header.mjs node_modules/.installed
	node scripts/gen-protocol-header.mjs > $@.tmp && mv $@.tmp $@

native/build/runts-%: native/%.c native/protocol.h $(wildcard native/*.h)
	@mkdir -p native/build
	$(CC) $(CFLAGS) -static -o $@ $< 

test/prog/build/%: test/prog/%.c
	@mkdir -p test/prog/build
	$(CC) -O2 -Wall -static -o $@ $<

typecheck: node_modules/.installed
	npx tsc --noEmit -p .

# The sources' types include the generated validators (made by bin/runts's recipe too).
src/spec/generated/validators.js: node_modules/.installed scripts/gen-validators.mjs $(wildcard schemas/*.json)
	node scripts/gen-validators.mjs

# ESLint with type information (eslint.config.mjs): correctness and the code's layout.
lint: node_modules/.installed src/spec/generated/validators.js
	npx eslint .

ifeq ($(strip $(FILE)),)
test: setup
	bash scripts/test.sh
else
test:
	bash scripts/test-files.sh $(FILE)
endif

demo: setup
	bash scripts/demo.sh

bench: setup
	bash bench/bench.sh

# The executable, the C stages and koffi's native module: all an installed runts needs
# (neither Node nor node_modules). The executable finds the rest in ../lib/runts.
install: node_modules/.installed bin/runts native/build/koffi.node $(NATIVE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/runts
	install -m 0755 $(NATIVE) $(DESTDIR)$(PREFIX)/lib/runts/
	install -m 0644 native/build/koffi.node $(DESTDIR)$(PREFIX)/lib/runts/
	install -m 0755 bin/runts $(DESTDIR)$(PREFIX)/bin/runts

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/lib/runts $(DESTDIR)$(PREFIX)/bin/runts

clean:
	rm -rf bin/runts dist native/build test/prog/build native/protocol.h src/spec/generated

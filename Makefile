# tsunagu - build, run, test, bench.
#
#   make            build build/tsunagu
#   make run        install what is missing, build, create the demo database, serve
#   make test       install what the tests need, run every test (also under ASan+UBSan)
#   make bench      national-scale benchmark (see docs/performance.md)
#   make SANITIZE=1 build the sanitizer variant into build-asan/
#
# Every .c under src/ except src/cli/ goes into libtsunagu.a; the binary is
# src/cli/*.c linked against it. Each tests/unit/test_*.c is its own cmocka
# program. New files need no edit here.

PKGS     := libmicrohttpd jansson sqlite3 libsodium libutf8proc zlib libpq
CC       ?= cc
ifeq ($(origin CC),default)
CC       := cc
endif

ifeq ($(SANITIZE),1)
BUILD    := build-asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      := -O1 -g
HARDEN   :=
else
BUILD    := build
SANFLAGS :=
OPT      := -O2 -g
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LD := -pie -Wl,-z,relro,-z,now
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
            -Wformat=2 -Wno-format-nonliteral -Wvla
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(HARDEN) $(SANFLAGS) \
            -Isrc -include src/util/prelude.h $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(SANFLAGS) $(HARDEN_LD) $(LDFLAGS)
LIBS     := $(PKG_LIBS) -lpthread -lm

LIB_SRC  := $(sort $(filter-out src/cli/%,$(shell find src -name '*.c')))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))

.PHONY: fuzz all run test test-unit test-api test-browser bench deps deps-test fmt clean asan demo check-fmt

all: $(BUILD)/tsunagu

# V=1 shows the full command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# Migrations are compiled into the binary so that a deployed binary carries
# its own schema history (src/store/migrations/NNNN_name.sql).
$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed-migrations.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-migrations.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# The OpenAPI document is served from memory (GET /api/v1/openapi.json).
$(BUILD)/gen/openapi.c: src/http/openapi.json scripts/embed-file.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-file.sh tg_openapi_json src/http/openapi.json > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/openapi.o: $(BUILD)/gen/openapi.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libtsunagu.a: $(LIB_OBJ) $(BUILD)/obj/gen/migrations.o $(BUILD)/obj/gen/openapi.o
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tsunagu: $(CLI_OBJ) $(BUILD)/libtsunagu.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/libtsunagu.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtsunagu.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit -MMD -MP $< -o $@ $(LDFLAGS_ALL) $(BUILD)/libtsunagu.a $(LIBS) -lcmocka

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)

deps:
	@sh scripts/deps.sh run

deps-test:
	@sh scripts/deps.sh test

run: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/run.sh

demo: all
	./$(BUILD)/tsunagu demo --db data/demo.db --force

test: deps-test
	@sh scripts/test.sh

test-unit: $(UNIT_BIN)
	@sh scripts/run-unit.sh $(UNIT_BIN)

bench: deps-test
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh

# libFuzzer targets (clang and libclang-rt-*-dev): build/fuzz/fuzz_<name>; run one with
#   build/fuzz/fuzz_csv -max_total_time=60 tests/data
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_LIB_SRC := $(filter-out src/cli/% src/http/% src/app/% src/store/%,$(LIB_SRC))
fuzz:
	@mkdir -p build/fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); echo "  FUZZ    build/fuzz/$$n"; \
	  clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -include src/util/prelude.h \
	    $(PKG_CFLAGS) $$f $(FUZZ_LIB_SRC) -o build/fuzz/$$n $(PKG_LIBS) -lm -lpthread || exit 1; done

fmt:
	clang-format -i $$(find src tests fuzz bench -name '*.[ch]')

check-fmt:
	clang-format --dry-run -Werror $$(find src tests fuzz bench -name '*.[ch]')

clean:
	rm -rf build build-asan

/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the loader tests: images written to temporary files, guest RAM
 * pre-filled with a pattern (so "untouched" and "zeroed" can both be checked),
 * and the one-message-per-refusal rule.
 */
#ifndef VX86_BOOT_TEST_H
#define VX86_BOOT_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/boot.h"
#include "tap.h"

#define TEST_RAM_SIZE (8ull << 20)
#define TEST_FILL     0xa5 /* what RAM holds where the loader must not write */

typedef int (*loader_fn)(const struct boot_params *p, struct guest_ram *ram, struct vcpu_state *st,
			 FILE *log);

/* An address range the loader may write, [start, end). */
struct range {
	uint64_t start, end;
};

static inline void ram_init_size(struct guest_ram *ram, uint64_t size)
{
	ram->size = size;
	ram->host = malloc(size);
	if (!ram->host)
		abort();
	memset(ram->host, TEST_FILL, size);
}

static inline void ram_init(struct guest_ram *ram)
{
	ram_init_size(ram, TEST_RAM_SIZE);
}

/* Write len bytes to a new file under /tmp; the caller unlinks and frees the path. */
static inline char *tmp_write(const void *buf, size_t len)
{
	char *path = strdup("/tmp/vx86-boot-test-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		abort();
	}
	if (len && write(fd, buf, len) != (ssize_t)len) {
		perror("write");
		abort();
	}
	close(fd);
	return path;
}

static inline void tmp_remove(char *path)
{
	unlink(path);
	free(path);
}

/* Run a loader with its messages captured into *msg (caller frees). */
static inline int run_loader(loader_fn fn, const struct boot_params *p, struct guest_ram *ram,
			     struct vcpu_state *st, char **msg)
{
	size_t len;
	FILE *log = open_memstream(msg, &len);
	int rc = fn(p, ram, st, log);
	fclose(log);
	return rc;
}

/* The first address outside every range that no longer holds TEST_FILL, or -1. */
static inline int64_t ram_first_written(const struct guest_ram *ram, const struct range *r, int n)
{
	for (uint64_t a = 0; a < ram->size; a++) {
		bool allowed = false;
		for (int i = 0; i < n && !allowed; i++)
			allowed = a >= r[i].start && a < r[i].end;
		if (!allowed && ram->host[a] != TEST_FILL)
			return (int64_t)a;
	}
	return -1;
}

static inline void check_written_only(const struct guest_ram *ram, const struct range *r, int n,
				      const char *name)
{
	int64_t a = ram_first_written(ram, r, n);
	if (!ok(a < 0, "%s: nothing written outside the expected ranges", name))
		printf("#   first stray write at 0x%llx\n", (long long)a);
}

/* Exactly one line, "vx86: <file>: ..." containing needle. */
static inline bool one_message(const char *msg, const char *file, const char *needle)
{
	char prefix[512];
	snprintf(prefix, sizeof(prefix), "vx86: %s: ", file);
	const char *nl = strchr(msg, '\n');
	return strncmp(msg, prefix, strlen(prefix)) == 0 && nl && nl[1] == '\0' &&
	       strstr(msg + strlen(prefix), needle) != NULL;
}

/*
 * A refusal: a negative errno (want_rc if nonzero), one message naming `file`
 * and containing needle, guest RAM and *st untouched.
 */
static inline void check_refusal_ram(loader_fn fn, const struct boot_params *p, uint64_t ram_size,
				     const char *file, int want_rc, const char *needle,
				     const char *name)
{
	struct guest_ram ram;
	struct vcpu_state st, before;
	char *msg = NULL;

	ram_init_size(&ram, ram_size);
	memset(&st, 0x5a, sizeof(st));
	before = st;
	int rc = run_loader(fn, p, &ram, &st, &msg);
	if (!ok(rc < 0 && (!want_rc || rc == want_rc), "%s: refused", name))
		printf("#   rc %d (%s), want %d\n", rc, strerror(rc < 0 ? -rc : rc), want_rc);
	ok(one_message(msg, file, needle), "%s: one message naming the file and '%s'", name,
	   needle);
	printf("#   %s%s", msg, strchr(msg, '\n') ? "" : "\n");
	ok(ram_first_written(&ram, NULL, 0) < 0, "%s: guest RAM untouched", name);
	ok(memcmp(&st, &before, sizeof(st)) == 0, "%s: vCPU state untouched", name);
	free(msg);
	free(ram.host);
}

static inline uint32_t rd32(const struct guest_ram *ram, uint64_t gpa)
{
	const uint8_t *p = ram->host + gpa;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t rd64(const struct guest_ram *ram, uint64_t gpa)
{
	return rd32(ram, gpa) | (uint64_t)rd32(ram, gpa + 4) << 32;
}

/* Every field of a segment register, one test point each that differs. */
static inline void check_segment(const struct segment *s, uint16_t sel, uint64_t base,
				 uint32_t limit, uint8_t type, bool code_data, bool l, bool db,
				 bool g, const char *name)
{
	is_u64(s->selector, sel, "%s selector", name);
	is_u64(s->base, base, "%s base", name);
	is_u64(s->limit, limit, "%s limit", name);
	is_u64(s->type, type, "%s type", name);
	ok(s->s == code_data && s->present && !s->unusable && s->dpl == 0 && !s->avl,
	   "%s s=%d, present, usable, dpl 0", name, code_data);
	ok(s->l == l && s->db == db && s->g == g, "%s l=%d db=%d g=%d", name, l, db, g);
}

/* LDTR unusable, TR a busy TSS of tss_type; IDTR at 0/0x3ff; fixed bits. */
static inline void check_system_state(const struct vcpu_state *st, uint8_t tss_type,
				      const char *name)
{
	ok(st->seg[SEG_LDTR].unusable, "%s: LDTR unusable", name);
	const struct segment *tr = &st->seg[SEG_TR];
	ok(tr->present && !tr->s && !tr->unusable && tr->type == tss_type && tr->base == 0 &&
		   tr->limit == 0xffff,
	   "%s: TR busy TSS type 0x%x, base 0, limit 0xffff, s=0", name, tss_type);
	ok(st->idt.base == 0 && st->idt.limit == 0x3ff, "%s: IDTR 0/0x3ff", name);
	is_u64(st->rflags, 0x2, "%s: RFLAGS (IF = 0, VM = 0)", name);
	ok(st->cr2 == 0 && st->cr8 == 0, "%s: CR2, CR8 zero", name);
}

static inline void check_refusal(loader_fn fn, const struct boot_params *p, const char *file,
				 int want_rc, const char *needle, const char *name)
{
	check_refusal_ram(fn, p, TEST_RAM_SIZE, file, want_rc, needle, name);
}

#endif

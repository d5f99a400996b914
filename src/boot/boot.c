/* SPDX-License-Identifier: MIT */
/*
 * What every loader shares: the guest RAM model, reading files with clear
 * errors, messages, and placing checked segments.
 */
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int guest_ram_contains(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
	if (gpa > ram->size || len > ram->size - gpa)
		return 0;
	if (len == 0)
		return 1;
	/* [0xa0000, 0x100000) is VGA memory and ROM on a PC, never RAM. */
	return gpa + len <= LEGACY_HOLE_START || gpa >= LEGACY_HOLE_END;
}

void boot_msg(FILE *log, const char *path, const char *fmt, ...)
{
	va_list ap;
	FILE *out = log ? log : stderr;

	/* One line per message, so a caller (or a test) can rely on its shape. */
	fprintf(out, "vx86: %s: ", path);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

void boot_format_size(uint64_t size, char *buf, size_t len)
{
	if (size && size % (1ull << 20) == 0)
		snprintf(buf, len, "%" PRIu64 " MiB", size >> 20);
	else if (size && size % 1024 == 0)
		snprintf(buf, len, "%" PRIu64 " KiB", size >> 10);
	else
		snprintf(buf, len, "%" PRIu64 " bytes", size);
}

static int boot_errno(FILE *log, const char *path, int err)
{
	boot_msg(log, path, "%s", strerror(err));
	return -err;
}

/* Read until EOF, growing the buffer: works for regular files and for pipes. */
static int read_fd(int fd, struct boot_file *f, size_t hint)
{
	size_t cap = hint + 1; /* one spare byte, so a regular file ends without a realloc */

	f->data = malloc(cap);
	if (!f->data)
		return ENOMEM;
	for (;;) {
		if (f->size == cap) {
			uint8_t *n = cap <= SIZE_MAX / 2 ? realloc(f->data, cap * 2) : NULL;
			if (!n)
				return ENOMEM;
			f->data = n;
			cap *= 2;
		}
		ssize_t got = read(fd, f->data + f->size, cap - f->size);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return errno;
		if (got == 0)
			return 0;
		f->size += (size_t)got;
	}
}

int boot_file_read(const char *path, struct boot_file *f, FILE *log)
{
	struct stat sb;
	int err = 0;

	f->data = NULL;
	f->size = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return boot_errno(log, path, errno);
	if (fstat(fd, &sb) < 0)
		err = errno;
	else if (S_ISDIR(sb.st_mode))
		err = EISDIR;
	else
		err = read_fd(fd, f, S_ISREG(sb.st_mode) ? (size_t)sb.st_size : 65536);
	close(fd);
	if (err) {
		boot_file_free(f);
		return boot_errno(log, path, err);
	}
	return 0;
}

void boot_file_free(struct boot_file *f)
{
	free(f->data);
	f->data = NULL;
	f->size = 0;
}

int boot_check_range(const struct guest_ram *ram, const char *path, const char *what, uint64_t gpa,
		     uint64_t len, FILE *log)
{
	char size[32];

	if (len == 0 || guest_ram_contains(ram, gpa, len))
		return 0;
	uint64_t last = range_last(gpa, len);
	if (gpa >= ram->size || len > ram->size - gpa) {
		boot_format_size(ram->size, size, sizeof(size));
		boot_msg(log, path, "%s 0x%" PRIx64 "-0x%" PRIx64 " lies outside guest RAM (%s)",
			 what, gpa, last, size);
	} else {
		boot_msg(log, path,
			 "%s 0x%" PRIx64 "-0x%" PRIx64 " overlaps the legacy hole 0x%llx-0x%llx",
			 what, gpa, last, LEGACY_HOLE_START, LEGACY_HOLE_END - 1);
	}
	return -ERANGE;
}

int boot_plan_check(const struct guest_ram *ram, const char *path, const struct load_plan *plan,
		    FILE *log)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct load_seg *s = &plan->seg[i];
		int rc = boot_check_range(ram, path, "segment", s->paddr, s->memsz, log);
		if (rc)
			return rc;
	}
	return 0;
}

void boot_plan_apply(struct guest_ram *ram, const struct load_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct load_seg *s = &plan->seg[i];
		memcpy(ram->host + s->paddr, s->src, s->filesz);
		/* ELF spec, "Program Header": bytes past p_filesz up to p_memsz read as 0. */
		memset(ram->host + s->paddr + s->filesz, 0, s->memsz - s->filesz);
	}
}

uint64_t boot_plan_end(const struct load_plan *plan)
{
	uint64_t end = 0;

	for (size_t i = 0; i < plan->n; i++)
		if (plan->seg[i].paddr + plan->seg[i].memsz > end)
			end = plan->seg[i].paddr + plan->seg[i].memsz;
	return end;
}

void boot_plan_free(struct load_plan *plan)
{
	free(plan->seg);
	plan->seg = NULL;
	plan->n = 0;
}

int boot_load(const struct boot_params *p, struct guest_ram *ram, struct vcpu_state *st, FILE *log)
{
	if (p->entry != VX86_ENTRY_NONE)
		return flat_load(p, ram, st, log);
	return multiboot_load(p, ram, st, log);
}

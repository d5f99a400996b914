/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the image loaders. Private to boot/: the interface the rest
 * of vx86 uses is boot.h.
 *
 * Error numbers the loaders return (each after exactly one message):
 *   -errno of open/read   the file is missing or unreadable
 *   -ENOEXEC              not a loadable image: empty, no header, bad checksum,
 *                         truncated, wrong ELF class/machine/type, no PT_LOAD
 *   -EOPNOTSUPP           the multiboot header requires a feature vx86 lacks
 *   -ERANGE               something would land outside RAM or in the legacy hole
 *   -ENOSPC               no room in RAM for the initrd or the multiboot info
 *   -EINVAL               a flat-binary load address vx86 cannot honour
 */
#ifndef VX86_BOOT_LOADER_H
#define VX86_BOOT_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "boot.h"

#define BOOT_PAGE_SIZE 0x1000ull

/*
 * Top of the stack vx86 hands to a guest: the end of conventional memory below
 * the EBDA (the memory map reports [0x9fc00, 0xa0000) reserved), so stray pushes
 * before the guest sets its own stack land in RAM.
 */
#define BOOT_STACK_TOP 0x9fc00ull

/* Selectors of the 3-entry GDTs vx86 writes: null, code, data. */
#define BOOT_SEL_CODE 0x08
#define BOOT_SEL_DATA 0x10
#define BOOT_GDT_SIZE 24

/* A whole file in host memory. */
struct boot_file {
	uint8_t *data;
	size_t size;
};

/* Read all of `path`; on failure print "vx86: <path>: <strerror>" and return -errno. */
int boot_file_read(const char *path, struct boot_file *f, FILE *log);
void boot_file_free(struct boot_file *f);

/* Print one line "vx86: <path>: <message>" to log (stderr when log is NULL). */
void boot_msg(FILE *log, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Refuse [gpa, gpa + len) unless it is RAM, naming it "<what> 0x<first>-0x<last>".
 * Returns 0, or -ERANGE after one message. An empty range is always accepted.
 */
int boot_check_range(const struct guest_ram *ram, const char *path, const char *what, uint64_t gpa,
		     uint64_t len, FILE *log);

/* "128 MiB", "640 KiB" or "1000 bytes": RAM sizes as messages show them. */
void boot_format_size(uint64_t size, char *buf, size_t len);

/* One piece of an image: copy filesz bytes from src to paddr, zero up to memsz. */
struct load_seg {
	uint64_t paddr, filesz, memsz;
	const uint8_t *src;
};

/* What an image asks to load, validated against the file but not yet against RAM. */
struct load_plan {
	struct load_seg *seg;
	size_t n;
	uint64_t entry;
};

/* Check every segment against RAM (message names the segment); 0 or -ERANGE. */
int boot_plan_check(const struct guest_ram *ram, const char *path, const struct load_plan *plan,
		    FILE *log);
/* Copy the (checked) segments into RAM and zero their bss. */
void boot_plan_apply(struct guest_ram *ram, const struct load_plan *plan);
/* The first byte after the highest segment. */
uint64_t boot_plan_end(const struct load_plan *plan);
void boot_plan_free(struct load_plan *plan);

/* ELF32/ELF64 executables (elf.c): fill *plan from the PT_LOAD program headers. */
int elf_plan(const struct boot_file *f, const char *path, struct load_plan *plan, FILE *log);
bool elf_is_elf(const struct boot_file *f);

/* Entry-state building blocks (entry.c). */
struct segment seg_real(uint16_t selector, bool code);
struct segment seg_busy_tss(uint8_t type);
uint64_t gdt_descriptor(const struct segment *s);
/*
 * Write null, CS and DS descriptors made from st's own segment registers at
 * st->gdt.base (BOOT_GDT_SIZE bytes, must be RAM), so the GDT in memory always
 * matches the loaded segments.
 */
void gdt_write(struct guest_ram *ram, const struct vcpu_state *st);
/*
 * Zero the registers of *st (its MSR values stay), then the values every entry
 * mode shares (RFLAGS, IDTR, LDTR, TR, fixed bits).
 */
void boot_state_reset(struct vcpu_state *st, uint8_t tss_type);
/* Multiboot-style 32-bit protected mode (Multiboot 0.6.96 section 3.2). */
void boot_state_prot32(struct vcpu_state *st, uint64_t eip, uint64_t gdt_base);

static inline uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* The last byte of [start, start + len), len > 0, saturated: 64-bit ELF ranges can wrap. */
static inline uint64_t range_last(uint64_t start, uint64_t len)
{
	return len - 1 > UINT64_MAX - start ? UINT64_MAX : start + len - 1;
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif

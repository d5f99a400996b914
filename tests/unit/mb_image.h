/* SPDX-License-Identifier: MIT */
/*
 * Multiboot test images built at run time: ELF32/ELF64 executables with a
 * multiboot header, and raw a.out-kludge images. Segment bytes follow a
 * pattern seeded per segment, so tests can check exactly what was copied.
 */
#ifndef VX86_MB_IMAGE_H
#define VX86_MB_IMAGE_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MB_MAGIC	0x1badb002u
#define MB_FLAG_ADDRESS (1u << 16)
#define MB_HDR_OFF	0x200 /* where elf_build puts the multiboot header */
#define MB_MAX_SEGS	6     /* so the ELF64 program headers end before MB_HDR_OFF */
#define MB_DATA_OFF	0x1000

struct tseg {
	uint32_t type;
	uint64_t paddr, filesz, memsz;
	uint8_t seed;
};

struct image {
	uint8_t *buf;
	size_t len;
	uint64_t seg_off[MB_MAX_SEGS]; /* file offset of each segment's bytes */
	uint64_t phoff;
};

static inline uint8_t pat(uint64_t i, uint8_t seed)
{
	return (uint8_t)(i * 31 + (i >> 8) + seed);
}

static inline void fill_pat(uint8_t *p, uint64_t len, uint8_t seed)
{
	for (uint64_t i = 0; i < len; i++)
		p[i] = pat(i, seed);
}

/* Does guest memory at host p hold len bytes of pattern seed? */
static inline int is_pat(const uint8_t *p, uint64_t len, uint8_t seed)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i] != pat(i, seed))
			return 0;
	return 1;
}

static inline int is_zero(const uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static inline void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* magic, flags, checksum (Multiboot 3.1.1): magic + flags + checksum == 0. */
static inline void mb_header_put(uint8_t *p, uint32_t flags)
{
	put_u32(p, MB_MAGIC);
	put_u32(p + 4, flags);
	put_u32(p + 8, -(MB_MAGIC + flags));
}

/* The a.out kludge fields after magic/flags/checksum (3.1.3). */
static inline void mb_addr_put(uint8_t *p, uint32_t header_addr, uint32_t load_addr,
			       uint32_t load_end_addr, uint32_t bss_end_addr, uint32_t entry_addr)
{
	put_u32(p + 12, header_addr);
	put_u32(p + 16, load_addr);
	put_u32(p + 20, load_end_addr);
	put_u32(p + 24, bss_end_addr);
	put_u32(p + 28, entry_addr);
}

static inline void elf32_headers(struct image *im, uint64_t entry, const struct tseg *s, int n)
{
	Elf32_Ehdr e = {.e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT};
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS32;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	e.e_entry = (uint32_t)entry;
	e.e_phoff = sizeof(e);
	e.e_ehsize = sizeof(e);
	e.e_phentsize = sizeof(Elf32_Phdr);
	e.e_phnum = (uint16_t)n;
	memcpy(im->buf, &e, sizeof(e));
	im->phoff = sizeof(e);
	for (int i = 0; i < n; i++) {
		Elf32_Phdr ph = {s[i].type,
				 (uint32_t)im->seg_off[i],
				 (uint32_t)s[i].paddr,
				 (uint32_t)s[i].paddr,
				 (uint32_t)s[i].filesz,
				 (uint32_t)s[i].memsz,
				 PF_R | PF_W | PF_X,
				 0x1000};
		memcpy(im->buf + sizeof(e) + i * sizeof(ph), &ph, sizeof(ph));
	}
}

static inline void elf64_headers(struct image *im, uint64_t entry, const struct tseg *s, int n)
{
	Elf64_Ehdr e = {.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT};
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	e.e_entry = entry;
	e.e_phoff = sizeof(e);
	e.e_ehsize = sizeof(e);
	e.e_phentsize = sizeof(Elf64_Phdr);
	e.e_phnum = (uint16_t)n;
	memcpy(im->buf, &e, sizeof(e));
	im->phoff = sizeof(e);
	for (int i = 0; i < n; i++) {
		Elf64_Phdr ph = {s[i].type,  PF_R | PF_W | PF_X, im->seg_off[i], s[i].paddr,
				 s[i].paddr, s[i].filesz,	 s[i].memsz,	 0x1000};
		memcpy(im->buf + sizeof(e) + i * sizeof(ph), &ph, sizeof(ph));
	}
}

/* An ELF executable (bits 32 or 64) with a multiboot header at MB_HDR_OFF. */
static inline struct image elf_build(int bits, uint64_t entry, const struct tseg *s, int n,
				     uint32_t mb_flags)
{
	struct image im = {0};
	size_t off = MB_DATA_OFF;

	if (n > MB_MAX_SEGS)
		abort();
	for (int i = 0; i < n; i++) {
		im.seg_off[i] = off;
		off += (s[i].filesz + 0xfff) & ~0xfffull;
	}
	im.len = off;
	im.buf = calloc(1, off);
	if (bits == 32)
		elf32_headers(&im, entry, s, n);
	else
		elf64_headers(&im, entry, s, n);
	for (int i = 0; i < n; i++)
		fill_pat(im.buf + im.seg_off[i], s[i].filesz, s[i].seed);
	mb_header_put(im.buf + MB_HDR_OFF, mb_flags);
	return im;
}

/* A raw image of len pattern bytes with a kludge header at hdr_off. */
static inline struct image aout_build(size_t len, uint8_t seed, size_t hdr_off,
				      uint32_t header_addr, uint32_t load_addr,
				      uint32_t load_end_addr, uint32_t bss_end_addr,
				      uint32_t entry_addr)
{
	struct image im = {.len = len, .buf = malloc(len)};

	fill_pat(im.buf, len, seed);
	if (im.buf[0] == 0x7f)
		im.buf[0] = 0; /* never accidentally ELF */
	mb_header_put(im.buf + hdr_off, MB_FLAG_ADDRESS);
	mb_addr_put(im.buf + hdr_off, header_addr, load_addr, load_end_addr, bss_end_addr,
		    entry_addr);
	return im;
}

#endif

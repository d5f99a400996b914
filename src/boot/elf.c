/* SPDX-License-Identifier: MIT */
/*
 * ELF executables for the multiboot loader: ELF32 (EM_386) and ELF64
 * (EM_X86_64), little-endian, ET_EXEC, loaded by their PT_LOAD program headers
 * at p_paddr (System V ABI, "Program Loading"; Multiboot 0.6.96 3.1.3).
 */
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The structures are read by memcpy, which is only right on a little-endian host. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ELF parsing assumes a LE host");

/* The ELF header fields the loader needs, whatever the class. */
struct elf_hdr {
	unsigned bits; /* 32 or 64 */
	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
};

struct elf_phdr {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

bool elf_is_elf(const struct boot_file *f)
{
	return f->size >= SELFMAG && memcmp(f->data, ELFMAG, SELFMAG) == 0;
}

static int elf_read_ident(const struct boot_file *f, const char *path, struct elf_hdr *h, FILE *log)
{
	if (f->size < EI_NIDENT) {
		boot_msg(log, path,
			 "truncated: ELF identification needs %d bytes, the file has %zu",
			 EI_NIDENT, f->size);
		return -ENOEXEC;
	}
	if (f->data[EI_CLASS] != ELFCLASS32 && f->data[EI_CLASS] != ELFCLASS64) {
		boot_msg(log, path, "unsupported ELF class %u (need ELFCLASS32 or ELFCLASS64)",
			 f->data[EI_CLASS]);
		return -ENOEXEC;
	}
	if (f->data[EI_DATA] != ELFDATA2LSB) {
		boot_msg(log, path, "ELF data encoding %u is not little-endian (ELFDATA2LSB)",
			 f->data[EI_DATA]);
		return -ENOEXEC;
	}
	h->bits = f->data[EI_CLASS] == ELFCLASS32 ? 32 : 64;
	size_t need = h->bits == 32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	if (f->size < need) {
		boot_msg(log, path, "truncated: the ELF%u header needs %zu bytes, the file has %zu",
			 h->bits, need, f->size);
		return -ENOEXEC;
	}
	return 0;
}

static void elf_read_ehdr(const struct boot_file *f, struct elf_hdr *h)
{
	if (h->bits == 32) {
		Elf32_Ehdr e;
		memcpy(&e, f->data, sizeof(e));
		h->type = e.e_type, h->machine = e.e_machine, h->entry = e.e_entry;
		h->phoff = e.e_phoff, h->phentsize = e.e_phentsize, h->phnum = e.e_phnum;
	} else {
		Elf64_Ehdr e;
		memcpy(&e, f->data, sizeof(e));
		h->type = e.e_type, h->machine = e.e_machine, h->entry = e.e_entry;
		h->phoff = e.e_phoff, h->phentsize = e.e_phentsize, h->phnum = e.e_phnum;
	}
}

/* Class, encoding, machine, type and the program header table's bounds. */
static int elf_read_header(const struct boot_file *f, const char *path, struct elf_hdr *h,
			   FILE *log)
{
	int rc = elf_read_ident(f, path, h, log);
	if (rc)
		return rc;
	elf_read_ehdr(f, h);
	unsigned want = h->bits == 32 ? EM_386 : EM_X86_64;
	size_t entsize = h->bits == 32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
	if (h->machine != want) {
		boot_msg(log, path, "ELF%u file for machine %u, expected %s (%u)", h->bits,
			 h->machine, h->bits == 32 ? "EM_386" : "EM_X86_64", want);
		return -ENOEXEC;
	}
	if (h->type != ET_EXEC) {
		boot_msg(log, path, "ELF type %u is not an executable (ET_EXEC)", h->type);
		return -ENOEXEC;
	}
	if (h->phnum == 0) {
		boot_msg(log, path, "no PT_LOAD segments (the ELF file has no program headers)");
		return -ENOEXEC;
	}
	if (h->phnum == PN_XNUM || h->phentsize != entsize) {
		boot_msg(log, path, "unsupported program header table (%u entries of %u bytes)",
			 h->phnum, h->phentsize);
		return -ENOEXEC;
	}
	uint64_t len = (uint64_t)h->phnum * entsize;
	if (h->phoff > f->size || len > f->size - h->phoff) {
		boot_msg(log, path,
			 "truncated: the program header table at 0x%" PRIx64 "-0x%" PRIx64
			 " ends beyond the end of the file (%zu bytes)",
			 h->phoff, h->phoff + len - 1, f->size);
		return -ENOEXEC;
	}
	return 0;
}

static void elf_read_phdr(const struct boot_file *f, const struct elf_hdr *h, unsigned i,
			  struct elf_phdr *ph)
{
	const uint8_t *p = f->data + h->phoff + (uint64_t)i * h->phentsize;

	if (h->bits == 32) {
		Elf32_Phdr e;
		memcpy(&e, p, sizeof(e));
		ph->type = e.p_type, ph->offset = e.p_offset, ph->paddr = e.p_paddr;
		ph->filesz = e.p_filesz, ph->memsz = e.p_memsz;
	} else {
		Elf64_Phdr e;
		memcpy(&e, p, sizeof(e));
		ph->type = e.p_type, ph->offset = e.p_offset, ph->paddr = e.p_paddr;
		ph->filesz = e.p_filesz, ph->memsz = e.p_memsz;
	}
}

static int elf_check_phdr(const struct boot_file *f, const char *path, unsigned i,
			  const struct elf_phdr *ph, FILE *log)
{
	if (ph->filesz > ph->memsz) {
		boot_msg(log, path,
			 "segment %u: p_filesz 0x%" PRIx64 " is larger than p_memsz 0x%" PRIx64, i,
			 ph->filesz, ph->memsz);
		return -ENOEXEC;
	}
	if (ph->filesz && (ph->offset > f->size || ph->filesz > f->size - ph->offset)) {
		boot_msg(log, path,
			 "truncated: segment %u file bytes 0x%" PRIx64 "-0x%" PRIx64
			 " end beyond the end of the file (%zu bytes)",
			 i, ph->offset, range_last(ph->offset, ph->filesz), f->size);
		return -ENOEXEC;
	}
	return 0;
}

int elf_plan(const struct boot_file *f, const char *path, struct load_plan *plan, FILE *log)
{
	struct elf_hdr h;
	int rc = elf_read_header(f, path, &h, log);
	if (rc)
		return rc;
	plan->seg = calloc(h.phnum, sizeof(*plan->seg));
	if (!plan->seg) {
		boot_msg(log, path, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_phdr ph;
		elf_read_phdr(f, &h, i, &ph);
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		rc = elf_check_phdr(f, path, i, &ph, log);
		if (rc)
			return rc;
		plan->seg[plan->n++] = (struct load_seg){
			.paddr = ph.paddr,
			.filesz = ph.filesz,
			.memsz = ph.memsz,
			.src = f->data + (ph.filesz ? ph.offset : 0),
		};
	}
	if (plan->n == 0) {
		boot_msg(log, path, "no PT_LOAD segments");
		return -ENOEXEC;
	}
	/* Multiboot 3.2 enters in 32-bit protected mode: EIP cannot hold more. */
	if (h.entry > UINT32_MAX) {
		boot_msg(log, path,
			 "entry point 0x%" PRIx64
			 " is above 4 GiB (multiboot enters in 32-bit protected mode)",
			 h.entry);
		return -ENOEXEC;
	}
	plan->entry = h.entry;
	return 0;
}

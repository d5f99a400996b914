/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 (specification 0.6.96): find the header, load the kernel (ELF or
 * the a.out kludge), place the initrd and the boot information after it, and
 * describe the machine state of section 3.2.
 *
 * Everything is checked before guest memory is touched, so a refused image
 * leaves RAM as it was.
 */
#include "loader.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* 3.1.1, 3.1.2: the OS image header. */
#define MB_HEADER_MAGIC	    0x1badb002u
#define MB_SEARCH	    8192 /* the header lies within the first 8 KiB */
#define MB_HEADER_SIZE	    12	 /* magic, flags, checksum */
#define MB_ADDR_HEADER_SIZE 32	 /* ... header_addr to entry_addr */

#define MB_FLAG_PAGE_ALIGN  (1u << 0) /* we always page-align modules */
#define MB_FLAG_MEMORY_INFO (1u << 1) /* we always pass mem_* and mmap_* */
#define MB_FLAG_VIDEO_MODE  (1u << 2) /* a wish only: we pass no video information */
#define MB_FLAGS_REQUIRED   0xffffu   /* bits 0-15: refuse what we don't know */
#define MB_FLAGS_KNOWN	    (MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | MB_FLAG_VIDEO_MODE)
#define MB_FLAG_ADDRESS	    (1u << 16) /* the a.out kludge address fields are valid */

/* 3.2: EAX at entry. */
#define MB_BOOTLOADER_MAGIC 0x2badb002u

/* 3.3: the boot information structure, its flags and field offsets. */
#define MBI_FLAG_MEMORY	     (1u << 0)
#define MBI_FLAG_CMDLINE     (1u << 2)
#define MBI_FLAG_MODS	     (1u << 3)
#define MBI_FLAG_MMAP	     (1u << 6)
#define MBI_FLAG_LOADER_NAME (1u << 9)

enum {
	MBI_FLAGS = 0,
	MBI_MEM_LOWER = 4,
	MBI_MEM_UPPER = 8,
	MBI_CMDLINE = 16,
	MBI_MODS_COUNT = 20,
	MBI_MODS_ADDR = 24,
	MBI_MMAP_LENGTH = 44,
	MBI_MMAP_ADDR = 48,
	MBI_LOADER_NAME = 64,
	MBI_SIZE = 88, /* up to and including the VBE fields of 0.6.96 */
};

#define MB_MOD_SIZE	   16 /* mod_start, mod_end, string, reserved */
#define MB_MMAP_ENTRY_SIZE 24 /* size (20, not counting itself), base, length, type */
#define MB_LOADER_NAME	   "vx86"

/* Where vx86's map ends conventional memory: [0x9fc00, 0xa0000) is the EBDA. */
#define MB_LOW_RAM_END 0x9fc00ull

/* The memory map below 1 MiB (3.3, "mmap_*"); RAM from 1 MiB up follows it. */
static const struct {
	uint64_t base, end;
	uint32_t type; /* 1 available RAM, 2 reserved */
} mb_low_map[] = {
	{0, MB_LOW_RAM_END, 1},
	{MB_LOW_RAM_END, LEGACY_HOLE_START, 2}, /* EBDA */
	{0xf0000, LEGACY_HOLE_END, 2},		/* system BIOS */
};
#define MB_MMAP_COUNT (sizeof(mb_low_map) / sizeof(mb_low_map[0]) + 1)

struct mb_header {
	size_t offset; /* in the file */
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* Guest-physical addresses of everything vx86 puts after the kernel. */
struct mb_layout {
	uint64_t mod_start;			  /* the initrd, if any */
	uint64_t info, cmdline, mod_string, mods; /* the info block, in this order */
	uint64_t mmap, name, gdt, end;
	char *cmdline_str;
};

static int mb_check_flags(const struct mb_header *h, const char *path, FILE *log)
{
	/* 3.1.2: an unknown bit in 0-15 is a requirement; "the boot loader must fail". */
	uint32_t unknown = h->flags & MB_FLAGS_REQUIRED & ~MB_FLAGS_KNOWN;
	if (unknown) {
		boot_msg(log, path,
			 "unsupported required flags 0x%x in the multiboot header "
			 "(flags 0x%08x; vx86 knows bits 0-2)",
			 unknown, h->flags);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* 3.1.1: the first 32-bit aligned magic whose checksum holds. */
static int mb_find_header(const struct boot_file *f, const char *path, struct mb_header *h,
			  FILE *log)
{
	size_t limit = f->size < MB_SEARCH ? f->size : MB_SEARCH;
	size_t bad_at = SIZE_MAX;
	uint32_t bad_sum = 0;

	for (size_t off = 0; off + MB_HEADER_SIZE <= limit; off += 4) {
		const uint8_t *p = f->data + off;
		if (get_le32(p) != MB_HEADER_MAGIC)
			continue;
		uint32_t sum = MB_HEADER_MAGIC + get_le32(p + 4) + get_le32(p + 8);
		if (sum == 0) {
			*h = (struct mb_header){.offset = off, .flags = get_le32(p + 4)};
			return mb_check_flags(h, path, log);
		}
		if (bad_at == SIZE_MAX)
			bad_at = off, bad_sum = sum;
	}
	if (bad_at != SIZE_MAX) {
		boot_msg(log, path,
			 "bad multiboot header checksum at offset 0x%zx "
			 "(magic + flags + checksum = 0x%08x, must be 0)",
			 bad_at, bad_sum);
		return -ENOEXEC;
	}
	boot_msg(log, path, "not a multiboot image (no header in the first 8 KiB)");
	return -ENOEXEC;
}

static int mb_read_addr_fields(const struct boot_file *f, const char *path, struct mb_header *h,
			       FILE *log)
{
	if (f->size - h->offset < MB_ADDR_HEADER_SIZE) {
		boot_msg(log, path,
			 "truncated: the multiboot header at offset 0x%zx needs %d bytes for its "
			 "address fields (flags bit 16)",
			 h->offset, MB_ADDR_HEADER_SIZE);
		return -ENOEXEC;
	}
	const uint8_t *p = f->data + h->offset;
	h->header_addr = get_le32(p + 12);
	h->load_addr = get_le32(p + 16);
	h->load_end_addr = get_le32(p + 20);
	h->bss_end_addr = get_le32(p + 24);
	h->entry_addr = get_le32(p + 28);
	/* 3.1.3: "load_addr must be less than or equal to header_addr". */
	if (h->load_addr > h->header_addr) {
		boot_msg(log, path, "multiboot load_addr 0x%x is above header_addr 0x%x",
			 h->load_addr, h->header_addr);
		return -ENOEXEC;
	}
	/* The file offset of load_addr is the header's offset minus this. */
	if (h->header_addr - h->load_addr > h->offset) {
		boot_msg(log, path,
			 "multiboot load_addr 0x%x would start 0x%zx bytes before the file "
			 "(header at offset 0x%zx, header_addr 0x%x)",
			 h->load_addr, h->header_addr - h->load_addr - h->offset, h->offset,
			 h->header_addr);
		return -ENOEXEC;
	}
	return 0;
}

/* 3.1.3: the a.out kludge, one segment [load_addr, bss_end_addr). */
static int mb_plan_aout(const struct boot_file *f, const char *path, struct mb_header *h,
			struct load_plan *plan, FILE *log)
{
	int rc = mb_read_addr_fields(f, path, h, log);
	if (rc)
		return rc;
	size_t off = h->offset - (h->header_addr - h->load_addr);
	uint64_t filesz = f->size - off; /* load_end_addr 0: to the end of the file */
	if (h->load_end_addr) {
		if (h->load_end_addr < h->load_addr) {
			boot_msg(log, path, "multiboot load_end_addr 0x%x is below load_addr 0x%x",
				 h->load_end_addr, h->load_addr);
			return -ENOEXEC;
		}
		filesz = h->load_end_addr - h->load_addr;
	}
	if (filesz > f->size - off) {
		boot_msg(log, path,
			 "truncated: the multiboot load range 0x%x-0x%" PRIx64
			 " needs file bytes 0x%zx-0x%" PRIx64 ", the file has %zu bytes",
			 h->load_addr, h->load_addr + filesz - 1, off, off + filesz - 1, f->size);
		return -ENOEXEC;
	}
	uint64_t memsz = filesz; /* bss_end_addr 0: no bss */
	if (h->bss_end_addr) {
		if (h->bss_end_addr < h->load_addr + filesz) {
			boot_msg(log, path,
				 "multiboot bss_end_addr 0x%x is below the end of the loaded "
				 "data 0x%" PRIx64,
				 h->bss_end_addr, h->load_addr + filesz);
			return -ENOEXEC;
		}
		memsz = h->bss_end_addr - h->load_addr;
	}
	if (memsz == 0) {
		boot_msg(log, path,
			 "the multiboot address fields load nothing (load_end_addr = load_addr, no "
			 "bss)");
		return -ENOEXEC;
	}
	plan->seg = malloc(sizeof(*plan->seg));
	if (!plan->seg) {
		boot_msg(log, path, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	plan->seg[0] = (struct load_seg){h->load_addr, filesz, memsz, f->data + off};
	plan->n = 1;
	plan->entry = h->entry_addr;
	return 0;
}

static int mb_plan(const struct boot_file *f, const char *path, struct load_plan *plan, FILE *log)
{
	struct mb_header h;

	if (f->size == 0) {
		boot_msg(log, path, "empty file");
		return -ENOEXEC;
	}
	int rc = mb_find_header(f, path, &h, log);
	if (rc)
		return rc;
	/* 3.1.2: with bit 16 the address fields win, "instead of" an ELF's own headers. */
	if (h.flags & MB_FLAG_ADDRESS)
		return mb_plan_aout(f, path, &h, plan, log);
	if (!elf_is_elf(f)) {
		boot_msg(log, path,
			 "not an ELF file and the multiboot header has no address fields "
			 "(flags bit 16)");
		return -ENOEXEC;
	}
	return elf_plan(f, path, plan, log);
}

/*
 * Page-aligned room for len bytes at or after *cursor, below 4 GiB (the info
 * holds 32-bit addresses), skipping the EBDA, the legacy hole and the BIOS.
 */
static bool mb_place(const struct guest_ram *ram, uint64_t *cursor, uint64_t len, uint64_t *at)
{
	uint64_t limit = ram->size < (1ull << 32) ? ram->size : (1ull << 32);
	uint64_t a = align_up(*cursor, BOOT_PAGE_SIZE);

	if (a < LEGACY_HOLE_END && (a >= MB_LOW_RAM_END || len > MB_LOW_RAM_END - a))
		a = LEGACY_HOLE_END;
	if (a > limit || len > limit - a)
		return false;
	*at = a;
	*cursor = a + len;
	return true;
}

/* Offsets inside the info block; the caller adds its address. */
static uint64_t mb_layout_block(const struct boot_params *p, struct mb_layout *l)
{
	uint64_t off = MBI_SIZE;

	l->cmdline = off;
	off += strlen(l->cmdline_str) + 1;
	l->mod_string = off;
	off += p->initrd ? strlen(p->initrd) + 1 : 0;
	l->mods = off = align_up(off, 4);
	off += p->initrd ? MB_MOD_SIZE : 0;
	l->mmap = off;
	off += MB_MMAP_COUNT * MB_MMAP_ENTRY_SIZE;
	l->name = off;
	off += sizeof(MB_LOADER_NAME);
	l->gdt = off = align_up(off, 8);
	return off + BOOT_GDT_SIZE;
}

static int mb_layout(const struct boot_params *p, const struct guest_ram *ram, uint64_t kernel_end,
		     size_t initrd_size, struct mb_layout *l, FILE *log)
{
	uint64_t cursor = kernel_end;
	char size[32];

	boot_format_size(ram->size, size, sizeof(size));
	if (ram->size <= LEGACY_HOLE_END) {
		boot_msg(log, p->image, "guest RAM (%s) is too small for a multiboot kernel", size);
		return -ENOSPC;
	}
	if (p->initrd && !mb_place(ram, &cursor, initrd_size, &l->mod_start)) {
		boot_msg(log, p->initrd,
			 "module of %zu bytes does not fit in guest RAM (%s) after the kernel "
			 "(which ends at 0x%" PRIx64 ")",
			 initrd_size, size, kernel_end);
		return -ENOSPC;
	}
	/* As QEMU builds it, so guests see the same string: "<image> <cmdline>". */
	if (asprintf(&l->cmdline_str, "%s %s", p->image, p->cmdline ? p->cmdline : "") < 0) {
		l->cmdline_str = NULL;
		boot_msg(log, p->image, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	uint64_t len = mb_layout_block(p, l);
	if (!mb_place(ram, &cursor, len, &l->info)) {
		boot_msg(log, p->image,
			 "no room in guest RAM (%s) for the multiboot information (%" PRIu64
			 " bytes) after 0x%" PRIx64,
			 size, len, cursor);
		return -ENOSPC;
	}
	l->cmdline += l->info, l->mod_string += l->info, l->mods += l->info;
	l->mmap += l->info, l->name += l->info, l->gdt += l->info;
	l->end = l->info + len;
	return 0;
}

static void mb_write_mmap(struct guest_ram *ram, uint64_t gpa)
{
	uint8_t *e = ram->host + gpa;

	for (size_t i = 0; i < MB_MMAP_COUNT; i++, e += MB_MMAP_ENTRY_SIZE) {
		bool high = i == MB_MMAP_COUNT - 1;
		uint64_t base = high ? LEGACY_HOLE_END : mb_low_map[i].base;
		uint64_t end = high ? ram->size : mb_low_map[i].end;
		/* 3.3: "size" counts the entry's bytes after itself, so 20. */
		put_le32(e, MB_MMAP_ENTRY_SIZE - 4);
		put_le64(e + 4, base);
		put_le64(e + 12, end - base);
		put_le32(e + 20, high ? 1 : mb_low_map[i].type);
	}
}

static void mb_write_info(struct guest_ram *ram, const struct boot_params *p,
			  const struct mb_layout *l, size_t initrd_size)
{
	uint8_t *info = ram->host + l->info;

	memset(info, 0, l->end - l->info);
	put_le32(info + MBI_FLAGS, MBI_FLAG_MEMORY | MBI_FLAG_CMDLINE | MBI_FLAG_MODS |
					   MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME);
	/*
	 * Multiboot 3.3: KiB of lower and upper memory. Lower memory ends where the
	 * memory map's reserved EBDA begins (0x9fc00 = 639 KiB, as QEMU reports it);
	 * upper memory is the contiguous RAM from 1 MiB.
	 */
	put_le32(info + MBI_MEM_LOWER, MB_LOW_RAM_END / 1024);
	put_le32(info + MBI_MEM_UPPER, (uint32_t)(ram->size / 1024 - 1024));
	put_le32(info + MBI_CMDLINE, (uint32_t)l->cmdline);
	memcpy(ram->host + l->cmdline, l->cmdline_str, strlen(l->cmdline_str) + 1);
	/* MODS is always valid: mods_count 0 tells the kernel there are none. */
	put_le32(info + MBI_MODS_COUNT, p->initrd ? 1 : 0);
	put_le32(info + MBI_MODS_ADDR, (uint32_t)l->mods);
	if (p->initrd) {
		uint8_t *mod = ram->host + l->mods;
		put_le32(mod, (uint32_t)l->mod_start);
		put_le32(mod + 4, (uint32_t)(l->mod_start + initrd_size)); /* one past the end */
		put_le32(mod + 8, (uint32_t)l->mod_string);
		memcpy(ram->host + l->mod_string, p->initrd, strlen(p->initrd) + 1);
	}
	put_le32(info + MBI_MMAP_LENGTH, MB_MMAP_COUNT * MB_MMAP_ENTRY_SIZE);
	put_le32(info + MBI_MMAP_ADDR, (uint32_t)l->mmap);
	mb_write_mmap(ram, l->mmap);
	put_le32(info + MBI_LOADER_NAME, (uint32_t)l->name);
	memcpy(ram->host + l->name, MB_LOADER_NAME, sizeof(MB_LOADER_NAME));
}

int multiboot_load(const struct boot_params *p, struct guest_ram *ram, struct vcpu_state *st,
		   FILE *log)
{
	struct boot_file img, rd = {0};
	struct load_plan plan = {0};
	struct mb_layout l = {0};

	int rc = boot_file_read(p->image, &img, log);
	if (rc)
		return rc;
	rc = mb_plan(&img, p->image, &plan, log);
	if (!rc)
		rc = boot_plan_check(ram, p->image, &plan, log);
	if (!rc && p->initrd)
		rc = boot_file_read(p->initrd, &rd, log);
	if (!rc)
		rc = mb_layout(p, ram, boot_plan_end(&plan), rd.size, &l, log);
	if (!rc) {
		boot_plan_apply(ram, &plan);
		if (p->initrd)
			memcpy(ram->host + l.mod_start, rd.data, rd.size);
		mb_write_info(ram, p, &l, rd.size);
		boot_state_prot32(st, plan.entry, l.gdt);
		gdt_write(ram, st);
		st->gpr[GPR_RAX] = MB_BOOTLOADER_MAGIC;
		st->gpr[GPR_RBX] = l.info;
	}
	free(l.cmdline_str);
	boot_plan_free(&plan);
	boot_file_free(&rd);
	boot_file_free(&img);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Flat binaries: the whole file is copied to one address and entered there in
 * real, protected or long mode. For long mode vx86 supplies what the CPU needs
 * first: a GDT with a 64-bit code segment and identity page tables.
 */
#include "loader.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* vx86's structures for flat binaries, in low memory below the defaults' images. */
#define FLAT_GDT	0x8000ull
#define FLAT_PML4	0x9000ull
#define FLAT_PDPT	0xa000ull
#define FLAT_PD		0xb000ull /* four page directories, one per GiB */
#define FLAT_PD_COUNT	4
#define FLAT_TABLES_END 0xf000ull

/* SDM Vol. 3 4.5 (4-level paging): present, writable, and a 2 MiB page in a PDE. */
#define PTE_P  (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)

/* Real mode: everything must be below 1 MiB; SS:SP at the top of low RAM. */
#define REAL_LIMIT     0x100000ull
#define REAL_IP_LIMIT  0x10000ull
#define REAL_STACK_SEG 0x9000
#define REAL_STACK_SP  0xfc00

struct flat_mode {
	uint64_t default_addr;
	/* [tables_start, tables_end): what vx86 writes for this mode, if anything. */
	uint64_t tables_start, tables_end;
	const char *tables_name;
	int (*check)(const char *path, uint64_t addr, uint64_t size, FILE *log);
	void (*enter)(struct guest_ram *ram, struct vcpu_state *st, uint64_t addr);
};

static int flat_check_real(const char *path, uint64_t addr, uint64_t size, FILE *log)
{
	/* Real mode addresses reach 1 MiB (plus the HMA, which needs A20 games). */
	if (addr >= REAL_LIMIT || size >= REAL_LIMIT - addr) {
		boot_msg(log, path,
			 "image 0x%" PRIx64 "-0x%" PRIx64 " does not fit below 1 MiB "
			 "(real mode)",
			 addr, range_last(addr, size));
		return -ERANGE;
	}
	if (addr >= REAL_IP_LIMIT && addr % 16) {
		boot_msg(log, path,
			 "real-mode load address 0x%" PRIx64 " must be below 0x10000 or 16-byte "
			 "aligned (it is entered at CS = address / 16, IP = 0)",
			 addr);
		return -EINVAL;
	}
	return 0;
}

static void flat_enter_real(struct guest_ram *ram, struct vcpu_state *st, uint64_t addr)
{
	/* Below 64 KiB: 0000:addr, like a boot sector at 0000:7c00. Above: addr/16:0000. */
	uint16_t cs = addr < REAL_IP_LIMIT ? 0 : (uint16_t)(addr >> 4);

	(void)ram;
	boot_state_reset(st, 0x3); /* busy 16-bit TSS */
	st->cr0 = CR0_ET;
	st->seg[SEG_CS] = seg_real(cs, true);
	/* Data segments equal CS, so the image addresses its own data from offset 0. */
	st->seg[SEG_DS] = seg_real(cs, false);
	st->seg[SEG_ES] = st->seg[SEG_DS];
	st->seg[SEG_FS] = st->seg[SEG_DS];
	st->seg[SEG_GS] = st->seg[SEG_DS];
	st->seg[SEG_SS] = seg_real(REAL_STACK_SEG, false);
	st->gdt.limit = 0xffff; /* the reset value, SDM Vol. 3 9.1.1 */
	st->rip = addr < REAL_IP_LIMIT ? addr : 0;
	st->gpr[GPR_RSP] = REAL_STACK_SP;
}

static void flat_enter_protected(struct guest_ram *ram, struct vcpu_state *st, uint64_t addr)
{
	/* The multiboot machine state without EAX/EBX, and the same kind of GDT. */
	boot_state_prot32(st, addr, FLAT_GDT);
	gdt_write(ram, st);
}

/* Identity-map the first 4 GiB with 2 MiB pages: PML4[0] -> PDPT[0..3] -> 4 PDs. */
static void flat_write_page_tables(struct guest_ram *ram)
{
	uint8_t *mem = ram->host;

	memset(mem + FLAT_PML4, 0, FLAT_TABLES_END - FLAT_PML4);
	put_le64(mem + FLAT_PML4, FLAT_PDPT | PTE_P | PTE_RW);
	for (uint64_t i = 0; i < FLAT_PD_COUNT; i++) {
		uint64_t pd = FLAT_PD + i * BOOT_PAGE_SIZE;
		put_le64(mem + FLAT_PDPT + 8 * i, pd | PTE_P | PTE_RW);
		for (uint64_t j = 0; j < 512; j++)
			put_le64(mem + pd + 8 * j, ((i * 512 + j) << 21) | PTE_P | PTE_RW | PTE_PS);
	}
}

static void flat_enter_long(struct guest_ram *ram, struct vcpu_state *st, uint64_t addr)
{
	boot_state_prot32(st, addr, FLAT_GDT);
	/* SDM Vol. 3 5.2.1: a 64-bit code segment has L = 1 and D = 0. */
	st->seg[SEG_CS].l = true;
	st->seg[SEG_CS].db = false;
	memset(ram->host + FLAT_GDT, 0, FLAT_PML4 - FLAT_GDT);
	gdt_write(ram, st);
	flat_write_page_tables(ram);
	/* SDM Vol. 3 9.8.5: IA-32e mode is PAE paging with EFER.LME, active (LMA). */
	st->cr0 |= CR0_PG;
	st->cr4 = CR4_PAE;
	st->efer = EFER_LME | EFER_LMA;
	st->cr3 = FLAT_PML4;
}

static const struct flat_mode flat_modes[] = {
	[VX86_ENTRY_REAL] = {.default_addr = 0x7c00,
			     .check = flat_check_real,
			     .enter = flat_enter_real},
	[VX86_ENTRY_PROTECTED] = {.default_addr = 0x100000,
				  .tables_start = FLAT_GDT,
				  .tables_end = FLAT_GDT + BOOT_GDT_SIZE,
				  .tables_name = "GDT",
				  .enter = flat_enter_protected},
	[VX86_ENTRY_LONG] = {.default_addr = 0x100000,
			     .tables_start = FLAT_GDT,
			     .tables_end = FLAT_TABLES_END,
			     .tables_name = "GDT and page tables",
			     .enter = flat_enter_long},
};

static int flat_check(const char *path, const struct flat_mode *m, const struct guest_ram *ram,
		      uint64_t addr, uint64_t size, FILE *log)
{
	int rc = 0;

	if (size == 0) {
		boot_msg(log, path, "empty file");
		return -ENOEXEC;
	}
	if (m->check)
		rc = m->check(path, addr, size, log);
	if (!rc)
		rc = boot_check_range(ram, path, "image", addr, size, log);
	if (!rc && m->tables_end)
		rc = boot_check_range(ram, path, m->tables_name, m->tables_start,
				      m->tables_end - m->tables_start, log);
	if (!rc && m->tables_end && addr < m->tables_end && addr + size > m->tables_start) {
		boot_msg(log, path,
			 "image 0x%" PRIx64 "-0x%" PRIx64 " overlaps vx86's %s 0x%" PRIx64
			 "-0x%" PRIx64,
			 addr, range_last(addr, size), m->tables_name, m->tables_start,
			 m->tables_end - 1);
		rc = -EINVAL;
	}
	return rc;
}

int flat_load(const struct boot_params *p, struct guest_ram *ram, struct vcpu_state *st, FILE *log)
{
	struct boot_file f;

	if ((unsigned)p->entry >= sizeof(flat_modes) / sizeof(flat_modes[0]) ||
	    !flat_modes[p->entry].enter) {
		boot_msg(log, p->image, "no entry mode (real, protected, long) for a flat binary");
		return -EINVAL;
	}
	const struct flat_mode *m = &flat_modes[p->entry];
	uint64_t addr = p->load_addr_set ? p->load_addr : m->default_addr;
	int rc = boot_file_read(p->image, &f, log);
	if (rc)
		return rc;
	rc = flat_check(p->image, m, ram, addr, f.size, log);
	if (!rc) {
		memcpy(ram->host + addr, f.data, f.size);
		m->enter(ram, st, addr);
	}
	boot_file_free(&f);
	return rc;
}

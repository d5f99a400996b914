/* SPDX-License-Identifier: MIT */
/*
 * multiboot_load on good images: ELF32, ELF64 and the a.out kludge, with and
 * without a command line and an initrd. Checks the exact guest memory, the
 * boot information at EBX and the Multiboot 3.2 machine state.
 * (The refusals are in test_multiboot_refusals.c.)
 */
#include "boot_test.h"
#include "mb_image.h"

#define KIB 1024ull

struct mb_expect {
	const char *cmdline;
	const char *initrd;
	uint8_t initrd_seed;
	size_t initrd_size;
	uint64_t after; /* vx86's additions start at or after this (the kernel's end) */
};

static void check_mb_state(const struct vcpu_state *st, uint64_t entry, const char *name)
{
	static const enum seg data[] = {SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS};
	static const char *const data_name[] = {"DS", "ES", "FS", "GS", "SS"};
	char what[64];
	int others = 0;

	is_u64(st->rip, entry, "%s: EIP is the entry point", name);
	is_u64(st->gpr[GPR_RAX], 0x2badb002, "%s: EAX = 0x2BADB002", name);
	is_u64(st->gpr[GPR_RSP], 0x9fc00, "%s: ESP at the top of low RAM", name);
	for (int r = 0; r < GPR_COUNT; r++)
		if (r != GPR_RAX && r != GPR_RBX && r != GPR_RSP)
			others |= st->gpr[r] != 0;
	ok(!others, "%s: the other general registers are zero", name);
	is_u64(st->cr0, 0x11, "%s: CR0 = PE | ET, paging off", name);
	ok(st->cr3 == 0 && st->cr4 == 0 && st->efer == 0, "%s: CR3, CR4, EFER zero", name);
	snprintf(what, sizeof(what), "%s: CS", name);
	check_segment(&st->seg[SEG_CS], 0x08, 0, 0xffffffff, 0xb, true, false, true, true, what);
	for (int i = 0; i < 5; i++) {
		snprintf(what, sizeof(what), "%s: %s", name, data_name[i]);
		check_segment(&st->seg[data[i]], 0x10, 0, 0xffffffff, 0x3, true, false, true, true,
			      what);
	}
	check_system_state(st, 0xb, name);
}

static void check_gdt(const struct guest_ram *ram, const struct vcpu_state *st, const char *name)
{
	uint64_t g = st->gdt.base;

	is_u64(st->gdt.limit, 23, "%s: GDTR limit 23 (3 entries)", name);
	ok(g + 24 <= ram->size, "%s: GDT in RAM", name);
	is_u64(rd64(ram, g), 0, "%s: GDT[0] null", name);
	is_u64(rd64(ram, g + 8), 0x00cf9b000000ffffull, "%s: GDT[1] flat 32-bit code", name);
	is_u64(rd64(ram, g + 16), 0x00cf93000000ffffull, "%s: GDT[2] flat data", name);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t check_mmap(const struct guest_ram *ram, uint64_t info, const char *name)
{
	static const struct {
		uint64_t base, len;
		uint32_t type;
	} want[] = {
		{0, 0x9fc00, 1},
		{0x9fc00, 0x400, 2},
		{0xf0000, 0x10000, 2},
		{0x100000, TEST_RAM_SIZE - 0x100000, 1},
	};
	uint64_t m = rd32(ram, info + 48);

	is_u64(rd32(ram, info + 44), 4 * 24, "%s: mmap_length 96 (4 entries)", name);
	for (int i = 0; i < 4; i++, m += 24) {
		ok(rd32(ram, m) == 20 && rd64(ram, m + 4) == want[i].base &&
			   rd64(ram, m + 12) == want[i].len && rd32(ram, m + 20) == want[i].type,
		   "%s: mmap[%d] size 20, 0x%llx+0x%llx type %u", name, i,
		   (unsigned long long)want[i].base, (unsigned long long)want[i].len, want[i].type);
	}
	return m;
}

static uint64_t check_string(const struct guest_ram *ram, uint64_t gpa, const char *want,
			     const char *what, const char *name)
{
	const char *got = gpa < ram->size ? (const char *)ram->host + gpa : "(outside RAM)";
	if (!ok(strcmp(got, want) == 0, "%s: %s is \"%s\"", name, what, want))
		printf("#   got \"%s\"\n", got);
	return gpa + strlen(want) + 1;
}

static uint64_t check_module(const struct guest_ram *ram, uint64_t info, const struct mb_expect *x,
			     const char *name)
{
	uint64_t mods = rd32(ram, info + 24);

	is_u64(rd32(ram, info + 20), x->initrd ? 1 : 0, "%s: mods_count", name);
	if (!x->initrd)
		return info;
	uint64_t start = rd32(ram, mods), end = rd32(ram, mods + 4);
	ok(start % 4096 == 0 && start >= x->after, "%s: module 0 page-aligned after the kernel",
	   name);
	is_u64(end - start, x->initrd_size, "%s: mod_end - mod_start is the initrd size", name);
	ok(is_pat(ram->host + start, x->initrd_size, x->initrd_seed), "%s: module bytes", name);
	ok(info >= end, "%s: info after the module", name);
	is_u64(rd32(ram, mods + 12), 0, "%s: module reserved field 0", name);
	uint64_t s_end = check_string(ram, rd32(ram, mods + 8), x->initrd, "module string", name);
	return max_u64(mods + 16, s_end);
}

/* The info structure at EBX; returns the end of everything vx86 wrote there. */
static uint64_t check_info(const struct guest_ram *ram, const struct vcpu_state *st,
			   const struct mb_expect *x, const char *name)
{
	static const int zero_fields[] = {12, 28, 32, 36, 40, 52, 56, 60, 68, 72, 76, 80, 84};
	uint64_t info = st->gpr[GPR_RBX], end = info + 88;
	int zero = 1;

	ok(info % 4096 == 0 && info >= x->after && info + 88 <= ram->size,
	   "%s: info at 0x%llx: page-aligned, after the kernel", name, (unsigned long long)info);
	is_u64(rd32(ram, info), 0x24d, "%s: flags MEMORY|CMDLINE|MODS|MMAP|LOADER_NAME", name);
	is_u64(rd32(ram, info + 4), 639, "%s: mem_lower (RAM below the EBDA at 0x9fc00)", name);
	is_u64(rd32(ram, info + 8), TEST_RAM_SIZE / KIB - 1024, "%s: mem_upper", name);
	for (size_t i = 0; i < sizeof(zero_fields) / sizeof(zero_fields[0]); i++)
		zero &= rd32(ram, info + zero_fields[i]) == 0;
	ok(zero, "%s: fields not flagged are zero", name);
	end = max_u64(end, check_string(ram, rd32(ram, info + 16), x->cmdline, "cmdline", name));
	end = max_u64(end, check_module(ram, info, x, name));
	end = max_u64(end, check_mmap(ram, info, name));
	end = max_u64(end, check_string(ram, rd32(ram, info + 64), "vx86", "loader name", name));
	check_gdt(ram, st, name);
	ok(st->gdt.base >= info, "%s: GDT in the info area", name);
	return max_u64(end, st->gdt.base + 24);
}

/* Load, expecting success and silence. */
static int load_ok(const struct boot_params *p, struct guest_ram *ram, struct vcpu_state *st,
		   const char *name)
{
	char *msg = NULL;
	int rc = run_loader(multiboot_load, p, ram, st, &msg);
	if (!ok(rc == 0 && msg[0] == '\0', "%s: loads without a message", name))
		printf("#   rc %d, message: %s\n", rc, msg);
	free(msg);
	return rc;
}

static void test_elf32(void)
{
	const char *name = "ELF32";
	/* Two loads (one with bss), a note and an empty load that must both be skipped. */
	const struct tseg segs[] = {
		{PT_LOAD, 0x100000, 0x1800, 0x1800, 1},
		{PT_NOTE, 0x400000, 0x10, 0x10, 3},
		{PT_LOAD, 0xb8000, 0, 0, 4},
		{PT_LOAD, 0x103000, 0x100, 0x2000, 2},
	};
	struct image im = elf_build(32, 0x100010, segs, 4, 0);
	char *path = tmp_write(im.buf, im.len);
	char cmdline[600];
	struct guest_ram ram;
	struct vcpu_state st;

	ram_init(&ram);
	struct boot_params p = {.image = path, .cmdline = "console=ttyS0 quiet"};
	if (load_ok(&p, &ram, &st, name) == 0) {
		ok(is_pat(ram.host + 0x100000, 0x1800, 1), "%s: segment 0 bytes", name);
		ok(is_pat(ram.host + 0x103000, 0x100, 2), "%s: segment 3 bytes", name);
		ok(is_zero(ram.host + 0x103100, 0x1f00), "%s: segment 3 bss zeroed", name);
		check_mb_state(&st, 0x100010, name);
		snprintf(cmdline, sizeof(cmdline), "%s console=ttyS0 quiet", path);
		struct mb_expect x = {.cmdline = cmdline, .after = 0x105000};
		uint64_t end = check_info(&ram, &st, &x, name);
		is_u64(st.gpr[GPR_RBX], 0x105000, "%s: info on the first page after the kernel",
		       name);
		struct range r[] = {{0x100000, 0x101800}, {0x103000, 0x105000}, {0x105000, end}};
		check_written_only(&ram, r, 3, name);
	}
	free(ram.host);
	tmp_remove(path);
	free(im.buf);
}

/* Without --cmdline (NULL) and with an empty one, the string is "<path> " as in QEMU. */
static void test_cmdline_empty(void)
{
	const struct tseg segs[] = {{PT_LOAD, 0x100000, 0x100, 0x100, 5}};
	struct image im = elf_build(32, 0x100000, segs, 1, 0);
	char *path = tmp_write(im.buf, im.len);
	const char *cmdlines[] = {NULL, ""};
	char want[600];

	snprintf(want, sizeof(want), "%s ", path);
	for (int i = 0; i < 2; i++) {
		struct guest_ram ram;
		struct vcpu_state st;
		ram_init(&ram);
		struct boot_params p = {.image = path, .cmdline = cmdlines[i]};
		const char *name = i ? "empty cmdline" : "no cmdline";
		if (load_ok(&p, &ram, &st, name) == 0)
			check_string(&ram, rd32(&ram, st.gpr[GPR_RBX] + 16), want, "cmdline", name);
		free(ram.host);
	}
	tmp_remove(path);
	free(im.buf);
}

static void test_elf64(void)
{
	const char *name = "ELF64";
	const struct tseg segs[] = {{PT_LOAD, 0x200000, 0x1234, 0x3000, 6}};
	struct image im = elf_build(64, 0x200100, segs, 1, 0);
	char *path = tmp_write(im.buf, im.len);
	char cmdline[600];
	struct guest_ram ram;
	struct vcpu_state st;

	ram_init(&ram);
	struct boot_params p = {.image = path, .cmdline = "a=1"};
	if (load_ok(&p, &ram, &st, name) == 0) {
		ok(is_pat(ram.host + 0x200000, 0x1234, 6), "%s: segment bytes", name);
		ok(is_zero(ram.host + 0x201234, 0x3000 - 0x1234), "%s: bss zeroed", name);
		check_mb_state(&st, 0x200100, name);
		snprintf(cmdline, sizeof(cmdline), "%s a=1", path);
		struct mb_expect x = {.cmdline = cmdline, .after = 0x203000};
		uint64_t end = check_info(&ram, &st, &x, name);
		struct range r[] = {{0x200000, 0x203000}, {st.gpr[GPR_RBX], end}};
		check_written_only(&ram, r, 2, name);
	}
	free(ram.host);
	tmp_remove(path);
	free(im.buf);
}

/* a.out kludge, whole file (load_end_addr 0) plus bss (3.1.3). */
static void test_aout_bss(void)
{
	const char *name = "a.out kludge with bss";
	struct image im = aout_build(0x2345, 7, 0x100, 0x200100, 0x200000, 0, 0x206000, 0x200180);
	char *path = tmp_write(im.buf, im.len);
	struct guest_ram ram;
	struct vcpu_state st;

	ram_init(&ram);
	struct boot_params p = {.image = path};
	if (load_ok(&p, &ram, &st, name) == 0) {
		ok(memcmp(ram.host + 0x200000, im.buf, im.len) == 0, "%s: whole file loaded", name);
		ok(is_zero(ram.host + 0x202345, 0x206000 - 0x202345), "%s: bss zeroed", name);
		check_mb_state(&st, 0x200180, name);
		char cmdline[600];
		snprintf(cmdline, sizeof(cmdline), "%s ", path);
		struct mb_expect x = {.cmdline = cmdline, .after = 0x206000};
		uint64_t end = check_info(&ram, &st, &x, name);
		struct range r[] = {{0x200000, 0x206000}, {st.gpr[GPR_RBX], end}};
		check_written_only(&ram, r, 2, name);
	}
	free(ram.host);
	tmp_remove(path);
	free(im.buf);
}

/* load_addr below header_addr: the load starts (header_addr - load_addr) before the header. */
static void test_aout_offset(void)
{
	const char *name = "a.out kludge, offset and load_end_addr";
	struct image im = aout_build(0x1000, 8, 0x480, 0x300080, 0x300000, 0x300800, 0, 0x300000);
	char *path = tmp_write(im.buf, im.len);
	struct guest_ram ram;
	struct vcpu_state st;

	ram_init(&ram);
	struct boot_params p = {.image = path};
	if (load_ok(&p, &ram, &st, name) == 0) {
		ok(memcmp(ram.host + 0x300000, im.buf + 0x400, 0x800) == 0,
		   "%s: file bytes 0x400-0xbff at 0x300000", name);
		is_u64(st.rip, 0x300000, "%s: entry_addr", name);
		is_u64(st.gpr[GPR_RBX], 0x301000, "%s: info on the next page", name);
		struct range r[] = {{0x300000, 0x300800}, {0x301000, 0x302000}};
		check_written_only(&ram, r, 2, name);
	}
	free(ram.host);
	tmp_remove(path);
	free(im.buf);
}

/* Bit 16 on an ELF file: the address fields win over the ELF headers (3.1.2). */
static void test_aout_on_elf(void)
{
	const char *name = "a.out kludge on an ELF file";
	const struct tseg segs[] = {{PT_LOAD, 0x100000, 0x100, 0x100, 9}};
	struct image im = elf_build(32, 0x100000, segs, 1, MB_FLAG_ADDRESS);
	struct guest_ram ram;
	struct vcpu_state st;

	mb_addr_put(im.buf + MB_HDR_OFF, 0x300000 + MB_HDR_OFF, 0x300000, 0, 0, 0x300040);
	char *path = tmp_write(im.buf, im.len);
	ram_init(&ram);
	struct boot_params p = {.image = path};
	if (load_ok(&p, &ram, &st, name) == 0) {
		ok(memcmp(ram.host + 0x300000, im.buf, im.len) == 0, "%s: whole file at 0x300000",
		   name);
		is_u64(st.rip, 0x300040, "%s: entry_addr, not e_entry", name);
		ok(ram.host[0x100000] == TEST_FILL, "%s: the ELF segment's address untouched",
		   name);
	}
	free(ram.host);
	tmp_remove(path);
	free(im.buf);
}

/* Load an ELF32 kernel with segment segs[0] and an initrd of rd_size pattern bytes. */
static int load_with_initrd(const struct tseg *seg, size_t rd_size, struct guest_ram *ram,
			    struct vcpu_state *st, struct mb_expect *x, char **paths,
			    const char *name)
{
	struct image im = elf_build(32, seg->paddr, seg, 1, 0);
	uint8_t *rd = malloc(rd_size + 1);

	fill_pat(rd, rd_size, 10);
	paths[0] = tmp_write(im.buf, im.len);
	paths[1] = tmp_write(rd, rd_size);
	free(rd);
	free(im.buf);
	ram_init(ram);
	struct boot_params p = {.image = paths[0], .initrd = paths[1]};
	x->initrd = paths[1];
	x->initrd_seed = 10;
	x->initrd_size = rd_size;
	x->after = seg->paddr + seg->memsz;
	return load_ok(&p, ram, st, name);
}

static void test_initrd(void)
{
	const char *name = "initrd";
	const struct tseg seg = {PT_LOAD, 0x100000, 0x800, 0x800, 11};
	struct guest_ram ram;
	struct vcpu_state st;
	struct mb_expect x = {0};
	char *paths[2], cmdline[600];

	if (load_with_initrd(&seg, 0x1801, &ram, &st, &x, paths, name) == 0) {
		snprintf(cmdline, sizeof(cmdline), "%s ", paths[0]);
		x.cmdline = cmdline;
		uint64_t end = check_info(&ram, &st, &x, name);
		uint64_t mods = rd32(&ram, st.gpr[GPR_RBX] + 24);
		is_u64(rd32(&ram, mods), 0x101000, "%s: mod_start on the page after the kernel",
		       name);
		is_u64(rd32(&ram, mods + 4), 0x102801, "%s: mod_end one past the last byte", name);
		is_u64(st.gpr[GPR_RBX], 0x103000, "%s: info on the page after the module", name);
		struct range r[] = {{0x100000, 0x100800}, {0x101000, 0x102801}, {0x103000, end}};
		check_written_only(&ram, r, 3, name);
	}
	free(ram.host);
	tmp_remove(paths[0]);
	tmp_remove(paths[1]);
}

/* A kernel just below the EBDA: the module skips [0x9fc00, 1 MiB) and goes to 1 MiB. */
static void test_low_kernel(void)
{
	const char *name = "low kernel";
	const struct tseg seg = {PT_LOAD, 0x90000, 0xf000, 0xf000, 12};
	struct guest_ram ram;
	struct vcpu_state st;
	struct mb_expect x = {0};
	char *paths[2], cmdline[600];

	if (load_with_initrd(&seg, 0x2000, &ram, &st, &x, paths, name) == 0) {
		snprintf(cmdline, sizeof(cmdline), "%s ", paths[0]);
		x.cmdline = cmdline;
		uint64_t end = check_info(&ram, &st, &x, name);
		is_u64(rd32(&ram, rd32(&ram, st.gpr[GPR_RBX] + 24)), 0x100000,
		       "%s: module moved to 1 MiB", name);
		is_u64(st.gpr[GPR_RBX], 0x102000, "%s: info after the module", name);
		ok(is_pat(ram.host + 0x90000, 0xf000, 12), "%s: kernel bytes", name);
		struct range r[] = {{0x90000, 0x9f000}, {0x100000, 0x102000}, {0x102000, end}};
		check_written_only(&ram, r, 3, name);
	}
	free(ram.host);
	tmp_remove(paths[0]);
	tmp_remove(paths[1]);
}

/* A small kernel in low memory: the info fits right after it, below the EBDA. */
static void test_low_info(void)
{
	const char *name = "info in low memory";
	const struct tseg segs[] = {{PT_LOAD, 0x10000, 0x400, 0x400, 13}};
	struct image im = elf_build(32, 0x10000, segs, 1, 0);
	char *path = tmp_write(im.buf, im.len);
	struct guest_ram ram;
	struct vcpu_state st;

	ram_init(&ram);
	struct boot_params p = {.image = path};
	if (load_ok(&p, &ram, &st, name) == 0)
		is_u64(st.gpr[GPR_RBX], 0x11000, "%s: info at 0x11000", name);
	free(ram.host);
	tmp_remove(path);
	free(im.buf);
}

/* An empty initrd is a module with mod_start == mod_end. */
static void test_empty_initrd(void)
{
	const char *name = "empty initrd";
	const struct tseg seg = {PT_LOAD, 0x100000, 0x800, 0x800, 14};
	struct guest_ram ram;
	struct vcpu_state st;
	struct mb_expect x = {0};
	char *paths[2];

	if (load_with_initrd(&seg, 0, &ram, &st, &x, paths, name) == 0) {
		uint64_t mods = rd32(&ram, st.gpr[GPR_RBX] + 24);
		is_u64(rd32(&ram, st.gpr[GPR_RBX] + 20), 1, "%s: mods_count 1", name);
		is_u64(rd32(&ram, mods + 4), rd32(&ram, mods), "%s: mod_end == mod_start", name);
	}
	free(ram.host);
	tmp_remove(paths[0]);
	tmp_remove(paths[1]);
}

/* Bits 0-2 are understood, bits 17-31 optional (3.1.2): every one alone loads. */
static void test_accepted_flags(void)
{
	const struct tseg segs[] = {{PT_LOAD, 0x100000, 0x100, 0x100, 15}};

	for (int bit = 0; bit < 32; bit++) {
		if ((bit > 2 && bit < 17))
			continue;
		struct image im = elf_build(32, 0x100000, segs, 1, 1u << bit);
		char *path = tmp_write(im.buf, im.len);
		struct guest_ram ram;
		struct vcpu_state st;
		char *msg = NULL;
		ram_init(&ram);
		struct boot_params p = {.image = path};
		int rc = run_loader(multiboot_load, &p, &ram, &st, &msg);
		ok(rc == 0 && msg[0] == '\0', "header flags bit %d accepted", bit);
		free(msg);
		free(ram.host);
		tmp_remove(path);
		free(im.buf);
	}
}

int main(void)
{
	test_elf32();
	test_cmdline_empty();
	test_elf64();
	test_aout_bss();
	test_aout_offset();
	test_aout_on_elf();
	test_initrd();
	test_low_kernel();
	test_low_info();
	test_empty_initrd();
	test_accepted_flags();
	return tap_done();
}

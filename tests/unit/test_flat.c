/* SPDX-License-Identifier: MIT */
/*
 * flat_load in each entry mode (state, page tables, the real-mode CS:IP rule)
 * and its refusals; guest_ram_contains at its edges; boot_load's dispatch.
 */
#include "boot_test.h"

#define IMAGE_SEED 0x3c

static uint8_t image_byte(size_t i)
{
	return (uint8_t)(i * 13 + IMAGE_SEED);
}

static char *flat_image(size_t len)
{
	uint8_t *buf = malloc(len);
	for (size_t i = 0; i < len; i++)
		buf[i] = image_byte(i);
	char *path = tmp_write(buf, len);
	free(buf);
	return path;
}

static int image_at(const struct guest_ram *ram, uint64_t gpa, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (ram->host[gpa + i] != image_byte(i))
			return 0;
	return 1;
}

/* Load a len-byte image in mode entry (at addr, or the default if addr is ~0). */
static int load(enum vx86_entry entry, uint64_t addr, size_t len, struct guest_ram *ram,
		struct vcpu_state *st, const char *name)
{
	char *path = flat_image(len), *msg = NULL;
	struct boot_params p = {.image = path, .entry = entry};

	if (addr != ~0ull)
		p.load_addr = addr, p.load_addr_set = 1;
	ram_init(ram);
	int rc = run_loader(flat_load, &p, ram, st, &msg);
	if (!ok(rc == 0 && msg[0] == '\0', "%s: loads without a message", name))
		printf("#   rc %d, message: %s\n", rc, msg);
	free(msg);
	tmp_remove(path);
	return rc;
}

static void refuse(enum vx86_entry entry, uint64_t addr, size_t len, int want_rc,
		   const char *needle, const char *name)
{
	char *path = flat_image(len);
	struct boot_params p = {.image = path, .entry = entry};

	if (addr != ~0ull)
		p.load_addr = addr, p.load_addr_set = 1;
	check_refusal(flat_load, &p, path, want_rc, needle, name);
	tmp_remove(path);
}

static void check_real_state(const struct vcpu_state *st, uint16_t cs, uint64_t ip,
			     const char *name)
{
	static const enum seg data[] = {SEG_DS, SEG_ES, SEG_FS, SEG_GS};
	static const char *const data_name[] = {"DS", "ES", "FS", "GS"};
	char what[64];
	int others = 0;

	snprintf(what, sizeof(what), "%s: CS", name);
	check_segment(&st->seg[SEG_CS], cs, (uint64_t)cs << 4, 0xffff, 0xb, true, false, false,
		      false, what);
	for (int i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "%s: %s", name, data_name[i]);
		check_segment(&st->seg[data[i]], cs, (uint64_t)cs << 4, 0xffff, 0x3, true, false,
			      false, false, what);
	}
	snprintf(what, sizeof(what), "%s: SS", name);
	check_segment(&st->seg[SEG_SS], 0x9000, 0x90000, 0xffff, 0x3, true, false, false, false,
		      what);
	is_u64(st->rip, ip, "%s: IP", name);
	is_u64(st->gpr[GPR_RSP], 0xfc00, "%s: SP (SS:SP = 9000:fc00)", name);
	for (int r = 0; r < GPR_COUNT; r++)
		others |= r != GPR_RSP && st->gpr[r] != 0;
	ok(!others, "%s: the other general registers are zero", name);
	is_u64(st->cr0, 0x10, "%s: CR0 = ET, real mode", name);
	ok(st->cr3 == 0 && st->cr4 == 0 && st->efer == 0, "%s: CR3, CR4, EFER zero", name);
	ok(st->gdt.base == 0 && st->gdt.limit == 0xffff, "%s: GDTR at its reset value", name);
	check_system_state(st, 0x3, name);
}

static void test_real(void)
{
	struct guest_ram ram;
	struct vcpu_state st;

	if (load(VX86_ENTRY_REAL, ~0ull, 0x200, &ram, &st, "real default") == 0) {
		ok(image_at(&ram, 0x7c00, 0x200), "real default: image at 0x7c00");
		check_real_state(&st, 0, 0x7c00, "real default");
		struct range r[] = {{0x7c00, 0x7e00}};
		check_written_only(&ram, r, 1, "real default");
	}
	free(ram.host);
	/* Below 64 KiB any address works as IP with CS = 0. */
	if (load(VX86_ENTRY_REAL, 0xfff3, 0x100, &ram, &st, "real at 0xfff3") == 0) {
		ok(image_at(&ram, 0xfff3, 0x100), "real at 0xfff3: image");
		ok(st.seg[SEG_CS].selector == 0 && st.rip == 0xfff3, "real at 0xfff3: 0000:fff3");
	}
	free(ram.host);
	/* Above, a paragraph-aligned address becomes CS with IP = 0. */
	if (load(VX86_ENTRY_REAL, 0x20000, 0x300, &ram, &st, "real at 0x20000") == 0) {
		ok(image_at(&ram, 0x20000, 0x300), "real at 0x20000: image");
		check_real_state(&st, 0x2000, 0, "real at 0x20000");
		struct range r[] = {{0x20000, 0x20300}};
		check_written_only(&ram, r, 1, "real at 0x20000");
	}
	free(ram.host);
}

static void test_real_refusals(void)
{
	refuse(VX86_ENTRY_REAL, 0x20008, 0x10, -EINVAL,
	       "real-mode load address 0x20008 must be below 0x10000 or 16-byte aligned",
	       "real, unaligned above 64 KiB");
	refuse(VX86_ENTRY_REAL, 0x9ff00, 0x200, -ERANGE,
	       "image 0x9ff00-0xa00ff overlaps the legacy hole 0xa0000-0xfffff",
	       "real, into the legacy hole");
	refuse(VX86_ENTRY_REAL, 0xfff00, 0x200, -ERANGE,
	       "image 0xfff00-0x1000ff does not fit below 1 MiB (real mode)", "real, across 1 MiB");
	refuse(VX86_ENTRY_REAL, 0x100000, 0x10, -ERANGE, "does not fit below 1 MiB (real mode)",
	       "real, above 1 MiB");
}

/* The flat 32-bit state shared with multiboot, without EAX/EBX. */
static void check_prot_segments(const struct vcpu_state *st, bool long_mode, const char *name)
{
	static const enum seg data[] = {SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS};
	static const char *const data_name[] = {"DS", "ES", "FS", "GS", "SS"};
	char what[64];

	snprintf(what, sizeof(what), "%s: CS", name);
	check_segment(&st->seg[SEG_CS], 0x08, 0, 0xffffffff, 0xb, true, long_mode, !long_mode, true,
		      what);
	for (int i = 0; i < 5; i++) {
		snprintf(what, sizeof(what), "%s: %s", name, data_name[i]);
		check_segment(&st->seg[data[i]], 0x10, 0, 0xffffffff, 0x3, true, false, true, true,
			      what);
	}
	check_system_state(st, 0xb, name);
	ok(st->gdt.base == 0x8000 && st->gdt.limit == 23, "%s: GDTR 0x8000/23", name);
	is_u64(st->gpr[GPR_RSP], 0x9fc00, "%s: ESP at the top of low RAM", name);
	int others = 0;
	for (int r = 0; r < GPR_COUNT; r++)
		others |= r != GPR_RSP && st->gpr[r] != 0;
	ok(!others, "%s: the other general registers (EAX, EBX too) are zero", name);
}

static void check_gdt(const struct guest_ram *ram, uint64_t code, const char *name)
{
	is_u64(rd64(ram, 0x8000), 0, "%s: GDT[0] null", name);
	is_u64(rd64(ram, 0x8008), code, "%s: GDT[1] code", name);
	is_u64(rd64(ram, 0x8010), 0x00cf93000000ffffull, "%s: GDT[2] flat data", name);
}

static void test_protected(void)
{
	const char *name = "protected";
	struct guest_ram ram;
	struct vcpu_state st;

	if (load(VX86_ENTRY_PROTECTED, ~0ull, 0x1234, &ram, &st, name) == 0) {
		ok(image_at(&ram, 0x100000, 0x1234), "%s: image at 1 MiB", name);
		is_u64(st.rip, 0x100000, "%s: EIP is the load address", name);
		is_u64(st.cr0, 0x11, "%s: CR0 = PE | ET", name);
		ok(st.cr3 == 0 && st.cr4 == 0 && st.efer == 0, "%s: CR3, CR4, EFER zero", name);
		check_prot_segments(&st, false, name);
		check_gdt(&ram, 0x00cf9b000000ffffull, name);
		struct range r[] = {{0x8000, 0x8018}, {0x100000, 0x101234}};
		check_written_only(&ram, r, 2, name);
	}
	free(ram.host);
	if (load(VX86_ENTRY_PROTECTED, 0x300000, 0x10, &ram, &st, "protected at 0x300000") == 0)
		is_u64(st.rip, 0x300000, "protected at 0x300000: EIP");
	free(ram.host);
	refuse(VX86_ENTRY_PROTECTED, 0x7c00, 0x1000, -EINVAL,
	       "image 0x7c00-0x8bff overlaps vx86's GDT 0x8000-0x8017", "protected over the GDT");
}

static int is_zero_range(const struct guest_ram *ram, uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a < end; a++)
		if (ram->host[a])
			return 0;
	return 1;
}

/* PML4[0] -> PDPT[0..3] -> 4 PDs of 2 MiB pages: identity for the first 4 GiB. */
static void check_page_tables(const struct guest_ram *ram, const char *name)
{
	int bad_pml4 = 0, bad_pdpt = 0, bad_pd = 0;

	is_u64(rd64(ram, 0x9000), 0xa000 | 0x3, "%s: PML4[0] -> PDPT, present, writable", name);
	for (int i = 1; i < 512; i++)
		bad_pml4 |= rd64(ram, 0x9000 + 8 * i) != 0;
	ok(!bad_pml4, "%s: PML4[1..511] not present", name);
	for (int i = 0; i < 512; i++) {
		uint64_t want = i < 4 ? (0xb000 + 0x1000 * (uint64_t)i) | 0x3 : 0;
		bad_pdpt |= rd64(ram, 0xa000 + 8 * i) != want;
	}
	ok(!bad_pdpt, "%s: PDPT[0..3] -> 4 page directories, the rest not present", name);
	for (uint64_t k = 0; k < 4 * 512; k++)
		if (rd64(ram, 0xb000 + 8 * k) != ((k << 21) | 0x83))
			bad_pd++;
	ok(!bad_pd, "%s: 2048 PDEs map 2 MiB pages 1:1 (P|RW|PS)", name);
	is_u64(rd64(ram, 0xb000 + 8 * 2047), 0xffe00083, "%s: last PDE maps 4 GiB - 2 MiB", name);
	ok(is_zero_range(ram, 0x8018, 0x9000), "%s: rest of the GDT page zero", name);
}

static void test_long(void)
{
	const char *name = "long";
	struct guest_ram ram;
	struct vcpu_state st;

	if (load(VX86_ENTRY_LONG, ~0ull, 0x800, &ram, &st, name) == 0) {
		ok(image_at(&ram, 0x100000, 0x800), "%s: image at 1 MiB", name);
		is_u64(st.rip, 0x100000, "%s: RIP is the load address", name);
		is_u64(st.cr0, 0x80000011, "%s: CR0 = PE | ET | PG", name);
		is_u64(st.cr4, 0x20, "%s: CR4 = PAE", name);
		is_u64(st.efer, 0x500, "%s: EFER = LME | LMA", name);
		is_u64(st.cr3, 0x9000, "%s: CR3 = PML4", name);
		check_prot_segments(&st, true, name);
		check_gdt(&ram, 0x00af9b000000ffffull, name);
		check_page_tables(&ram, name);
		struct range r[] = {{0x8000, 0xf000}, {0x100000, 0x100800}};
		check_written_only(&ram, r, 2, name);
	}
	free(ram.host);
	if (load(VX86_ENTRY_LONG, 0x7000, 0x1000, &ram, &st, "long just below the tables") == 0)
		is_u64(st.rip, 0x7000, "long just below the tables: RIP");
	free(ram.host);
	if (load(VX86_ENTRY_LONG, 0xf000, 0x1000, &ram, &st, "long just above the tables") == 0)
		ok(image_at(&ram, 0xf000, 0x1000), "long just above the tables: image");
	free(ram.host);
	refuse(VX86_ENTRY_LONG, 0x7000, 0x1001, -EINVAL,
	       "image 0x7000-0x8000 overlaps vx86's GDT and page tables 0x8000-0xefff",
	       "long, one byte into the GDT");
	refuse(VX86_ENTRY_LONG, 0xe000, 0x2000, -EINVAL,
	       "image 0xe000-0xffff overlaps vx86's GDT and page tables 0x8000-0xefff",
	       "long, over the page directories");
}

static void test_refusals(void)
{
	struct boot_params p = {.image = "/tmp/vx86-boot-test-no-such-file",
				.entry = VX86_ENTRY_PROTECTED};
	char *empty = tmp_write("", 0);

	check_refusal(flat_load, &p, p.image, -ENOENT, "No such file or directory", "missing");
	p.image = empty;
	check_refusal(flat_load, &p, empty, -ENOEXEC, "empty file", "empty");
	tmp_remove(empty);
	refuse(VX86_ENTRY_PROTECTED, 0x7ff000, 0x2000, -ERANGE,
	       "image 0x7ff000-0x800fff lies outside guest RAM (8 MiB)", "protected beyond RAM");
	refuse(VX86_ENTRY_LONG, 0xffffffffffffff00ull, 0x200, -ERANGE,
	       "image 0xffffffffffffff00-0xffffffffffffffff lies outside guest RAM (8 MiB)",
	       "long at a wrapping address");
	refuse(VX86_ENTRY_PROTECTED, 0xc0000, 0x100, -ERANGE,
	       "image 0xc0000-0xc00ff overlaps the legacy hole 0xa0000-0xfffff",
	       "protected in the legacy hole");
	refuse(VX86_ENTRY_NONE, ~0ull, 0x100, -EINVAL, "no entry mode", "flat_load without a mode");
	/* The image fits in a 36 KiB RAM, but vx86's long-mode tables do not. */
	char *path = flat_image(0x100);
	struct boot_params lp = {
		.image = path, .entry = VX86_ENTRY_LONG, .load_addr = 0x1000, .load_addr_set = 1};
	check_refusal_ram(flat_load, &lp, 0x9000, path, -ERANGE,
			  "GDT and page tables 0x8000-0xefff lies outside guest RAM (36 KiB)",
			  "long-mode tables beyond a tiny RAM");
	tmp_remove(path);
}

static void test_guest_ram_contains(void)
{
	const uint64_t sz = TEST_RAM_SIZE;
	static const struct {
		uint64_t gpa, len;
		int want;
	} cases[] = {
		{0, 0xa0000, 1},
		{0, 0xa0001, 0},
		{0x9ffff, 1, 1},
		{0xa0000, 1, 0},
		{0xfffff, 1, 0},
		{0x100000, 1, 1},
		{0x9f000, 0x62000, 0},
		{0x100000, TEST_RAM_SIZE - 0x100000, 1},
		{0x100000, TEST_RAM_SIZE - 0x100000 + 1, 0},
		{TEST_RAM_SIZE - 1, 1, 1},
		{TEST_RAM_SIZE, 0, 1},
		{TEST_RAM_SIZE, 1, 0},
		{TEST_RAM_SIZE + 1, 0, 0},
		{UINT64_MAX, 2, 0},
		{0x10, UINT64_MAX, 0},
	};
	struct guest_ram ram = {.host = NULL, .size = sz};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_u64(guest_ram_contains(&ram, cases[i].gpa, cases[i].len), cases[i].want,
		       "guest_ram_contains(0x%llx, 0x%llx)", (unsigned long long)cases[i].gpa,
		       (unsigned long long)cases[i].len);
}

/* boot_load: a mode means flat; VX86_ENTRY_NONE means multiboot. */
static void test_dispatch(void)
{
	char *path = flat_image(0x100), *msg = NULL;
	struct boot_params p = {.image = path, .entry = VX86_ENTRY_REAL};
	struct guest_ram ram;
	struct vcpu_state st;

	ram_init(&ram);
	ok(run_loader(boot_load, &p, &ram, &st, &msg) == 0 && st.rip == 0x7c00,
	   "boot_load with a mode loads a flat binary");
	free(msg);
	free(ram.host);
	p.entry = VX86_ENTRY_NONE;
	check_refusal(boot_load, &p, path, -ENOEXEC, "not a multiboot image",
		      "boot_load without a mode wants multiboot");
	tmp_remove(path);
}

int main(void)
{
	test_guest_ram_contains();
	test_real();
	test_real_refusals();
	test_protected();
	test_long();
	test_refusals();
	test_dispatch();
	return tap_done();
}

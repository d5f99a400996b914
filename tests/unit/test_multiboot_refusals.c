/* SPDX-License-Identifier: MIT */
/*
 * Every image multiboot_load must refuse: each refusal returns a negative errno,
 * prints exactly one line "vx86: <file>: <problem>", and leaves guest RAM and
 * the vCPU state untouched.
 */
#include <stddef.h>
#include <sys/stat.h>

#include "boot_test.h"
#include "mb_image.h"

/* Write im to a file, expect the refusal, clean up. */
static void refuse_image(const struct image *im, int want_rc, const char *needle, const char *name)
{
	char *path = tmp_write(im->buf, im->len);
	struct boot_params p = {.image = path};

	check_refusal(multiboot_load, &p, path, want_rc, needle, name);
	tmp_remove(path);
}

/* A refusal whose message is known exactly, after "vx86: <path>: ". */
static void refuse_exact(const struct image *im, int want_rc, const char *msg, const char *name)
{
	refuse_image(im, want_rc, msg, name);
	char *path = tmp_write(im->buf, im->len), *got = NULL, want[700];
	struct boot_params p = {.image = path};
	struct guest_ram ram;
	struct vcpu_state st;

	ram_init(&ram);
	run_loader(multiboot_load, &p, &ram, &st, &got);
	snprintf(want, sizeof(want), "vx86: %s: %s\n", path, msg);
	if (!ok(strcmp(got, want) == 0, "%s: exact message", name))
		printf("#   got:  %s#   want: %s", got, want);
	free(got);
	free(ram.host);
	tmp_remove(path);
}

static struct image elf32_one(uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	const struct tseg s = {PT_LOAD, paddr, filesz, memsz, 1};
	return elf_build(32, paddr, &s, 1, 0);
}

static void test_files(void)
{
	struct boot_params p = {.image = "/tmp/vx86-boot-test-no-such-file"};
	struct image empty = {.buf = (uint8_t *)"", .len = 0};

	check_refusal(multiboot_load, &p, p.image, -ENOENT, "No such file or directory",
		      "missing file");
	p.image = "/tmp";
	check_refusal(multiboot_load, &p, "/tmp", -EISDIR, "Is a directory", "directory");
	refuse_image(&empty, -ENOEXEC, "empty file", "empty file");
	/* /proc reports size 0, so this reads through the buffer-growing path. */
	p.image = "/proc/self/maps";
	check_refusal(multiboot_load, &p, p.image, -ENOEXEC, "not a multiboot image",
		      "file of unknown size");
}

static void test_header_search(void)
{
	struct image im = {.len = 16384, .buf = calloc(1, 16384)};
	const char *none = "not a multiboot image (no header in the first 8 KiB)";
	const char *not_elf = "not an ELF file and the multiboot header has no address fields "
			      "(flags bit 16)";

	refuse_exact(&im, -ENOEXEC, none, "no header");
	mb_header_put(im.buf + 8192, 0);
	refuse_exact(&im, -ENOEXEC, none, "header at 8 KiB, beyond the search");
	memset(im.buf + 8192, 0, 12);
	mb_header_put(im.buf + 8184, 0);
	refuse_exact(&im, -ENOEXEC, none, "header straddling 8 KiB");
	memset(im.buf + 8184, 0, 12);
	mb_header_put(im.buf + 8180, 0);
	refuse_exact(&im, -ENOEXEC, not_elf, "header ending at 8 KiB is found");
	memset(im.buf + 8180, 0, 12);
	mb_header_put(im.buf + 0x102, 0);
	refuse_exact(&im, -ENOEXEC, none, "misaligned header is not a header");
	memset(im.buf + 0x102, 0, 12);
	mb_header_put(im.buf + 0x100, 0);
	refuse_exact(&im, -ENOEXEC, not_elf, "header but neither ELF nor a.out kludge");
	im.buf[0x108] ^= 1;
	refuse_image(&im, -ENOEXEC, "bad multiboot header checksum at offset 0x100",
		     "bad checksum");
	free(im.buf);
}

/* 3.1.2: bits 3-15 are requirements vx86 does not know; each alone must fail. */
static void test_required_flags(void)
{
	char needle[64], name[64];

	for (int bit = 3; bit < 16; bit++) {
		struct image im = elf32_one(0x100000, 0x100, 0x100);
		mb_header_put(im.buf + MB_HDR_OFF, 1u << bit | 0x3);
		snprintf(needle, sizeof(needle), "unsupported required flags 0x%x", 1u << bit);
		snprintf(name, sizeof(name), "required flag bit %d", bit);
		refuse_image(&im, -EOPNOTSUPP, needle, name);
		free(im.buf);
	}
}

static void patch16(struct image *im, size_t off, uint16_t v)
{
	put_u16(im->buf + off, v);
}

static void test_elf_header(void)
{
	struct image im = elf32_one(0x100000, 0x100, 0x100);

	im.buf[EI_CLASS] = 3;
	refuse_image(&im, -ENOEXEC, "unsupported ELF class 3", "ELF class");
	im.buf[EI_CLASS] = ELFCLASS32;
	im.buf[EI_DATA] = ELFDATA2MSB;
	refuse_image(&im, -ENOEXEC, "not little-endian", "big-endian ELF");
	im.buf[EI_DATA] = ELFDATA2LSB;
	patch16(&im, offsetof(Elf32_Ehdr, e_machine), EM_X86_64);
	refuse_image(&im, -ENOEXEC, "ELF32 file for machine 62, expected EM_386", "ELF32 machine");
	patch16(&im, offsetof(Elf32_Ehdr, e_machine), EM_386);
	patch16(&im, offsetof(Elf32_Ehdr, e_type), ET_DYN);
	refuse_image(&im, -ENOEXEC, "ELF type 3 is not an executable (ET_EXEC)", "ELF type");
	patch16(&im, offsetof(Elf32_Ehdr, e_type), ET_EXEC);
	patch16(&im, offsetof(Elf32_Ehdr, e_phnum), 0);
	refuse_image(&im, -ENOEXEC, "no PT_LOAD segments", "no program headers");
	patch16(&im, offsetof(Elf32_Ehdr, e_phnum), 1);
	patch16(&im, offsetof(Elf32_Ehdr, e_phentsize), sizeof(Elf64_Phdr));
	refuse_image(&im, -ENOEXEC, "unsupported program header table (1 entries of 56 bytes)",
		     "program header entry size");
	patch16(&im, offsetof(Elf32_Ehdr, e_phentsize), sizeof(Elf32_Phdr));
	put_u32(im.buf + offsetof(Elf32_Ehdr, e_phoff), (uint32_t)im.len - 16);
	refuse_image(&im, -ENOEXEC, "truncated: the program header table", "truncated phdrs");
	free(im.buf);

	/* ELF identification and header cut short, with a multiboot header in the file. */
	uint8_t small[30] = {0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2LSB, EV_CURRENT};
	mb_header_put(small + 16, 0);
	struct image tiny = {.buf = small, .len = sizeof(small)};
	refuse_image(&tiny, -ENOEXEC, "truncated: the ELF32 header needs 52 bytes",
		     "truncated ELF header");
}

static void test_elf_segments(void)
{
	const struct tseg note = {PT_NOTE, 0x100000, 0x10, 0x10, 1};
	struct image im = elf_build(32, 0x100000, &note, 1, 0);
	size_t ph = im.phoff;

	refuse_image(&im, -ENOEXEC, "no PT_LOAD segments", "only a PT_NOTE");
	free(im.buf);
	im = elf32_one(0x100000, 0x100, 0x100);
	put_u32(im.buf + ph + offsetof(Elf32_Phdr, p_offset), (uint32_t)im.len - 0x10);
	refuse_image(&im, -ENOEXEC, "truncated: segment 0 file bytes", "truncated segment");
	free(im.buf);
	im = elf32_one(0x100000, 0x200, 0x100);
	refuse_image(&im, -ENOEXEC, "p_filesz 0x200 is larger than p_memsz 0x100",
		     "filesz > memsz");
	free(im.buf);
	im = elf32_one(0x7f0000, 0x100, 0x20000);
	refuse_exact(&im, -ERANGE, "segment 0x7f0000-0x80ffff lies outside guest RAM (8 MiB)",
		     "segment beyond RAM");
	free(im.buf);
	im = elf32_one(0xb8000, 0x1000, 0x1000);
	refuse_exact(&im, -ERANGE,
		     "segment 0xb8000-0xb8fff overlaps the legacy hole 0xa0000-0xfffff",
		     "segment in the legacy hole");
	free(im.buf);
	im = elf32_one(0x9f000, 0x1000, 0x2000);
	refuse_exact(&im, -ERANGE,
		     "segment 0x9f000-0xa0fff overlaps the legacy hole 0xa0000-0xfffff",
		     "bss reaching into the legacy hole");
	free(im.buf);
}

static void test_elf64(void)
{
	const struct tseg s = {PT_LOAD, 0x100000, 0x100, 0x100, 1};
	struct image im = elf_build(64, 0x100000000ull, &s, 1, 0);

	refuse_image(&im, -ENOEXEC, "entry point 0x100000000 is above 4 GiB", "ELF64 entry");
	free(im.buf);
	im = elf_build(64, 0x100000, &s, 1, 0);
	patch16(&im, offsetof(Elf64_Ehdr, e_machine), EM_386);
	refuse_image(&im, -ENOEXEC, "ELF64 file for machine 3, expected EM_X86_64",
		     "ELF64 machine");
	free(im.buf);
	const struct tseg high = {PT_LOAD, 0xffffffff00000000ull, 0x100, 0x100, 1};
	im = elf_build(64, 0x100000, &high, 1, 0);
	refuse_exact(&im, -ERANGE,
		     "segment 0xffffffff00000000-0xffffffff000000ff lies outside guest RAM (8 MiB)",
		     "ELF64 segment far above RAM");
	free(im.buf);
}

static void test_aout(void)
{
	struct image im = aout_build(0x1000, 2, 0x40, 0x100040, 0x100000, 0x102000, 0, 0x100000);

	refuse_image(&im, -ENOEXEC, "truncated: the multiboot load range 0x100000-0x101fff",
		     "a.out load range beyond the file");
	free(im.buf);
	im = aout_build(0x1000, 2, 0x40, 0x100040, 0x100080, 0, 0, 0x100080);
	refuse_image(&im, -ENOEXEC, "load_addr 0x100080 is above header_addr 0x100040",
		     "a.out load_addr above header_addr");
	free(im.buf);
	im = aout_build(0x1000, 2, 0x40, 0x100040, 0xff000, 0, 0, 0x100000);
	refuse_image(&im, -ENOEXEC, "before the file", "a.out load start before the file");
	free(im.buf);
	im = aout_build(0x1000, 2, 0x40, 0x100040, 0x100000, 0xff000, 0, 0x100000);
	refuse_image(&im, -ENOEXEC, "load_end_addr 0xff000 is below load_addr 0x100000",
		     "a.out load_end_addr below load_addr");
	free(im.buf);
	im = aout_build(0x1000, 2, 0x40, 0x100040, 0x100000, 0, 0x100800, 0x100000);
	refuse_image(&im, -ENOEXEC, "bss_end_addr 0x100800 is below the end of the loaded data",
		     "a.out bss_end_addr inside the data");
	free(im.buf);
	im = aout_build(0x1000, 2, 0x40, 0x90040, 0x90000, 0, 0xb0000, 0x90000);
	refuse_exact(&im, -ERANGE,
		     "segment 0x90000-0xaffff overlaps the legacy hole 0xa0000-0xfffff",
		     "a.out bss in the legacy hole");
	free(im.buf);
	im = aout_build(0x1000, 2, 0x40, 0x7ff040, 0x7ff000, 0, 0x900000, 0x7ff000);
	refuse_exact(&im, -ERANGE, "segment 0x7ff000-0x8fffff lies outside guest RAM (8 MiB)",
		     "a.out bss beyond RAM");
	free(im.buf);
	im = aout_build(0x1000, 2, 0x40, 0x100040, 0x100000, 0x100000, 0, 0x100000);
	im.len = 0x40 + 32; /* load_end_addr = load_addr and the file ends with the header */
	refuse_image(&im, -ENOEXEC, "the multiboot address fields load nothing",
		     "a.out loading nothing");
	free(im.buf);
	/* Bit 16 set, but the file ends inside the address fields. */
	im = aout_build(0x100, 2, 0x40, 0, 0, 0, 0, 0);
	im.len = 0x50; /* the file ends 16 bytes into the 32-byte header */
	refuse_image(&im, -ENOEXEC, "truncated: the multiboot header at offset 0x40",
		     "a.out header cut short");
	free(im.buf);
}

/* Kernel good, but what goes after it does not fit: the message names the right file. */
static void test_placement(void)
{
	struct image im = elf32_one(0x100000, 0x100, 0x100);
	char *kernel = tmp_write(im.buf, im.len);
	char *rd = tmp_write("", 0);
	struct boot_params p = {.image = kernel, .initrd = "/tmp/vx86-boot-test-no-initrd"};

	check_refusal(multiboot_load, &p, p.initrd, -ENOENT, "No such file or directory",
		      "missing initrd");
	if (truncate(rd, TEST_RAM_SIZE) < 0)
		abort();
	p.initrd = rd;
	check_refusal(multiboot_load, &p, rd, -ENOSPC,
		      "module of 8388608 bytes does not fit in guest RAM (8 MiB)",
		      "initrd larger than RAM");
	tmp_remove(rd);
	tmp_remove(kernel);
	free(im.buf);
	/* Multiboot's memory map and mem_upper assume RAM above 1 MiB. */
	im = elf32_one(0x10000, 0x100, 0x100);
	kernel = tmp_write(im.buf, im.len);
	p = (struct boot_params){.image = kernel};
	check_refusal_ram(multiboot_load, &p, 1ull << 20, kernel, -ENOSPC,
			  "guest RAM (1 MiB) is too small for a multiboot kernel", "RAM of 1 MiB");
	tmp_remove(kernel);
	free(im.buf);
	/* A kernel (with bss) reaching the end of RAM leaves no room for the info. */
	im = elf32_one(0x100000, 0x100, TEST_RAM_SIZE - 0x100000);
	refuse_image(&im, -ENOSPC, "no room in guest RAM (8 MiB) for the multiboot information",
		     "no room for the info");
	free(im.buf);
}

int main(void)
{
	test_files();
	test_header_search();
	test_required_flags();
	test_elf_header();
	test_elf_segments();
	test_elf64();
	test_aout();
	test_placement();
	return tap_done();
}

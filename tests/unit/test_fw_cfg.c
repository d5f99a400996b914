/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for machine/fw_cfg.c, driven through the port bus as a guest
 * would: every item, the file directory and etc/e820 byte by byte (BE and LE
 * encodings), reads past the end, unknown and architecture-local keys, the
 * selector rewinding, ignored data writes and refused widths.
 */
#include <errno.h>
#include <string.h>

#include "machine/devices.h"
#include "tap.h"

#define SEL  FW_CFG_PORT
#define DATA (FW_CFG_PORT + 1)
#define MiB  (1024ull * 1024)

struct rig {
	struct bus bus;
	struct fw_cfg f;
};

static void rig_init(struct rig *r, uint64_t ram_size)
{
	bus_init(&r->bus, "port");
	if (fw_cfg_init(&r->f, &r->bus, ram_size, 1) != 0)
		exit(2);
}

static void select_key(struct rig *r, uint16_t key)
{
	bus_write(&r->bus, SEL, 2, key);
}

static uint8_t rd8(struct rig *r)
{
	uint64_t v;

	bus_read(&r->bus, DATA, 1, &v);
	return (uint8_t)v;
}

static void rd(struct rig *r, void *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = rd8(r);
}

/* n bytes of the current item as a little-endian (le) or big-endian number. */
static uint64_t rdnum(struct rig *r, unsigned n, bool le)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t b = rd8(r);
		v = le ? v | b << (8 * i) : v << 8 | b;
	}
	return v;
}

static void test_region(void)
{
	struct rig r;

	rig_init(&r, 128 * MiB);
	ok(r.bus.nregions == 1 && r.bus.region[0].base == 0x510 && r.bus.region[0].len == 2 &&
		   strcmp(r.bus.region[0].name, "fw_cfg") == 0,
	   "claims ports 0x510-0x511 as \"fw_cfg\" (no DMA port 0x514)");
	uint64_t v;
	ok(!bus_read(&r.bus, 0x514, 4, &v), "port 0x514 (DMA address) is not claimed");
}

static void test_fixed_items(void)
{
	struct rig r;
	char sig[5] = "";

	rig_init(&r, 256 * MiB);
	select_key(&r, 0x0000);
	rd(&r, sig, 4);
	ok(strcmp(sig, "QEMU") == 0, "key 0x0000: signature \"QEMU\" (got \"%s\")", sig);
	is_u64(rd8(&r), 0, "key 0x0000: the byte after the signature reads 0");
	select_key(&r, 0x0001);
	is_u64(rdnum(&r, 4, true), 1, "key 0x0001: ID 1 (traditional interface, no DMA)");
	select_key(&r, 0x0003);
	is_u64(rdnum(&r, 8, true), 256 * MiB, "key 0x0003: RAM size, 64-bit LE");
	is_u64(rd8(&r), 0, "key 0x0003: past its 8 bytes reads 0");
	select_key(&r, 0x0005);
	is_u64(rdnum(&r, 2, true), 1, "key 0x0005: NB_CPUS = 1, 16-bit LE");
	is_u64(rd8(&r), 0, "key 0x0005: past its 2 bytes reads 0");
	select_key(&r, 0x000f);
	is_u64(rdnum(&r, 2, true), 1, "key 0x000f: MAX_CPUS = 1, 16-bit LE");

	rig_init(&r, 3072 * MiB);
	select_key(&r, 0x0003);
	is_u64(rdnum(&r, 8, true), 3072 * MiB, "key 0x0003: 3 GiB RAM size");
}

static void test_unknown_keys(void)
{
	static const uint16_t keys[] = {0x0002, 0x0004, 0x0006, 0x000e, 0x0010, 0x0011,
					0x0018, 0x001a, 0x0021, 0x0024, 0x3fff, 0x8000,
					0x8002, 0x8003, 0xc000, 0xffff};
	struct rig r;

	rig_init(&r, 64 * MiB);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		select_key(&r, keys[i]);
		uint64_t sum = 0;
		for (int j = 0; j < 64; j++)
			sum |= rd8(&r);
		is_u64(sum, 0, "key 0x%04x (no item): 64 reads give 0", keys[i]);
	}
}

static void test_selector(void)
{
	struct rig r;
	uint64_t v;

	rig_init(&r, 64 * MiB);
	select_key(&r, 0x0000);
	rd8(&r), rd8(&r);
	select_key(&r, 0x0000);
	is_u64(rd8(&r), 'Q', "selecting the same key again rewinds it to offset 0");
	select_key(&r, 0x4000);
	is_u64(rd8(&r), 'Q', "key 0x4000: the write flag (bit 14) is not part of the key");
	bus_read(&r.bus, SEL, 1, &v);
	is_u64(v, 'E', "a byte read of 0x510 reads data too (QEMU's combined decode)");
	bus_write(&r.bus, DATA, 1, 0x55);
	bus_write(&r.bus, SEL, 1, 0x05);
	is_u64(rd8(&r), 'M', "byte writes (data register) are ignored: no select, no advance");
	bus_write(&r.bus, SEL, 4, 0x0003);
	is_u64(rd8(&r), 'U', "a 4-byte write is not a select");
	bus_write(&r.bus, DATA, 2, 0x0003);
	is_u64(rd8(&r), 0, "a 2-byte write at 0x511 is not a select (past the end of \"QEMU\")");
	select_key(&r, 0x0000);
	bus_read(&r.bus, DATA, 2, &v);
	is_u64(v, 0xffff, "2-byte data read: refused width reads all ones");
	bus_read(&r.bus, DATA, 4, &v);
	is_u64(v, 0xffffffff, "4-byte data read: refused width reads all ones");
	is_u64(rd8(&r), 'Q', "refused reads do not advance the offset");
	bus_write(&r.bus, SEL, 2, 0x10003);
	is_u64(rdnum(&r, 8, true), 64 * MiB, "the selector takes 16 bits (0x10003 selects 0x0003)");
}

/* The directory: BE32 count, then size BE32, select BE16, reserved, name[56]. */
static void test_file_dir(void)
{
	struct rig r;
	char name[57] = "";

	rig_init(&r, 64 * MiB);
	select_key(&r, 0x0019);
	is_u64(rdnum(&r, 4, false), 1, "key 0x0019: one file, count big-endian");
	is_u64(rdnum(&r, 4, false), 4 * 20, "etc/e820 entry: size 80 (4 entries), BE32");
	is_u64(rdnum(&r, 2, false), 0x20, "etc/e820 entry: select 0x0020, BE16");
	is_u64(rdnum(&r, 2, false), 0, "etc/e820 entry: reserved 0");
	rd(&r, name, 56);
	ok(strcmp(name, "etc/e820") == 0, "etc/e820 entry: name (got \"%s\")", name);
	ok(memchr(name, 0, 56) && name[55] == 0, "name is NUL-padded to 56 bytes");
	is_u64(rd8(&r), 0, "past the directory (4 + 64 bytes) reads 0");
}

static void test_e820(uint64_t ram_size)
{
	const uint64_t want[][3] = {
		{0, 0x9fc00, 1},
		{0x9fc00, 0x400, 2},
		{0xf0000, 0x10000, 2},
		{0x100000, ram_size - 0x100000, 1},
	};
	struct rig r;

	rig_init(&r, ram_size);
	select_key(&r, 0x0020);
	for (int i = 0; i < 4; i++) {
		uint64_t base = rdnum(&r, 8, true), len = rdnum(&r, 8, true);
		uint64_t type = rdnum(&r, 4, true);
		if (!ok(base == want[i][0] && len == want[i][1] && type == want[i][2],
			"RAM %llu MiB: e820[%d] = {0x%llx, 0x%llx, %llu} (LE)",
			(unsigned long long)(ram_size / MiB), i, (unsigned long long)want[i][0],
			(unsigned long long)want[i][1], (unsigned long long)want[i][2]))
			printf("#   got {0x%llx, 0x%llx, %llu}\n", (unsigned long long)base,
			       (unsigned long long)len, (unsigned long long)type);
	}
	is_u64(rd8(&r), 0, "RAM %llu MiB: past the 4 e820 entries reads 0",
	       (unsigned long long)(ram_size / MiB));
}

static void test_add_file(void)
{
	static const uint8_t blob[] = {1, 2, 3};
	struct rig r;
	char name[57];

	rig_init(&r, 64 * MiB);
	is_u64(fw_cfg_add_file(&r.f, "bootorder", blob, sizeof(blob)), 0, "add \"bootorder\"");
	is_u64(fw_cfg_add_file(&r.f, "zz", NULL, 0), 0, "add an empty file \"zz\"");
	select_key(&r, 0x0019);
	is_u64(rdnum(&r, 4, false), 3, "directory: 3 files");
	const char *order[] = {"bootorder", "etc/e820", "zz"};
	const uint32_t size[] = {3, 80, 0};
	for (int i = 0; i < 3; i++) {
		uint32_t sz = (uint32_t)rdnum(&r, 4, false);
		uint16_t key = (uint16_t)rdnum(&r, 2, false);
		rdnum(&r, 2, false);
		rd(&r, name, 56);
		name[56] = 0;
		ok(strcmp(name, order[i]) == 0 && key == 0x20 + i && sz == size[i],
		   "directory entry %d: \"%s\", key 0x%x, size %u (sorted by name)", i, order[i],
		   0x20 + i, size[i]);
	}
	select_key(&r, 0x0020);
	is_u64(rdnum(&r, 3, true), 0x030201, "key 0x0020 is now \"bootorder\"");
	select_key(&r, 0x0021);
	rdnum(&r, 8, true);
	is_u64(rdnum(&r, 8, true), 0x9fc00, "key 0x0021 is now etc/e820 (entry 0 length 0x9fc00)");
	select_key(&r, 0x0022);
	is_u64(rd8(&r), 0, "the empty file reads 0");
	ok(fw_cfg_add_file(&r.f, "zz", blob, 1) == -EEXIST, "a name twice: -EEXIST");
	ok(fw_cfg_add_file(&r.f, "", blob, 1) == -EINVAL, "an empty name: -EINVAL");
	memset(name, 'a', 56);
	name[56] = 0;
	ok(fw_cfg_add_file(&r.f, name, blob, 1) == -EINVAL, "a 56-byte name: -EINVAL");
	name[55] = 0;
	is_u64(fw_cfg_add_file(&r.f, name, blob, 1), 0, "a 55-byte name fits");
	ok(fw_cfg_add_file(&r.f, "x", blob, 1) == -ENOSPC, "a fifth file: -ENOSPC");
}

int main(void)
{
	test_region();
	test_fixed_items();
	test_unknown_keys();
	test_selector();
	test_file_dir();
	test_e820(64 * MiB);
	test_e820(2 * MiB);
	test_e820(3072 * MiB);
	test_add_file();
	return tap_done();
}

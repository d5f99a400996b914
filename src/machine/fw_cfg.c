/* SPDX-License-Identifier: MIT */
/*
 * QEMU's firmware configuration device (devices.h), the x86 port interface of
 * QEMU docs/specs/fw_cfg.rst ("fw_cfg.rst" below), which kvm-unit-tests'
 * lib/x86/fwcfg.c and firmware read.
 *
 * Registers (fw_cfg.rst, "Selector (Control) Register", "Data Register"; the
 * x86 ports as QEMU decodes them, one two-port region at 0x510):
 * - a 2-byte write at 0x510 selects the item with that key (little-endian) and
 *   rewinds the data offset to 0;
 * - a 1-byte read of 0x511 returns the item's byte at the offset and advances
 *   it; past the item's end, or for a key with no item, it returns 0. QEMU
 *   decodes a byte read of 0x510 the same way, so vx86 does too;
 * - byte writes (to the data register) are ignored, as in QEMU since v2.4.
 *   Bit 14 of the key (the old write flag) is not part of the key;
 * - QEMU refuses the other widths: vx86 reads them as all ones, like an
 *   unclaimed port, and drops the writes. Nothing advances.
 * There is no DMA interface: the ID item has bit 0 (traditional interface)
 * only and port 0x514 is not claimed.
 *
 * Items (fw_cfg.rst, "Firmware Configuration Items"): the "QEMU" signature,
 * ID, RAM size (64-bit LE), CPU counts (16-bit LE), the file directory
 * (big-endian, "FW_CFG_FILE_DIR") and the files, from key 0x20 up, in the
 * directory's name order as QEMU numbers them. Architecture-local keys
 * (bit 15: ACPI, SMBIOS, ...) have no items in vx86.
 */
#include <errno.h>
#include <string.h>

#include "boot/boot.h"
#include "machine/devices.h"

enum {
	FW_CFG_SIGNATURE = 0x00,
	FW_CFG_ID = 0x01,
	FW_CFG_RAM_SIZE = 0x03,
	FW_CFG_NB_CPUS = 0x05,
	FW_CFG_MAX_CPUS = 0x0f,
	FW_CFG_FILE_DIR = 0x19,
};

#define FW_CFG_WRITE_CHANNEL  0x4000 /* fw_cfg.rst: bit 14, the write flag */
#define FW_CFG_ARCH_LOCAL     0x8000 /* fw_cfg.rst: bit 15, architecture-specific keys */
#define FW_CFG_ID_TRADITIONAL 0x01   /* fw_cfg.rst, "FW_CFG_ID": bit 0 */
#define FW_CFG_DIR_ENTRY      64     /* size BE32, select BE16, reserved BE16, name[56] */

/* QEMU's struct e820_entry (hw/i386/e820_memory_layout.h): address, length, type, LE. */
#define E820_ENTRY_SIZE 20
#define E820_RAM	1
#define E820_RESERVED	2

/* README "Guest ABI", the same map the multiboot loader reports. */
#define LOW_RAM_END 0x9fc00ull /* the EBDA starts here */

static const struct {
	uint64_t base, end;
	uint32_t type;
} fw_cfg_low_map[] = {
	{0, LOW_RAM_END, E820_RAM},
	{LOW_RAM_END, LEGACY_HOLE_START, E820_RESERVED}, /* EBDA */
	{0xf0000, LEGACY_HOLE_END, E820_RESERVED},	 /* system BIOS */
};

static const uint8_t fw_cfg_empty[1]; /* the data of a file of 0 bytes */

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static const struct fw_cfg_item *fw_cfg_current(const struct fw_cfg *f)
{
	unsigned idx = f->key & ~FW_CFG_WRITE_CHANNEL;

	if (f->key & FW_CFG_ARCH_LOCAL)
		return NULL;
	if (idx >= sizeof(f->item) / sizeof(f->item[0]) || !f->item[idx].data)
		return NULL;
	return &f->item[idx];
}

static uint64_t fw_cfg_read(void *opaque, uint64_t offset, unsigned size)
{
	struct fw_cfg *f = opaque;
	const struct fw_cfg_item *it;

	(void)offset; /* a byte read of either port reads data, as QEMU decodes them */
	if (size != 1)
		return ~0ull;
	it = fw_cfg_current(f);
	if (!it || f->offset >= it->len)
		return 0; /* fw_cfg.rst: reads past the end (or of no item) return 0 */
	return it->data[f->offset++];
}

static void fw_cfg_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct fw_cfg *f = opaque;

	/* Only the 16-bit selector write does anything; data writes are no-ops. */
	if (offset != 0 || size != 2)
		return;
	f->key = (uint16_t)value;
	f->offset = 0;
}

static void fw_cfg_set(struct fw_cfg *f, unsigned key, const uint8_t *data, uint32_t len)
{
	f->item[key] = (struct fw_cfg_item){.data = data, .len = len};
}

/* The directory and the file keys again, after the file list changed. */
static void fw_cfg_dir_build(struct fw_cfg *f)
{
	memset(f->file_dir, 0, sizeof(f->file_dir));
	put_be(f->file_dir, f->nfiles, 4);
	for (unsigned i = 0; i < f->nfiles; i++) {
		const struct fw_cfg_file *file = &f->file[i];
		uint8_t *e = f->file_dir + 4 + i * FW_CFG_DIR_ENTRY;

		put_be(e, file->len, 4);
		put_be(e + 4, FW_CFG_FILE_KEY0 + i, 2);
		memcpy(e + 8, file->name, FW_CFG_NAME_LEN);
		fw_cfg_set(f, FW_CFG_FILE_KEY0 + i, file->data, file->len);
	}
	fw_cfg_set(f, FW_CFG_FILE_DIR, f->file_dir, 4 + f->nfiles * FW_CFG_DIR_ENTRY);
}

int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len)
{
	size_t n = strlen(name);
	unsigned at = 0;

	if (n == 0 || n >= FW_CFG_NAME_LEN) {
		fprintf(stderr, "vx86: fw_cfg: file name \"%s\": must be 1 to %d bytes\n", name,
			FW_CFG_NAME_LEN - 1);
		return -EINVAL;
	}
	while (at < f->nfiles && strcmp(f->file[at].name, name) < 0)
		at++;
	if (at < f->nfiles && strcmp(f->file[at].name, name) == 0) {
		fprintf(stderr, "vx86: fw_cfg: file \"%s\" added twice\n", name);
		return -EEXIST;
	}
	if (f->nfiles == FW_CFG_FILE_MAX) {
		fprintf(stderr, "vx86: fw_cfg: no room for file \"%s\" (%d files at most)\n", name,
			FW_CFG_FILE_MAX);
		return -ENOSPC;
	}
	memmove(&f->file[at + 1], &f->file[at], (f->nfiles - at) * sizeof(f->file[0]));
	memset(&f->file[at], 0, sizeof(f->file[at]));
	memcpy(f->file[at].name, name, n);
	f->file[at].data = len ? data : fw_cfg_empty;
	f->file[at].len = len;
	f->nfiles++;
	fw_cfg_dir_build(f);
	return 0;
}

/* "etc/e820": the machine's memory map in QEMU's entry format. Returns its size. */
static uint32_t fw_cfg_e820_build(struct fw_cfg *f, uint64_t ram_size)
{
	unsigned n = 0;

	for (; n < sizeof(fw_cfg_low_map) / sizeof(fw_cfg_low_map[0]); n++) {
		uint8_t *e = f->e820 + n * E820_ENTRY_SIZE;

		put_le(e, fw_cfg_low_map[n].base, 8);
		put_le(e + 8, fw_cfg_low_map[n].end - fw_cfg_low_map[n].base, 8);
		put_le(e + 16, fw_cfg_low_map[n].type, 4);
	}
	if (ram_size > LEGACY_HOLE_END) {
		uint8_t *e = f->e820 + n++ * E820_ENTRY_SIZE;

		put_le(e, LEGACY_HOLE_END, 8);
		put_le(e + 8, ram_size - LEGACY_HOLE_END, 8);
		put_le(e + 16, E820_RAM, 4);
	}
	return n * E820_ENTRY_SIZE;
}

int fw_cfg_init(struct fw_cfg *f, struct bus *pio, uint64_t ram_size, unsigned ncpus)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->signature, "QEMU", 4);
	put_le(f->id, FW_CFG_ID_TRADITIONAL, 4);
	put_le(f->ram_size, ram_size, 8);
	put_le(f->nb_cpus, ncpus, 2);
	put_le(f->max_cpus, ncpus, 2);
	fw_cfg_set(f, FW_CFG_SIGNATURE, f->signature, sizeof(f->signature));
	fw_cfg_set(f, FW_CFG_ID, f->id, sizeof(f->id));
	fw_cfg_set(f, FW_CFG_RAM_SIZE, f->ram_size, sizeof(f->ram_size));
	fw_cfg_set(f, FW_CFG_NB_CPUS, f->nb_cpus, sizeof(f->nb_cpus));
	fw_cfg_set(f, FW_CFG_MAX_CPUS, f->max_cpus, sizeof(f->max_cpus));
	fw_cfg_dir_build(f);

	int ret = fw_cfg_add_file(f, "etc/e820", f->e820, fw_cfg_e820_build(f, ram_size));
	if (ret)
		return ret;
	return bus_register(pio, FW_CFG_PORT, 2, "fw_cfg", f, fw_cfg_read, fw_cfg_write);
}

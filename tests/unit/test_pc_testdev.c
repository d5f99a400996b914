/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for machine/pc_testdev.c through the port and MMIO buses: the
 * scratch register at every width and offset, the
 * flush-page port (RAM contents kept, outside RAM ignored, refused widths), the
 * IRQ line ports and their recorded levels, and the 64 KiB MMIO window with its
 * edges.
 */
#include <string.h>
#include <sys/mman.h>

#include "boot/boot.h"
#include "machine/devices.h"
#include "tap.h"

#define RAM_SIZE (2u << 20)

struct rig {
	struct bus pio, mmio;
	struct guest_ram ram;
	struct pc_testdev t;
};

static struct rig *rig_new(void)
{
	struct rig *r = calloc(1, sizeof(*r));
	void *p = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!r || p == MAP_FAILED)
		exit(2);
	bus_init(&r->pio, "port");
	bus_init(&r->mmio, "mmio");
	r->ram = (struct guest_ram){.host = p, .size = RAM_SIZE};
	if (pc_testdev_init(&r->t, &r->pio, &r->mmio, &r->ram) != 0)
		exit(2);
	return r;
}

static void rig_free(struct rig *r)
{
	munmap(r->ram.host, RAM_SIZE);
	free(r);
}

static uint64_t in(struct rig *r, unsigned port, unsigned size)
{
	uint64_t v;

	bus_read(&r->pio, port, size, &v);
	return v;
}

static void out(struct rig *r, unsigned port, unsigned size, uint64_t v)
{
	bus_write(&r->pio, port, size, v);
}

static uint64_t mrd(struct rig *r, uint64_t gpa, unsigned size)
{
	uint64_t v;

	bus_read(&r->mmio, gpa, size, &v);
	return v;
}

static void test_regions(void)
{
	struct rig *r = rig_new();
	static const struct {
		uint64_t base, len;
		const char *name;
	} want[] = {
		{0xe0, 4, "pc-testdev-ioport"},
		{0xe4, 4, "pc-testdev-flush-page"},
		{0x2000, 24, "pc-testdev-irq-line"},
	};

	is_u64(r->pio.nregions, 3, "3 port regions (no alias at 0xe8: 0xe9 is debugcon's)");
	for (int i = 0; i < 3; i++)
		ok(r->pio.region[i].base == want[i].base && r->pio.region[i].len == want[i].len &&
			   strcmp(r->pio.region[i].name, want[i].name) == 0,
		   "port region %s at 0x%llx, %llu ports", want[i].name,
		   (unsigned long long)want[i].base, (unsigned long long)want[i].len);
	ok(r->mmio.nregions == 1 && r->mmio.region[0].base == 0xff000000 &&
		   r->mmio.region[0].len == 0x10000,
	   "MMIO region at 0xff000000, 64 KiB");
	rig_free(r);
}

static void test_scratch(void)
{
	struct rig *r = rig_new();

	is_u64(in(r, 0xe0, 4), 0, "scratch starts at 0");
	out(r, 0xe0, 1, 0xff);
	is_u64(in(r, 0xe0, 1), 0xff, "OUTB 0xff, INB 0xe0 (realmode.c io_test1)");
	out(r, 0xe0, 2, 0xffff);
	is_u64(in(r, 0xe0, 2), 0xffff, "OUTW 0xffff, INW 0xe0");
	out(r, 0xe0, 4, 0xffffffff);
	is_u64(in(r, 0xe0, 4), 0xffffffff, "OUTL 0xffffffff, INL 0xe0");
	out(r, 0xe0, 4, 0x44332211);
	is_u64(in(r, 0xe1, 1), 0x22, "INB 0xe1: byte 1 of the register");
	is_u64(in(r, 0xe2, 2), 0x4433, "INW 0xe2: bytes 2-3");
	is_u64(in(r, 0xe3, 1), 0x44, "INB 0xe3: byte 3");
	is_u64(in(r, 0xe2, 4), 0x4433, "INL 0xe2: bytes past 0xe3 read 0");
	out(r, 0xe1, 1, 0xaa);
	is_u64(in(r, 0xe0, 4), 0x4433aa11, "OUTB 0xe1 changes byte 1 only");
	out(r, 0xe2, 2, 0xbbcc);
	is_u64(in(r, 0xe0, 4), 0xbbccaa11, "OUTW 0xe2 changes bytes 2-3 only");
	out(r, 0xe3, 4, 0x12345678);
	is_u64(in(r, 0xe0, 4), 0x78ccaa11, "OUTL 0xe3: only byte 3 is the register's");
	out(r, 0xe0, 2, 0x9999);
	is_u64(in(r, 0xe0, 1), 0x99, "OUTW 0x9999 then INB (emulator.c string_io_mmio)");
	ok(!bus_write(&r->pio, 0xe8, 1, 1), "port 0xe8 is not the device's");
	rig_free(r);
}

static void test_flush(void)
{
	struct rig *r = rig_new();

	memset(r->ram.host + 0x5000, 0x5a, 4096);
	out(r, 0xe4, 4, 0x5123);
	is_u64(r->t.flushes, 1, "OUTL 0xe4 of a RAM address flushes one page");
	ok(r->ram.host[0x5000] == 0x5a && r->ram.host[0x5fff] == 0x5a,
	   "the flushed page keeps its contents");
	r->ram.host[0x5000] = 0x11;
	is_u64(r->ram.host[0x5000], 0x11, "the flushed page is writable again");
	out(r, 0xe4, 4, 0xa0000);
	out(r, 0xe4, 4, RAM_SIZE);
	out(r, 0xe4, 4, 0xfffff000);
	is_u64(r->t.flushes, 1, "addresses outside RAM (legacy hole, past the end) are ignored");
	out(r, 0xe4, 1, 0x5000);
	out(r, 0xe4, 2, 0x5000);
	out(r, 0xe5, 4, 0x5000);
	is_u64(r->t.flushes, 1, "1- and 2-byte writes, and writes at 0xe5, are not flushes");
	is_u64(in(r, 0xe4, 4), 0, "INL 0xe4 reads 0");
	is_u64(in(r, 0xe4, 1), 0xff, "INB 0xe4 (a width QEMU refuses) reads all ones");
	is_u64(in(r, 0xe0, 4), 0, "flushes leave the scratch register alone");
	r->t.ram = NULL;
	out(r, 0xe4, 4, 0x5000);
	is_u64(r->t.flushes, 1, "without RAM the port does nothing");
	rig_free(r);
}

static void test_irq(void)
{
	struct rig *r = rig_new();
	bool any = false;

	for (unsigned n = 0; n < 32; n++)
		any |= pc_testdev_irq_level(&r->t, n);
	ok(!any, "every line starts low");
	out(r, 0x2000 + 4, 1, 1);
	ok(pc_testdev_irq_level(&r->t, 4), "OUTB 1 to 0x2004 raises line 4");
	out(r, 0x2000 + 23, 1, 0x80);
	ok(pc_testdev_irq_level(&r->t, 23), "OUTB 0x80 to 0x2017 raises line 23 (any non-zero)");
	out(r, 0x2000 + 4, 1, 0);
	ok(!pc_testdev_irq_level(&r->t, 4) && pc_testdev_irq_level(&r->t, 23),
	   "OUTB 0 to 0x2004 lowers line 4 only");
	out(r, 0x2000 + 5, 2, 1);
	out(r, 0x2000 + 6, 4, 1);
	ok(!pc_testdev_irq_level(&r->t, 5) && !pc_testdev_irq_level(&r->t, 6),
	   "2- and 4-byte writes (refused by QEMU) change no line");
	out(r, 0x2000 + 7, 1, 0x100);
	ok(!pc_testdev_irq_level(&r->t, 7), "only the byte counts: 0x100 is 0");
	ok(!pc_testdev_irq_level(&r->t, 24) && !pc_testdev_irq_level(&r->t, 1000),
	   "lines past 23 read low");
	ok(!bus_write(&r->pio, 0x2018, 1, 1), "port 0x2018 is not the device's");
	is_u64(in(r, 0x2017, 1), 0, "INB of an IRQ port reads 0");
	is_u64(r->t.irq_levels, 1u << 23, "the recorded levels: line 23 only");
	rig_free(r);
}

static void test_iomem(void)
{
	struct rig *r = rig_new();
	const uint64_t base = PC_TESTDEV_MMIO;

	is_u64(mrd(r, base, 8), 0, "the window starts zeroed");
	bus_write(&r->mmio, base + 0x10, 8, 0x8877665544332211ull);
	is_u64(mrd(r, base + 0x10, 8), 0x8877665544332211ull, "8-byte write/read");
	is_u64(mrd(r, base + 0x11, 1), 0x22, "little-endian: byte 1");
	is_u64(mrd(r, base + 0x12, 2), 0x4433, "2-byte read inside");
	is_u64(mrd(r, base + 0x14, 4), 0x88776655, "4-byte read inside");
	bus_write(&r->mmio, base + 4095, 2, 0x88aa);
	ok(r->t.iomem[4095] == 0xaa && r->t.iomem[4096] == 0x88,
	   "a write across a 4 KiB boundary (emulator.c cross-page mmio)");
	is_u64(mrd(r, base + 4095, 2), 0x88aa, "and reads back");
	bus_write(&r->mmio, base + 0xffff, 1, 0x7e);
	is_u64(mrd(r, base + 0xffff, 1), 0x7e, "the last byte is the window's");
	bus_write(&r->mmio, base + 0xfffe, 4, 0x44332211);
	is_u64(mrd(r, base + 0xfffe, 4), 0xffff2211, "past the end: written bytes kept, rest ones");
	ok(!bus_write(&r->mmio, base + 0x10000, 1, 1), "0xff010000 is not the device's");
	ok(!bus_write(&r->mmio, base - 1, 1, 1), "0xfeffffff is not the device's");
	rig_free(r);
}

int main(void)
{
	test_regions();
	test_scratch();
	test_flush();
	test_irq();
	test_iomem();
	return tap_done();
}

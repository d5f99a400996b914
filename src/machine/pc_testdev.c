/* SPDX-License-Identifier: MIT */
/*
 * QEMU's pc-testdev (devices.h), as QEMU's hw/misc/pc-testdev.c behaves and as
 * kvm-unit-tests uses it (x86/realmode.c, x86/emulator.c, x86/amd_sev.c: the
 * scratch port at every width and with string I/O; x86/eventinj.c: the flush
 * port; lib/x86/apic.c set_irq_line: the IRQ ports; x86/ioram.h: the MMIO
 * window at 0xff000000, 64 KiB).
 *
 * - Ports 0xe0-0xe3: one 32-bit little-endian scratch register. An access of
 *   n bytes at port 0xe0 + k reads or writes its bytes k .. k + n - 1; bytes
 *   past 0xe3 are not the register's (they read as 0, as QEMU computes them).
 *   QEMU also aliases the register at 0xe8-0xeb; vx86 does not, because port
 *   0xe9 is its debug console (devices.h) and kvm-unit-tests never uses 0xe8.
 * - Port 0xe4, 4-byte writes: "flush" the guest page holding the address
 *   written. QEMU mprotects the host page away and back so KVM drops its
 *   mapping and the guest's next access to the page faults into KVM; vx86 does
 *   the same to its RAM mapping (for the emu engine this changes nothing a guest
 *   can see). An address outside RAM is ignored. 4-byte reads return 0.
 * - Ports 0x2000 + n, n < 24, 1-byte writes: set ISA IRQ line n to (value != 0).
 *   vx86 has no PIC or I/O APIC yet, so the level is only recorded
 *   (pc_testdev_irq_level) and NO interrupt is delivered to the vCPU. Reads
 *   return 0.
 * - MMIO [0xff000000, +64 KiB): read/write memory backed by the device, any
 *   access width, little-endian; bytes of an access past the end are not the
 *   device's (read as all ones, writes dropped, like the unclaimed bus).
 * Widths QEMU refuses on the flush and IRQ ports read as all ones (like an
 * unclaimed port) and their writes are dropped.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boot/boot.h"
#include "machine/devices.h"

#define SCRATCH_PORTS 4
#define FLUSH_PORT    (PC_TESTDEV_PORT + 4)
#define GUEST_PAGE    4096ull

static uint64_t pc_testdev_scratch_read(void *opaque, uint64_t offset, unsigned size)
{
	const struct pc_testdev *t = opaque;
	uint64_t v = 0;

	for (unsigned i = 0; i < size && offset + i < SCRATCH_PORTS; i++)
		v |= (uint64_t)((t->scratch >> (8 * (offset + i))) & 0xff) << (8 * i);
	return v;
}

static void pc_testdev_scratch_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pc_testdev *t = opaque;

	for (unsigned i = 0; i < size && offset + i < SCRATCH_PORTS; i++) {
		unsigned shift = 8 * (unsigned)(offset + i);

		t->scratch &= ~(0xffu << shift);
		t->scratch |= (uint32_t)((value >> (8 * i)) & 0xff) << shift;
	}
}

static uint64_t pc_testdev_flush_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque;
	return offset == 0 && size == 4 ? 0 : ~0ull;
}

/* Take the host page(s) of guest page `gpa` away and back (see the top comment). */
static void pc_testdev_flush_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pc_testdev *t = opaque;
	uint64_t gpa = value & ~(GUEST_PAGE - 1);
	uint64_t host_page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (offset != 0 || size != 4 || !t->ram || !guest_ram_contains(t->ram, gpa, GUEST_PAGE))
		return;
	uint8_t *p = t->ram->host + (gpa & ~(host_page - 1));
	size_t len = host_page > GUEST_PAGE ? host_page : GUEST_PAGE;

	if (mprotect(p, len, PROT_NONE) == 0)
		mprotect(p, len, PROT_READ | PROT_WRITE);
	t->flushes++;
}

static uint64_t pc_testdev_irq_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque, (void)offset;
	return size == 1 ? 0 : ~0ull;
}

static void pc_testdev_irq_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pc_testdev *t = opaque;

	if (size != 1 || offset >= PC_TESTDEV_IRQ_LINES)
		return;
	if (value & 0xff)
		t->irq_levels |= 1u << offset;
	else
		t->irq_levels &= ~(1u << offset);
}

static uint64_t pc_testdev_iomem_read(void *opaque, uint64_t offset, unsigned size)
{
	const struct pc_testdev *t = opaque;
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t b = offset + i < PC_TESTDEV_IOMEM_LEN ? t->iomem[offset + i] : 0xff;
		v |= b << (8 * i);
	}
	return v;
}

static void pc_testdev_iomem_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pc_testdev *t = opaque;

	for (unsigned i = 0; i < size && i < 8 && offset + i < PC_TESTDEV_IOMEM_LEN; i++)
		t->iomem[offset + i] = (uint8_t)(value >> (8 * i));
}

/* The regions, as QEMU's realize lays them out. */
struct pc_testdev_region {
	uint64_t base, len;
	bool mmio;
	const char *name;
	bus_read_fn read;
	bus_write_fn write;
};

static const struct pc_testdev_region pc_testdev_regions[] = {
	{PC_TESTDEV_PORT, SCRATCH_PORTS, false, "pc-testdev-ioport", pc_testdev_scratch_read,
	 pc_testdev_scratch_write},
	{FLUSH_PORT, 4, false, "pc-testdev-flush-page", pc_testdev_flush_read,
	 pc_testdev_flush_write},
	{PC_TESTDEV_IRQ, PC_TESTDEV_IRQ_LINES, false, "pc-testdev-irq-line", pc_testdev_irq_read,
	 pc_testdev_irq_write},
	{PC_TESTDEV_MMIO, PC_TESTDEV_IOMEM_LEN, true, "pc-testdev-iomem", pc_testdev_iomem_read,
	 pc_testdev_iomem_write},
};

int pc_testdev_init(struct pc_testdev *t, struct bus *pio, struct bus *mmio,
		    const struct guest_ram *ram)
{
	memset(t, 0, sizeof(*t));
	t->ram = ram;
	for (size_t i = 0; i < sizeof(pc_testdev_regions) / sizeof(pc_testdev_regions[0]); i++) {
		const struct pc_testdev_region *r = &pc_testdev_regions[i];
		int ret = bus_register(r->mmio ? mmio : pio, r->base, r->len, r->name, t, r->read,
				       r->write);
		if (ret)
			return ret;
	}
	return 0;
}

bool pc_testdev_irq_level(const struct pc_testdev *t, unsigned line)
{
	return line < PC_TESTDEV_IRQ_LINES && (t->irq_levels >> line) & 1;
}

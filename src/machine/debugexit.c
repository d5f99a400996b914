/* SPDX-License-Identifier: MIT */
/*
 * isa-debug-exit (devices.h), compatible with QEMU's
 * -device isa-debug-exit,iobase=0xf4,iosize=4: it claims 4 ports, and a 1, 2 or
 * 4 byte write of v to any of them asks the machine to stop. QEMU then calls
 * exit((v << 1) | 1), so the status a shell sees is that value truncated to 8
 * bits; debugexit_status returns the same truncated value so a guest's status is
 * identical under both. Only the first write counts (QEMU is gone after it).
 * Reads are not decoded and give all ones.
 */
#include "machine/devices.h"

#define DEBUG_EXIT_PORTS 4

static void debugexit_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct debugexit *d = opaque;

	(void)offset;
	if (d->requested)
		return;
	switch (size) {
	case 1:
		value &= 0xff;
		break;
	case 2:
		value &= 0xffff;
		break;
	case 4:
		value &= 0xffffffff;
		break;
	default: /* not an x86 port access size */
		return;
	}
	d->requested = true;
	d->value = (uint32_t)value;
}

int debugexit_init(struct debugexit *d, struct bus *pio, uint16_t port)
{
	d->requested = false;
	d->value = 0;
	return bus_register(pio, port, DEBUG_EXIT_PORTS, "debug-exit", d, NULL, debugexit_write);
}

int debugexit_status(const struct debugexit *d)
{
	if (!d->requested)
		return -1;
	/* The process exit status keeps the low 8 bits (POSIX wait status). */
	return (int)((((uint64_t)d->value << 1) | 1) & 0xff);
}

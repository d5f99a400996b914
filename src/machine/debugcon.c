/* SPDX-License-Identifier: MIT */
/*
 * Port 0xE9 debug console (devices.h), the Bochs "port e9 hack" that QEMU also
 * provides as -device isa-debugcon. A write sends one byte to `out`, flushed at
 * once so it interleaves correctly with COM1 output. Writes of 2 or 4 bytes send
 * only the low byte, as QEMU does. Any read returns 0xE9 (zero-extended for wider
 * reads), which is how a guest detects that the port is there.
 */
#include "machine/devices.h"

#define DEBUGCON_READBACK 0xe9

static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque;
	(void)offset;
	(void)size;
	return DEBUGCON_READBACK;
}

static void debugcon_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct debugcon *d = opaque;

	(void)offset;
	(void)size;
	if (!d->out)
		return;
	fputc((unsigned char)value, d->out);
	fflush(d->out);
}

int debugcon_init(struct debugcon *d, struct bus *pio, uint16_t port, FILE *out)
{
	d->out = out;
	return bus_register(pio, port, 1, "debugcon", d, debugcon_read, debugcon_write);
}

/* SPDX-License-Identifier: MIT */
/*
 * Address-decoded buses: one for port I/O, one for MMIO. A device claims a range
 * with one call; an access nobody claims reads as all ones and its write is
 * dropped, as on a PC with nothing on the bus.
 */
#ifndef VX86_MACHINE_BUS_H
#define VX86_MACHINE_BUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t (*bus_read_fn)(void *opaque, uint64_t offset, unsigned size);
typedef void (*bus_write_fn)(void *opaque, uint64_t offset, unsigned size, uint64_t value);

#define BUS_MAX_REGIONS 32

struct bus_region {
	uint64_t base;
	uint64_t len;
	const char *name;
	void *opaque;
	bus_read_fn read;   /* NULL: reads as all ones */
	bus_write_fn write; /* NULL: writes dropped */
};

struct bus {
	const char *name; /* "port" or "mmio", for messages and traces */
	struct bus_region region[BUS_MAX_REGIONS];
	unsigned nregions;
	FILE *trace; /* non-NULL: print every access, claimed or not */
};

void bus_init(struct bus *b, const char *name);

/*
 * Claim [base, base + len). Returns 0, or -EEXIST if it overlaps a claimed range,
 * -ENOSPC if the bus is full, -EINVAL for an empty range; prints one message
 * naming both devices and the addresses.
 */
int bus_register(struct bus *b, uint64_t base, uint64_t len, const char *name, void *opaque,
		 bus_read_fn read, bus_write_fn write);

/* Returns true if a device claimed the access. Unclaimed reads give all ones. */
bool bus_read(struct bus *b, uint64_t addr, unsigned size, uint64_t *value);
bool bus_write(struct bus *b, uint64_t addr, unsigned size, uint64_t value);

#endif

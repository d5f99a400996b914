/* SPDX-License-Identifier: MIT */
/*
 * Address-decoded buses (bus.h). A bus holds at most BUS_MAX_REGIONS claimed
 * ranges that never overlap, so a linear scan finds the one region that contains
 * an address. Ranges are kept as [base, last] with an inclusive last address so
 * that a range ending at the top of the 64-bit space needs no special case.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "machine/bus.h"

void bus_init(struct bus *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
}

/* All ones for an access of `size` bytes: what a floating PC bus reads as. */
static uint64_t bus_ones(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static uint64_t region_last(const struct bus_region *r)
{
	return r->base + (r->len - 1);
}

static const struct bus_region *bus_find(const struct bus *b, uint64_t addr)
{
	for (unsigned i = 0; i < b->nregions; i++) {
		const struct bus_region *r = &b->region[i];
		if (addr >= r->base && addr - r->base < r->len)
			return r;
	}
	return NULL;
}

/* Validate: -EINVAL for a range that is empty or runs past 2^64 - 1. */
static int bus_check_range(const struct bus *b, uint64_t base, uint64_t len, const char *name)
{
	if (len == 0) {
		fprintf(stderr, "vx86: %s bus: %s: empty range at 0x%" PRIx64 "\n", b->name, name,
			base);
		return -EINVAL;
	}
	if (base + (len - 1) < base) {
		fprintf(stderr,
			"vx86: %s bus: %s [0x%" PRIx64 " + 0x%" PRIx64
			"]: range wraps past the end of the address space\n",
			b->name, name, base, len);
		return -EINVAL;
	}
	return 0;
}

/* Validate: -EEXIST, naming both devices, if [base, last] meets a claimed range. */
static int bus_check_overlap(const struct bus *b, uint64_t base, uint64_t last, const char *name)
{
	for (unsigned i = 0; i < b->nregions; i++) {
		const struct bus_region *r = &b->region[i];
		if (base > region_last(r) || last < r->base)
			continue;
		fprintf(stderr,
			"vx86: %s bus: %s [0x%" PRIx64 "-0x%" PRIx64 "] overlaps %s [0x%" PRIx64
			"-0x%" PRIx64 "]\n",
			b->name, name, base, last, r->name, r->base, region_last(r));
		return -EEXIST;
	}
	return 0;
}

int bus_register(struct bus *b, uint64_t base, uint64_t len, const char *name, void *opaque,
		 bus_read_fn read, bus_write_fn write)
{
	int err;

	if (!name)
		name = "?";
	err = bus_check_range(b, base, len, name);
	if (err)
		return err;
	err = bus_check_overlap(b, base, base + (len - 1), name);
	if (err)
		return err;
	if (b->nregions >= BUS_MAX_REGIONS) {
		fprintf(stderr,
			"vx86: %s bus: cannot add %s [0x%" PRIx64 "-0x%" PRIx64
			"]: bus full (%d regions)\n",
			b->name, name, base, base + (len - 1), BUS_MAX_REGIONS);
		return -ENOSPC;
	}
	b->region[b->nregions++] = (struct bus_region){
		.base = base,
		.len = len,
		.name = name,
		.opaque = opaque,
		.read = read,
		.write = write,
	};
	return 0;
}

/*
 * One trace line per access. The port bus uses the "io: in/out port=" form with
 * a 16-bit port number; any other bus (the MMIO bus) uses "<name>: read/write
 * addr=" with a full 64-bit address.
 */
static void bus_trace(const struct bus *b, bool is_write, uint64_t addr, unsigned size,
		      uint64_t value, const struct bus_region *r)
{
	const char *who = r ? r->name : "unclaimed";

	if (!b->trace)
		return;
	if (b->name && strcmp(b->name, "port") == 0)
		fprintf(b->trace, "io: %s port=0x%04" PRIx64 " size=%u value=0x%" PRIx64 " (%s)\n",
			is_write ? "out" : "in", addr, size, value, who);
	else
		fprintf(b->trace, "%s: %s addr=0x%016" PRIx64 " size=%u value=0x%" PRIx64 " (%s)\n",
			b->name ? b->name : "mmio", is_write ? "write" : "read", addr, size, value,
			who);
}

/*
 * The device sees offset = addr - base. Its result is cut to the access size so
 * stray upper bits never reach the guest; an access that starts in a region and
 * runs past its end still goes to that region's device, which decides what the
 * extra bytes mean.
 */
bool bus_read(struct bus *b, uint64_t addr, unsigned size, uint64_t *value)
{
	const struct bus_region *r = bus_find(b, addr);
	uint64_t v = bus_ones(size);

	if (r && r->read)
		v = r->read(r->opaque, addr - r->base, size) & bus_ones(size);
	*value = v;
	bus_trace(b, false, addr, size, v, r);
	return r != NULL;
}

bool bus_write(struct bus *b, uint64_t addr, unsigned size, uint64_t value)
{
	const struct bus_region *r = bus_find(b, addr);

	value &= bus_ones(size);
	bus_trace(b, true, addr, size, value, r);
	if (r && r->write)
		r->write(r->opaque, addr - r->base, size, value);
	return r != NULL;
}

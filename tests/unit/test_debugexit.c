/* SPDX-License-Identifier: MIT */
/* Unit tests for machine/debugexit.c (isa-debug-exit) and machine/debugcon.c (port 0xE9). */
#include <string.h>

#include "machine/devices.h"
#include "tap.h"

/* A fresh device on a fresh bus, one write, the resulting status. */
static int status_after(unsigned port, unsigned size, uint64_t v, uint32_t *value)
{
	struct bus b;
	struct debugexit d;

	bus_init(&b, "port");
	if (debugexit_init(&d, &b, DEBUG_EXIT_PORT) != 0)
		return -100;
	bus_write(&b, port, size, v);
	*value = d.value;
	return debugexit_status(&d);
}

static void test_status(void)
{
	static const struct {
		unsigned size;
		uint64_t v;
		uint32_t value;
		int status;
	} t[] = {
		{1, 0x00, 0x00, 0x01},
		{1, 0x01, 0x01, 0x03},
		{1, 0x10, 0x10, 0x21},
		{1, 0x7f, 0x7f, 0xff},
		{1, 0x80, 0x80, 0x01},	 /* 0x101 truncated to 8 bits */
		{1, 0xff, 0xff, 0xff},	 /* 0x1ff */
		{1, 0x1234, 0x34, 0x69}, /* a byte write carries the low byte only */
		{2, 0x1234, 0x1234, 0x69},
		{2, 0x00c0, 0xc0, 0x81},
		{2, 0xffff, 0xffff, 0xff},
		{4, 0xdeadbeef, 0xdeadbeef, 0xdf},
		{4, 0x80000000, 0x80000000, 0x01},
		{4, 0x123456789aull, 0x3456789a, 0x35},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t value = 0;
		int st = status_after(DEBUG_EXIT_PORT, t[i].size, t[i].v, &value);
		is_u64(st, t[i].status, "%u-byte write of 0x%llx: status 0x%02x", t[i].size,
		       (unsigned long long)t[i].v, t[i].status);
		is_u64(value, t[i].value, "  value recorded as 0x%x", t[i].value);
	}
}

static void test_ports(void)
{
	struct bus b;
	struct debugexit d;
	uint32_t value;
	uint64_t v;

	bus_init(&b, "port");
	is_u64(debugexit_init(&d, &b, DEBUG_EXIT_PORT), 0, "debugexit_init");
	ok(b.nregions == 1 && b.region[0].base == 0xf4 && b.region[0].len == 4 &&
		   strcmp(b.region[0].name, "debug-exit") == 0,
	   "claims debug-exit [0xf4-0xf7]");
	is_u64(debugexit_status(&d), (uint64_t)-1, "no write: status -1");
	ok(bus_read(&b, 0xf4, 1, &v) && v == 0xff, "1-byte read: 0xff");
	ok(bus_read(&b, 0xf4, 2, &v) && v == 0xffff, "2-byte read: 0xffff");
	ok(bus_read(&b, 0xf4, 4, &v) && v == 0xffffffff, "4-byte read: 0xffffffff");
	ok(bus_read(&b, 0xf7, 1, &v) && v == 0xff, "read at 0xf7: 0xff");
	is_u64(debugexit_status(&d), (uint64_t)-1, "reads do not request an exit");
	ok(!bus_write(&b, 0xf8, 1, 1) && !bus_write(&b, 0xf3, 1, 1), "0xf3 and 0xf8 unclaimed");
	is_u64(debugexit_status(&d), (uint64_t)-1, "  and do not request an exit");

	bus_write(&b, 0xf4, 1, 0x02);
	ok(d.requested, "a write requests the exit");
	is_u64(debugexit_status(&d), 0x05, "status (2 << 1) | 1");
	bus_write(&b, 0xf4, 1, 0x07);
	is_u64(debugexit_status(&d), 0x05, "a second write does not change it (first wins)");

	is_u64(status_after(0xf7, 1, 0x03, &value), 0x07, "a write to 0xf7 counts too");
	bus_init(&b, "port");
	debugexit_init(&d, &b, DEBUG_EXIT_PORT);
	is_u64(debugexit_status(&d), (uint64_t)-1, "init clears a previous request");
}

static void test_debugcon(void)
{
	struct bus b;
	struct debugcon d;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	uint64_t v;

	bus_init(&b, "port");
	is_u64(debugcon_init(&d, &b, DEBUGCON_PORT, f), 0, "debugcon_init");
	ok(b.nregions == 1 && b.region[0].base == 0xe9 && b.region[0].len == 1 &&
		   strcmp(b.region[0].name, "debugcon") == 0,
	   "claims debugcon [0xe9-0xe9]");
	bus_write(&b, 0xe9, 1, 'o');
	bus_write(&b, 0xe9, 1, 'k');
	ok(len == 2 && memcmp(out, "ok", 2) == 0, "bytes written appear in out, flushed");
	bus_write(&b, 0xe9, 2, 0x4142);
	bus_write(&b, 0xe9, 4, 0x41424344);
	ok(len == 4 && memcmp(out, "okBD", 4) == 0, "2- and 4-byte writes send the low byte");
	ok(bus_read(&b, 0xe9, 1, &v), "read claimed");
	is_u64(v, 0xe9, "read returns 0xe9");
	bus_read(&b, 0xe9, 2, &v);
	is_u64(v, 0xe9, "2-byte read returns 0xe9 zero-extended");
	ok(!bus_read(&b, 0xe8, 1, &v) && !bus_read(&b, 0xea, 1, &v), "0xe8 and 0xea unclaimed");
	fclose(f);
	free(out);
}

int main(void)
{
	test_status();
	test_ports();
	test_debugcon();
	return tap_done();
}

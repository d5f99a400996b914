/* SPDX-License-Identifier: MIT */
/* Unit tests for machine/bus.c: claiming ranges, refusals, decoding, traces. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "machine/bus.h"
#include "tap.h"

/* A device that records its last access and answers reads with `answer`. */
struct fake {
	unsigned reads, writes;
	uint64_t offset, value, answer;
	unsigned size;
};

static uint64_t fake_read(void *opaque, uint64_t offset, unsigned size)
{
	struct fake *f = opaque;

	f->reads++;
	f->offset = offset;
	f->size = size;
	return f->answer;
}

static void fake_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct fake *f = opaque;

	f->writes++;
	f->offset = offset;
	f->size = size;
	f->value = value;
}

/* stderr captured into a temporary file, to check the refusal messages. */
static FILE *cap_file;
static int cap_saved_fd = -1;

static void capture_begin(void)
{
	fflush(stderr);
	cap_file = tmpfile();
	cap_saved_fd = dup(STDERR_FILENO);
	dup2(fileno(cap_file), STDERR_FILENO);
}

static const char *capture_end(void)
{
	static char buf[1024];
	size_t n;

	fflush(stderr);
	dup2(cap_saved_fd, STDERR_FILENO);
	close(cap_saved_fd);
	rewind(cap_file);
	n = fread(buf, 1, sizeof(buf) - 1, cap_file);
	buf[n] = '\0';
	fclose(cap_file);
	return buf;
}

/* Register with stderr captured; checks the return value and the exact message. */
static void expect_refusal(struct bus *b, uint64_t base, uint64_t len, const char *name, int err,
			   const char *msg)
{
	struct bus before = *b;
	const char *got;
	int ret;

	capture_begin();
	ret = bus_register(b, base, len, name, NULL, fake_read, fake_write);
	got = capture_end();
	is_u64((int64_t)ret, (int64_t)err, "%s [0x%llx+0x%llx] refused with %d", name,
	       (unsigned long long)base, (unsigned long long)len, err);
	if (!ok(strcmp(got, msg) == 0, "  message: %.*s", (int)strlen(msg) - 1, msg))
		printf("#   got: %s", got);
	ok(memcmp(&before, b, sizeof(before)) == 0, "  bus unchanged after the refusal");
}

static void test_register(void)
{
	struct bus b;
	struct fake f = {0};

	bus_init(&b, "port");
	ok(strcmp(b.name, "port") == 0 && b.nregions == 0 && b.trace == NULL,
	   "bus_init: named, empty, no trace");
	is_u64(bus_register(&b, 0x3f8, 8, "com1", &f, fake_read, fake_write), 0, "register com1");
	is_u64(b.nregions, 1, "one region");
	ok(b.region[0].base == 0x3f8 && b.region[0].len == 8 && b.region[0].opaque == &f &&
		   strcmp(b.region[0].name, "com1") == 0 && b.region[0].read == fake_read &&
		   b.region[0].write == fake_write,
	   "region fields as registered");
	is_u64(bus_register(&b, 0xe9, 1, "debugcon", &f, fake_read, fake_write), 0,
	       "register debugcon");
}

static void test_overlap(void)
{
	struct bus b;

	bus_init(&b, "port");
	bus_register(&b, 0x3f8, 8, "com1", NULL, NULL, NULL);
	bus_register(&b, 0xe9, 1, "debugcon", NULL, NULL, NULL);
	expect_refusal(&b, 0x3f8, 8, "dup", -EEXIST,
		       "vx86: port bus: dup [0x3f8-0x3ff] overlaps com1 [0x3f8-0x3ff]\n");
	expect_refusal(&b, 0x3f8, 1, "debugcon2", -EEXIST,
		       "vx86: port bus: debugcon2 [0x3f8-0x3f8] overlaps com1 [0x3f8-0x3ff]\n");
	expect_refusal(&b, 0x3fc, 2, "inside", -EEXIST,
		       "vx86: port bus: inside [0x3fc-0x3fd] overlaps com1 [0x3f8-0x3ff]\n");
	expect_refusal(&b, 0x300, 0x200, "around", -EEXIST,
		       "vx86: port bus: around [0x300-0x4ff] overlaps com1 [0x3f8-0x3ff]\n");
	expect_refusal(&b, 0x3f0, 9, "left", -EEXIST,
		       "vx86: port bus: left [0x3f0-0x3f8] overlaps com1 [0x3f8-0x3ff]\n");
	expect_refusal(&b, 0x3ff, 4, "right", -EEXIST,
		       "vx86: port bus: right [0x3ff-0x402] overlaps com1 [0x3f8-0x3ff]\n");
	expect_refusal(&b, 0xe9, 1, "e9", -EEXIST,
		       "vx86: port bus: e9 [0xe9-0xe9] overlaps debugcon [0xe9-0xe9]\n");
	expect_refusal(&b, 0x400, 0, "empty", -EINVAL,
		       "vx86: port bus: empty: empty range at 0x400\n");
	is_u64(bus_register(&b, 0x3f0, 8, "below", NULL, NULL, NULL), 0, "adjacent below is fine");
	is_u64(bus_register(&b, 0x400, 8, "above", NULL, NULL, NULL), 0, "adjacent above is fine");
	is_u64(b.nregions, 4, "four regions");
}

static void test_wrap_and_full(void)
{
	struct bus b;
	uint64_t v;

	bus_init(&b, "mmio");
	expect_refusal(&b, 0xffffffffffffff00ull, 0x101, "wrap", -EINVAL,
		       "vx86: mmio bus: wrap [0xffffffffffffff00 + 0x101]: range wraps past the "
		       "end of the address space\n");
	is_u64(bus_register(&b, 0xffffffffffffff00ull, 0x100, "top", NULL, NULL, NULL), 0,
	       "a range ending at 2^64 - 1 is accepted");
	ok(bus_read(&b, ~0ull, 1, &v), "the last address is claimed");
	ok(!bus_read(&b, 0xfffffffffffffeffull, 1, &v), "the address below is not");

	bus_init(&b, "port");
	for (unsigned i = 0; i < BUS_MAX_REGIONS; i++)
		bus_register(&b, 0x1000 + 0x10 * i, 0x10, "dev", NULL, NULL, NULL);
	is_u64(b.nregions, BUS_MAX_REGIONS, "bus filled with %d regions", BUS_MAX_REGIONS);
	expect_refusal(&b, 0x80, 1, "late", -ENOSPC,
		       "vx86: port bus: cannot add late [0x80-0x80]: bus full (32 regions)\n");
	expect_refusal(&b, 0x1000, 1, "clash", -EEXIST,
		       "vx86: port bus: clash [0x1000-0x1000] overlaps dev [0x1000-0x100f]\n");
}

static void test_unclaimed(void)
{
	static const struct {
		unsigned size;
		uint64_t ones;
	} t[] = {{1, 0xff}, {2, 0xffff}, {4, 0xffffffff}, {8, ~0ull}};
	struct bus b;
	struct fake f = {0};
	uint64_t v;

	bus_init(&b, "port");
	bus_register(&b, 0x3f8, 8, "com1", &f, fake_read, fake_write);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = 0x1234;
		ok(!bus_read(&b, 0x80, t[i].size, &v), "unclaimed %u-byte read returns false",
		   t[i].size);
		is_u64(v, t[i].ones, "  and reads all ones");
	}
	ok(!bus_write(&b, 0x80, 1, 0x12), "unclaimed write returns false");
	ok(!bus_read(&b, 0x3f7, 1, &v) && !bus_read(&b, 0x400, 1, &v),
	   "the ports just outside a region are unclaimed");
	ok(f.reads == 0 && f.writes == 0, "the device saw none of these");
}

static void test_decode(void)
{
	struct bus b;
	struct fake f = {.answer = 0x1122334455667788ull};
	uint64_t v;

	bus_init(&b, "mmio");
	bus_register(&b, 0xfee00000, 0x1000, "lapic", &f, fake_read, fake_write);
	ok(bus_read(&b, 0xfee00000, 4, &v), "claimed read returns true");
	ok(f.reads == 1 && f.offset == 0 && f.size == 4, "offset 0, size 4 passed to the device");
	is_u64(v, 0x55667788, "read result cut to 4 bytes");
	bus_read(&b, 0xfee00fff, 1, &v);
	ok(f.offset == 0xfff && f.size == 1, "last byte: offset 0xfff, size 1");
	is_u64(v, 0x88, "read result cut to 1 byte");
	bus_read(&b, 0xfee00ff8, 8, &v);
	is_u64(v, 0x1122334455667788ull, "8-byte read passes all bits");
	ok(bus_write(&b, 0xfee00300, 2, 0xabcdef), "claimed write returns true");
	ok(f.writes == 1 && f.offset == 0x300 && f.size == 2, "write: offset 0x300, size 2");
	is_u64(f.value, 0xcdef, "write value cut to 2 bytes");

	bus_register(&b, 0x1000, 4, "silent", NULL, NULL, NULL);
	ok(bus_read(&b, 0x1002, 2, &v), "region without read is still claimed");
	is_u64(v, 0xffff, "  and reads all ones");
	ok(bus_write(&b, 0x1000, 4, 1), "region without write is claimed, write dropped");
}

/* One access with b->trace on a memory stream; compare the line it printed. */
static void expect_trace(struct bus *b, bool is_write, uint64_t addr, unsigned size, uint64_t v,
			 const char *want)
{
	char *buf = NULL;
	size_t len = 0;

	b->trace = open_memstream(&buf, &len);
	if (is_write)
		bus_write(b, addr, size, v);
	else
		bus_read(b, addr, size, &v);
	fclose(b->trace);
	b->trace = NULL;
	if (!ok(buf && strcmp(buf, want) == 0, "trace: %.*s", (int)strlen(want) - 1, want))
		printf("#   got: %s", buf ? buf : "(null)\n");
	free(buf);
}

static void test_trace(void)
{
	struct bus pio, mmio;
	struct fake f = {.answer = 0x60};

	bus_init(&pio, "port");
	bus_register(&pio, 0x3f8, 8, "com1", &f, fake_read, fake_write);
	expect_trace(&pio, true, 0x3f8, 1, 0x41, "io: out port=0x03f8 size=1 value=0x41 (com1)\n");
	expect_trace(&pio, false, 0x3fd, 1, 0, "io: in port=0x03fd size=1 value=0x60 (com1)\n");
	expect_trace(&pio, false, 0x80, 1, 0, "io: in port=0x0080 size=1 value=0xff (unclaimed)\n");
	expect_trace(&pio, true, 0xcf8, 4, 0x80000000,
		     "io: out port=0x0cf8 size=4 value=0x80000000 (unclaimed)\n");
	expect_trace(&pio, true, 0x3f8, 1, 0x100, "io: out port=0x03f8 size=1 value=0x0 (com1)\n");

	bus_init(&mmio, "mmio");
	bus_register(&mmio, 0xfed00000, 0x400, "hpet", &f, fake_read, fake_write);
	expect_trace(&mmio, true, 0xa0000, 4, 0x12345678,
		     "mmio: write addr=0x00000000000a0000 size=4 value=0x12345678 (unclaimed)\n");
	expect_trace(&mmio, false, 0xa0000, 2, 0,
		     "mmio: read addr=0x00000000000a0000 size=2 value=0xffff (unclaimed)\n");
	expect_trace(&mmio, false, 0xfed00010, 8, 0,
		     "mmio: read addr=0x00000000fed00010 size=8 value=0x60 (hpet)\n");
}

int main(void)
{
	test_register();
	test_overlap();
	test_wrap_and_full();
	test_unclaimed();
	test_decode();
	test_trace();
	return tap_done();
}

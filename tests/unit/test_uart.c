/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for machine/uart16550.c, driven through the port bus as a guest
 * would: every register, DLAB, loopback, FIFO control, input from a pipe.
 */
#include <string.h>
#include <unistd.h>

#include "machine/devices.h"
#include "tap.h"

enum {
	RBR = 0,
	IER = 1,
	IIR = 2,
	FCR = 2,
	LCR = 3,
	MCR = 4,
	LSR = 5,
	MSR = 6,
	SCR = 7
};

struct rig {
	struct bus bus;
	struct uart16550 u;
	FILE *outf;
	char *out;
	size_t outlen;
	int pipefd[2]; /* guest input: the test writes [1], the UART reads [0] */
};

static void rig_init(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	bus_init(&r->bus, "port");
	r->outf = open_memstream(&r->out, &r->outlen);
	if (!r->outf || pipe(r->pipefd) != 0) {
		perror("test_uart: setup");
		exit(2);
	}
	if (uart16550_init(&r->u, &r->bus, COM1_BASE, r->outf, r->pipefd[0]) != 0)
		exit(2);
}

static void rig_fini(struct rig *r)
{
	fclose(r->outf);
	free(r->out);
	close(r->pipefd[0]);
	if (r->pipefd[1] >= 0)
		close(r->pipefd[1]);
}

static uint8_t in8(struct rig *r, unsigned reg)
{
	uint64_t v;

	bus_read(&r->bus, COM1_BASE + reg, 1, &v);
	return (uint8_t)v;
}

static void out8(struct rig *r, unsigned reg, uint8_t v)
{
	bus_write(&r->bus, COM1_BASE + reg, 1, v);
}

static void feed(struct rig *r, const char *s)
{
	if (write(r->pipefd[1], s, strlen(s)) != (ssize_t)strlen(s))
		exit(2);
}

static void test_reset(void)
{
	struct rig r;

	rig_init(&r);
	ok(r.bus.nregions == 1 && r.bus.region[0].base == 0x3f8 && r.bus.region[0].len == 8 &&
		   strcmp(r.bus.region[0].name, "com1") == 0,
	   "registered as com1 [0x3f8-0x3ff]");
	is_u64(in8(&r, IER), 0x00, "reset IER = 0x00");
	is_u64(in8(&r, IIR), 0x01, "reset IIR = 0x01 (no interrupt pending)");
	is_u64(in8(&r, LCR), 0x00, "reset LCR = 0x00");
	is_u64(in8(&r, MCR), 0x00, "reset MCR = 0x00");
	is_u64(in8(&r, LSR), 0x60, "reset LSR = 0x60 (THRE|TEMT)");
	is_u64(in8(&r, MSR), 0xb0, "reset MSR = 0xb0 (CTS|DSR|DCD)");
	is_u64(in8(&r, MSR), 0xb0, "MSR stable on a second read");
	is_u64(in8(&r, SCR), 0x00, "reset SCR = 0x00");
	out8(&r, LCR, 0x80);
	ok(in8(&r, RBR) == 0 && in8(&r, IER) == 0, "reset DLL = DLM = 0");
	ok(r.outlen == 0, "nothing transmitted");
	rig_fini(&r);
}

/* Write every value to a register and count read-backs that differ from v & mask. */
static unsigned roundtrip_errors(struct rig *r, unsigned reg, uint8_t mask)
{
	unsigned bad = 0;

	for (unsigned v = 0; v < 256; v++) {
		out8(r, reg, (uint8_t)v);
		if (in8(r, reg) != (v & mask))
			bad++;
	}
	return bad;
}

static void test_plain_registers(void)
{
	struct rig r;

	rig_init(&r);
	is_u64(roundtrip_errors(&r, SCR, 0xff), 0, "SCR: all 256 values read back");
	is_u64(roundtrip_errors(&r, IER, 0x0f), 0, "IER: only bits 0-3 writable, all values");
	is_u64(roundtrip_errors(&r, MCR, 0x1f), 0, "MCR: only bits 0-4 writable, all values");
	out8(&r, MCR, 0);
	in8(&r, MSR);
	is_u64(roundtrip_errors(&r, LCR, 0xff), 0, "LCR: all 256 values read back");
	out8(&r, LCR, 0x03);
	out8(&r, LSR, 0x00);
	is_u64(in8(&r, LSR), 0x60, "LSR write ignored");
	out8(&r, MSR, 0x00);
	is_u64(in8(&r, MSR), 0xb0, "MSR write ignored");
	ok(r.outlen == 0, "no register write transmitted anything");
	rig_fini(&r);
}

static void test_dlab(void)
{
	struct rig r;

	rig_init(&r);
	out8(&r, IER, 0x05);
	out8(&r, LCR, 0x83);
	is_u64(roundtrip_errors(&r, RBR, 0xff), 0, "DLL: all 256 values read back");
	is_u64(roundtrip_errors(&r, IER, 0xff), 0, "DLM: all 256 values read back");
	out8(&r, RBR, 0x0c);
	out8(&r, IER, 0x00);
	ok(r.outlen == 0, "a DLL write is not transmitted");
	ok(r.u.dll == 0x0c && r.u.dlm == 0x00, "divisor latch = 0x000c (9600 baud)");
	is_u64(r.u.ier, 0x05, "IER untouched by DLM writes");
	out8(&r, LCR, 0x03);
	is_u64(in8(&r, IER), 0x05, "DLAB=0: offset 1 is IER again");
	out8(&r, RBR, 'x');
	ok(r.outlen == 1 && r.out[0] == 'x', "DLAB=0: offset 0 write is transmitted");
	out8(&r, LCR, 0x83);
	ok(in8(&r, RBR) == 0x0c && in8(&r, IER) == 0x00, "divisor latch kept across DLAB switches");
	feed(&r, "A");
	in8(&r, RBR);
	out8(&r, LCR, 0x03);
	is_u64(in8(&r, LSR), 0x61, "DLL read with DLAB=1 does not consume input");
	is_u64(in8(&r, RBR), 'A', "the byte is still in RBR");
	rig_fini(&r);
}

static void test_output(void)
{
	struct rig r;
	uint64_t v;

	rig_init(&r);
	for (const char *p = "Hello\n"; *p; p++) {
		out8(&r, RBR, (uint8_t)*p);
		if (in8(&r, LSR) != 0x60)
			break;
	}
	ok(r.outlen == 6 && memcmp(r.out, "Hello\n", 6) == 0, "THR bytes appear in out, flushed");
	is_u64(in8(&r, LSR), 0x60, "THRE|TEMT stay set after transmitting");
	bus_write(&r.bus, COM1_BASE, 2, 0x4142);
	ok(r.outlen == 7 && r.out[6] == 'B', "2-byte write: low byte to THR only");
	is_u64(r.u.ier, 0, "  and IER (the next port) untouched");
	out8(&r, LCR, 0x03);
	bus_read(&r.bus, COM1_BASE + LCR, 2, &v);
	is_u64(v, 0x0003, "2-byte read: LCR in the low byte, upper byte 0");
	rig_fini(&r);
}

static void test_input(void)
{
	struct rig r;
	char got[32];
	unsigned n = 0;

	rig_init(&r);
	is_u64(in8(&r, LSR), 0x60, "no input: DR clear");
	feed(&r, "A");
	is_u64(in8(&r, LSR), 0x61, "input byte: DR set");
	is_u64(in8(&r, RBR), 'A', "RBR gives the byte");
	is_u64(in8(&r, LSR), 0x60, "DR clear after reading RBR");
	feed(&r, "xyz");
	in8(&r, LSR);
	is_u64(r.u.rx_count, 1, "16450 mode (FIFOs off) holds one byte");
	ok(in8(&r, RBR) == 'x' && in8(&r, RBR) == 'y' && in8(&r, RBR) == 'z',
	   "three bytes read in order, none lost");
	is_u64(in8(&r, LSR), 0x60, "then DR clear");

	out8(&r, FCR, 0x01);
	feed(&r, "abcdefghijklmnopqrst");
	in8(&r, LSR);
	is_u64(r.u.rx_count, 16, "FIFO mode: 16 bytes taken from the fd");
	while (n < sizeof(got) && (in8(&r, LSR) & 0x01))
		got[n++] = (char)in8(&r, RBR);
	ok(n == 20 && memcmp(got, "abcdefghijklmnopqrst", 20) == 0,
	   "all 20 bytes read in order through the FIFO");
	is_u64(r.u.lsr & 0x02, 0, "no overrun from host input");

	close(r.pipefd[1]);
	r.pipefd[1] = -1;
	is_u64(in8(&r, LSR), 0x60, "EOF: DR clear");
	ok(r.u.in_eof, "EOF: polling stopped (in_eof)");
	is_u64(in8(&r, RBR), 0x00, "EOF: empty RBR reads 0");
	rig_fini(&r);
}

static void test_bad_input_fds(void)
{
	struct rig r;
	int fd;

	rig_init(&r);
	r.u.in_fd = -1;
	feed(&r, "A");
	is_u64(in8(&r, LSR), 0x60, "in_fd -1: never any input");
	ok(!r.u.in_eof, "in_fd -1: nothing polled");
	fd = dup(r.pipefd[0]);
	close(fd);
	r.u.in_fd = fd;
	is_u64(in8(&r, LSR), 0x60, "closed fd: DR clear");
	ok(r.u.in_eof, "closed fd: treated as the end of input");
	rig_fini(&r);
}

static void test_loopback(void)
{
	static const struct {
		uint8_t mcr, msr, rise, fall;
		const char *name;
	} wire[] = {
		{0x02, 0x10, 0x01, 0x01, "RTS -> CTS"},
		{0x01, 0x20, 0x02, 0x02, "DTR -> DSR"},
		{0x04, 0x40, 0x00, 0x04, "OUT1 -> RI (TERI on the falling edge only)"},
		{0x08, 0x80, 0x08, 0x08, "OUT2 -> DCD"},
	};
	struct rig r;

	rig_init(&r);
	out8(&r, MCR, 0x10);
	is_u64(in8(&r, MSR), 0x0b, "loopback, outputs off: CTS/DSR/DCD drop, their deltas set");
	is_u64(in8(&r, MSR), 0x00, "MSR read cleared the deltas");
	for (size_t i = 0; i < sizeof(wire) / sizeof(wire[0]); i++) {
		out8(&r, MCR, 0x10 | wire[i].mcr);
		is_u64(in8(&r, MSR), wire[i].msr | wire[i].rise, "%s: set", wire[i].name);
		out8(&r, MCR, 0x10);
		is_u64(in8(&r, MSR), wire[i].fall, "%s: cleared", wire[i].name);
	}
	out8(&r, MCR, 0x1f);
	is_u64(in8(&r, MSR), 0xfb, "MCR 0x1f: MSR 0xf0 plus CTS/DSR/DCD deltas");

	feed(&r, "Z");
	out8(&r, RBR, 'Q');
	ok(r.outlen == 0, "loopback: THR byte not sent to out");
	is_u64(in8(&r, LSR), 0x61, "loopback: DR set");
	is_u64(in8(&r, RBR), 'Q', "loopback: RBR gives the transmitted byte, not host input");
	is_u64(in8(&r, LSR), 0x60, "loopback: host input not read");

	out8(&r, MCR, 0x00);
	is_u64(in8(&r, MSR), 0xb0 | 0x04, "loopback off from MCR 0x1f: 0xb0, only RI fell (TERI)");
	is_u64(in8(&r, LSR), 0x61, "loopback off: host input arrives");
	is_u64(in8(&r, RBR), 'Z', "  the byte fed during loopback");
	rig_fini(&r);
}

static void test_fcr(void)
{
	struct rig r;

	rig_init(&r);
	out8(&r, FCR, 0x01);
	is_u64(in8(&r, IIR), 0xc1, "FIFOs on: IIR bits 7:6 set");
	out8(&r, FCR, 0xc7);
	is_u64(r.u.fcr, 0xc1, "FCR keeps the trigger level; clear bits self-clear");
	out8(&r, FCR, 0x00);
	is_u64(in8(&r, IIR), 0x01, "FIFOs off: IIR 0x01");

	out8(&r, MCR, 0x10);
	out8(&r, FCR, 0x01);
	out8(&r, RBR, 'a');
	out8(&r, RBR, 'b');
	out8(&r, RBR, 'c');
	is_u64(r.u.rx_count, 3, "three bytes in the RX FIFO");
	out8(&r, FCR, 0x03);
	is_u64(in8(&r, LSR), 0x60, "FCR bit 1 cleared the RX FIFO (DR clear)");
	is_u64(in8(&r, IIR), 0xc1, "  FIFOs still enabled");
	out8(&r, RBR, 'd');
	out8(&r, FCR, 0x05);
	is_u64(in8(&r, RBR), 'd', "FCR bit 2 (clear TX) leaves RX alone");
	out8(&r, RBR, 'e');
	out8(&r, FCR, 0x00);
	is_u64(in8(&r, LSR), 0x60, "turning FIFOs off clears them");
	out8(&r, RBR, 'f');
	out8(&r, FCR, 0x02);
	is_u64(in8(&r, LSR), 0x61, "FCR bit 1 without bit 0 is not programmed");
	rig_fini(&r);
}

static void test_overflow(void)
{
	struct rig r;
	char got[17];
	unsigned n = 0;

	rig_init(&r);
	out8(&r, MCR, 0x10);
	out8(&r, FCR, 0x01);
	for (unsigned i = 0; i < 17; i++)
		out8(&r, RBR, (uint8_t)('A' + i));
	is_u64(in8(&r, LSR), 0x63, "17th byte into a full FIFO: OE|DR");
	is_u64(in8(&r, LSR), 0x61, "OE cleared by the LSR read");
	while (n < sizeof(got) && (in8(&r, LSR) & 0x01))
		got[n++] = (char)in8(&r, RBR);
	ok(n == 16 && memcmp(got, "ABCDEFGHIJKLMNOP", 16) == 0,
	   "the FIFO kept the first 16, the 17th was lost");

	out8(&r, FCR, 0x00);
	out8(&r, RBR, 'a');
	out8(&r, RBR, 'b');
	is_u64(in8(&r, LSR), 0x63, "16450 mode: second byte overruns");
	is_u64(in8(&r, RBR), 'b', "  and overwrites RBR");
	is_u64(in8(&r, LSR), 0x60, "  then empty");
	rig_fini(&r);
}

static void test_iir(void)
{
	struct rig r;

	rig_init(&r);
	out8(&r, IER, 0x02);
	is_u64(in8(&r, IIR), 0x02, "ETBEI enabled with THR empty: THRE interrupt");
	is_u64(in8(&r, IIR), 0x01, "reading IIR acknowledged it");
	out8(&r, IER, 0x02);
	is_u64(in8(&r, IIR), 0x01, "rewriting ETBEI=1 does not re-arm");
	out8(&r, RBR, '.');
	is_u64(in8(&r, IIR), 0x02, "THR write: empty again at once, THRE interrupt");
	out8(&r, IER, 0x00);
	is_u64(in8(&r, IIR), 0x01, "IER=0: nothing reported");

	out8(&r, MCR, 0x10);
	in8(&r, MSR);
	out8(&r, IER, 0x01);
	out8(&r, RBR, 'a');
	is_u64(in8(&r, IIR), 0x04, "ERBFI with data: received data available");
	in8(&r, RBR);
	is_u64(in8(&r, IIR), 0x01, "RBR read: gone");
	out8(&r, FCR, 0x41);
	out8(&r, RBR, 'a');
	is_u64(in8(&r, IIR), 0xcc, "FIFO below trigger level 4: character timeout");
	out8(&r, RBR, 'b');
	out8(&r, RBR, 'c');
	out8(&r, RBR, 'd');
	is_u64(in8(&r, IIR), 0xc4, "FIFO at trigger level: received data available");

	out8(&r, FCR, 0x00);
	out8(&r, IER, 0x0f);
	out8(&r, MCR, 0x11);
	out8(&r, RBR, 'x');
	out8(&r, RBR, 'y');
	is_u64(in8(&r, IIR), 0x06, "all pending: line status (overrun) first");
	in8(&r, LSR);
	is_u64(in8(&r, IIR), 0x04, "then received data");
	in8(&r, RBR);
	is_u64(in8(&r, IIR), 0x02, "then THRE");
	is_u64(in8(&r, IIR), 0x00, "then modem status (DSR delta)");
	in8(&r, MSR);
	is_u64(in8(&r, IIR), 0x01, "then nothing");
	rig_fini(&r);
}

int main(void)
{
	test_reset();
	test_plain_registers();
	test_dlab();
	test_output();
	test_input();
	test_bad_input_fds();
	test_loopback();
	test_fcr();
	test_overflow();
	test_iir();
	return tap_done();
}

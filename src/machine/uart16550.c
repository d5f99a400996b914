/* SPDX-License-Identifier: MIT */
/*
 * 16550A UART (devices.h). Register semantics follow the National/TI PC16550D
 * datasheet ("PC16550D UART with FIFOs", section 8 and table II); section numbers
 * below refer to it.
 *
 * Choices where a software model must pick something:
 * - Transmit is immediate: a THR write goes to `out` and is flushed, so THR and
 *   the transmitter are always empty (LSR THRE|TEMT set) and the THRE interrupt
 *   re-arms right after every THR write.
 * - Receive is lazy: `in_fd` is polled (poll() with a 0 timeout, never blocking,
 *   the fd's flags untouched) only when the guest reads RBR or LSR, and only as
 *   many bytes as the receiver has room for (16 with FIFOs on, 1 in 16450 mode),
 *   so host input is never dropped. EOF or a read error stops polling for good.
 *   In loopback the receiver is cut off from the line (8.6), so no polling.
 * - IIR is computed from IER and the current conditions exactly as on the chip
 *   (8.4, table IV), even though no interrupt line is wired yet: with IER = 0 it
 *   always reads 0x01 "no interrupt pending". Without a clock, a FIFO holding
 *   fewer bytes than the trigger level reports the character timeout (0x0c) at
 *   once rather than after four character times.
 * - Accesses wider than one byte act on the first port only; reads return that
 *   register in the low byte with the upper bytes 0, writes use the low byte.
 * - Reading RBR with nothing received returns 0. DLL, DLM and SCR, which a reset
 *   leaves undefined on the chip, start at 0. Writes to LSR and MSR (factory test
 *   registers) are ignored.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "machine/devices.h"

/* Port offsets (table II); DLAB = LCR bit 7 selects DLL/DLM at offsets 0 and 1. */
enum {
	UART_RBR = 0, /* read, DLAB=0; THR on write; DLL with DLAB=1 */
	UART_IER = 1, /* DLAB=0; DLM with DLAB=1 */
	UART_IIR = 2, /* read; FCR on write */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* transmitter holding register empty */
#define IER_ELSI  0x04 /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
#define IER_MASK  0x0f /* 8.5: bits 4-7 are always 0 */

#define IIR_NO_INT 0x01
#define IIR_MSI	   0x00
#define IIR_THRI   0x02
#define IIR_RDI	   0x04
#define IIR_RLSI   0x06
#define IIR_CTI	   0x0c
#define IIR_FIFO   0xc0 /* both set when FCR bit 0 is set */

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_KEEP     0xc9 /* enable, DMA mode, trigger level; bits 1-2 self-clear */

#define LCR_DLAB 0x80

#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f /* 8.7: bits 5-7 are always 0 */

#define LSR_DR	   0x01
#define LSR_OE	   0x02
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define LSR_ERRORS 0x9e /* OE, PE, FE, BI, FIFO error: cleared by an LSR read (8.6) */

#define MSR_DCTS   0x01
#define MSR_DDSR   0x02
#define MSR_TERI   0x04
#define MSR_DDCD   0x08
#define MSR_DELTAS 0x0f
#define MSR_CTS	   0x10
#define MSR_DSR	   0x20
#define MSR_RI	   0x40
#define MSR_DCD	   0x80
#define MSR_IDLE   (MSR_CTS | MSR_DSR | MSR_DCD) /* a terminal that is always ready */

#define UART_FIFO_SIZE 16

static unsigned uart_rx_capacity(const struct uart16550 *u)
{
	return (u->fcr & FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

/* 8.4: RX FIFO trigger level from FCR bits 7:6. */
static unsigned uart_rx_trigger(const struct uart16550 *u)
{
	static const unsigned level[4] = {1, 4, 8, 14};
	return level[u->fcr >> 6];
}

/* 8.4, table IV: the highest-priority enabled, pending source, or 0x01. */
static uint8_t uart_compute_iir(const struct uart16550 *u)
{
	uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	if ((u->ier & IER_ELSI) && (u->lsr & LSR_ERRORS))
		return fifo | IIR_RLSI;
	if ((u->ier & IER_ERBFI) && u->rx_count) {
		if (fifo && u->rx_count < uart_rx_trigger(u))
			return fifo | IIR_CTI;
		return fifo | IIR_RDI;
	}
	if ((u->ier & IER_ETBEI) && u->thre_pending)
		return fifo | IIR_THRI;
	if ((u->ier & IER_EDSSI) && (u->msr & MSR_DELTAS))
		return fifo | IIR_MSI;
	return fifo | IIR_NO_INT;
}

/* Recompute the derived state after any change: DR, THRE|TEMT, and IIR. */
static void uart_update(struct uart16550 *u)
{
	u->lsr = (u->lsr & LSR_ERRORS) | LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
	u->iir = uart_compute_iir(u);
}

static void uart_rx_clear(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/*
 * A character arrives at the receiver. On overrun (8.6, LSR bit 1) the FIFO keeps
 * its contents and the new character is lost; in 16450 mode it overwrites the
 * unread one in RBR.
 */
static void uart_rx_push(struct uart16550 *u, uint8_t c)
{
	if (u->rx_count >= uart_rx_capacity(u)) {
		u->lsr |= LSR_OE;
		if (!(u->fcr & FCR_ENABLE))
			u->rx[u->rx_head] = c;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = c;
	u->rx_count++;
}

static uint8_t uart_rx_pop(struct uart16550 *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	return c;
}

/* Move what the host has typed into the receiver, without ever blocking. */
static void uart_poll_input(struct uart16550 *u)
{
	uint8_t buf[UART_FIFO_SIZE];
	unsigned cap = uart_rx_capacity(u);
	struct pollfd pfd = {.fd = u->in_fd, .events = POLLIN};
	ssize_t n;

	if (u->in_fd < 0 || u->in_eof || (u->mcr & MCR_LOOP) || u->rx_count >= cap)
		return;
	n = poll(&pfd, 1, 0);
	if (n <= 0) {
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			u->in_eof = true;
		return;
	}
	if (pfd.revents & POLLNVAL) {
		u->in_eof = true;
		return;
	}
	n = read(u->in_fd, buf, cap - u->rx_count);
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		u->in_eof = true;
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		uart_rx_push(u, buf[i]);
}

/* 8.7: in loopback the modem inputs are wired to the modem control outputs. */
static uint8_t uart_modem_inputs(uint8_t mcr)
{
	uint8_t in = 0;

	if (!(mcr & MCR_LOOP))
		return MSR_IDLE;
	in |= (mcr & MCR_RTS) ? MSR_CTS : 0;
	in |= (mcr & MCR_DTR) ? MSR_DSR : 0;
	in |= (mcr & MCR_OUT1) ? MSR_RI : 0;
	in |= (mcr & MCR_OUT2) ? MSR_DCD : 0;
	return in;
}

/* 8.8: a change of CTS, DSR or DCD sets its delta bit; RI only on its 1 -> 0 edge. */
static void uart_set_mcr(struct uart16550 *u, uint8_t v)
{
	uint8_t old = u->msr & ~MSR_DELTAS;
	uint8_t now;
	uint8_t delta = 0;

	u->mcr = v & MCR_MASK;
	now = uart_modem_inputs(u->mcr);
	delta |= ((old ^ now) & MSR_CTS) ? MSR_DCTS : 0;
	delta |= ((old ^ now) & MSR_DSR) ? MSR_DDSR : 0;
	delta |= ((old & ~now) & MSR_RI) ? MSR_TERI : 0;
	delta |= ((old ^ now) & MSR_DCD) ? MSR_DDCD : 0;
	u->msr = now | (u->msr & MSR_DELTAS) | delta;
}

/* 8.4: bits 1-2 reset a FIFO; the other bits take effect only with bit 0 set. */
static void uart_write_fcr(struct uart16550 *u, uint8_t v)
{
	/* Changing FCR bit 0 clears both FIFOs. */
	if ((v ^ u->fcr) & FCR_ENABLE)
		uart_rx_clear(u);
	if (!(v & FCR_ENABLE)) {
		u->fcr = 0;
		return;
	}
	if (v & FCR_CLEAR_RX)
		uart_rx_clear(u);
	/* FCR_CLEAR_TX: the transmitter never holds anything. */
	u->fcr = v & FCR_KEEP;
}

static void uart_write_thr(struct uart16550 *u, uint8_t v)
{
	if (u->mcr & MCR_LOOP) {
		uart_rx_push(u, v);
	} else if (u->out) {
		fputc(v, u->out);
		fflush(u->out);
	}
	/* The byte left THR at once, so THR is empty again: THRE interrupt (8.5). */
	u->thre_pending = true;
}

/* 8.5: enabling ETBEI while THR is empty raises the THRE interrupt. */
static void uart_write_ier(struct uart16550 *u, uint8_t v)
{
	if ((v & IER_ETBEI) && !(u->ier & IER_ETBEI))
		u->thre_pending = true;
	u->ier = v & IER_MASK;
}

static void uart_write_reg(struct uart16550 *u, unsigned reg, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case UART_RBR:
		if (dlab)
			u->dll = v;
		else
			uart_write_thr(u, v);
		break;
	case UART_IER:
		if (dlab)
			u->dlm = v;
		else
			uart_write_ier(u, v);
		break;
	case UART_IIR:
		uart_write_fcr(u, v);
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		uart_set_mcr(u, v);
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default: /* LSR, MSR: factory test writes, ignored */
		break;
	}
	uart_update(u);
}

/* Reads with side effects: RBR pops, IIR acknowledges THRE, LSR/MSR clear bits. */
static uint8_t uart_read_reg(struct uart16550 *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t v = 0;

	if ((reg == UART_RBR && !dlab) || reg == UART_LSR) {
		uart_poll_input(u);
		uart_update(u);
	}
	switch (reg) {
	case UART_RBR:
		v = dlab ? u->dll : uart_rx_pop(u);
		break;
	case UART_IER:
		v = dlab ? u->dlm : u->ier;
		break;
	case UART_IIR:
		v = uart_compute_iir(u);
		/* 8.5: reading IIR when THRE is the source clears that interrupt. */
		if ((v & 0x0f) == IIR_THRI)
			u->thre_pending = false;
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		v = u->lsr;
		u->lsr &= ~LSR_ERRORS;
		break;
	case UART_MSR:
		v = u->msr;
		u->msr &= ~MSR_DELTAS;
		break;
	default:
		v = u->scr;
		break;
	}
	uart_update(u);
	return v;
}

static uint64_t uart_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)size; /* wider reads: the first port only, upper bytes 0 */
	return uart_read_reg(opaque, offset & 7);
}

static void uart_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	(void)size; /* wider writes: the low byte to the first port only */
	uart_write_reg(opaque, offset & 7, (uint8_t)value);
}

/* Master reset values (table IV); DLL, DLM and SCR are undefined there, 0 here. */
static void uart_reset(struct uart16550 *u)
{
	u->ier = 0;
	u->fcr = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->lsr = 0;
	u->msr = MSR_IDLE;
	u->scr = 0;
	u->dll = 0;
	u->dlm = 0;
	u->thre_pending = false;
	memset(u->rx, 0, sizeof(u->rx));
	uart_rx_clear(u);
	uart_update(u); /* IIR 0x01, LSR 0x60 */
}

int uart16550_init(struct uart16550 *u, struct bus *pio, uint16_t base, FILE *out, int in_fd)
{
	u->out = out;
	u->in_fd = in_fd;
	u->in_eof = false;
	uart_reset(u);
	return bus_register(pio, base, 8, "com1", u, uart_read, uart_write);
}

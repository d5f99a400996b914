/* SPDX-License-Identifier: MIT */
/*
 * kvm_probe.c's CPUID comparison: a leaf the guest sees otherwise than the
 * table given to KVM_SET_CPUID2 counts once, whatever register and bit; the
 * bits that follow the vCPU or its state (APIC ID, OSXSAVE, OSPKE, the x2APIC
 * ID of leaves 0xB and 0x1F, the XSAVE sizes of 0xD.0 and 0xD.1) never count.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/kvm/kvm_engine.h"
#include "tap.h"

static const struct kvm_cpuid_entry2 base[] = {
	{.function = 0, .eax = 0xd, .ebx = 0x756e6547},
	{.function = 1, .eax = 0xa20f10, .ebx = 0x00020800, .ecx = 0x80202001, .edx = 0x078bfbff},
	{.function = 7, .index = 0, .ebx = 0x2, .ecx = 0x4},
	{.function = 7, .index = 1},
	{.function = 0xb, .index = 0, .eax = 1, .ebx = 1, .ecx = 0x100, .edx = 0},
	{.function = 0xd, .index = 0, .eax = 7, .ebx = 0x240, .ecx = 0x340},
	{.function = 0xd, .index = 1, .eax = 1, .ebx = 0x240},
	{.function = 0xd, .index = 2, .eax = 0x100, .ebx = 0x240},
	{.function = 0x1f, .index = 0, .edx = 0},
};
#define NBASE (sizeof(base) / sizeof(base[0]))

static struct kvm_cpuid2 *table(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + sizeof(base));

	c->nent = NBASE;
	memcpy(c->entries, base, sizeof(base));
	return c;
}

static struct kvm_cpuid_entry2 *leaf(struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == idx)
			return &c->entries[i];
	return NULL;
}

int main(void)
{
	struct kvm_cpuid2 *given = table(), *seen = table();

	is_u64(kvm_cpuid_differences(given, seen), 0, "the same table: no leaf differs");

	leaf(seen, 1, 0)->ebx ^= 0x05000000; /* APIC ID */
	leaf(seen, 1, 0)->ecx ^= 1u << 27;   /* OSXSAVE */
	leaf(seen, 7, 0)->ecx ^= 1u << 4;    /* OSPKE */
	leaf(seen, 0xb, 0)->edx = 3;	     /* x2APIC ID */
	leaf(seen, 0x1f, 0)->edx = 3;
	leaf(seen, 0xd, 0)->ebx = 0x988; /* XSAVE area size for XCR0 */
	leaf(seen, 0xd, 1)->ebx = 0x988;
	is_u64(kvm_cpuid_differences(given, seen), 0,
	       "bits that follow the vCPU's state (APIC ID, OSXSAVE, OSPKE, x2APIC ID, XSAVE "
	       "sizes) are not differences");

	leaf(seen, 0xd, 2)->ebx = 0x400;
	is_u64(kvm_cpuid_differences(given, seen), 1,
	       "0xD.2 EBX is a fixed offset, not a size that follows XCR0: it counts");
	leaf(seen, 1, 0)->ecx ^= 1u << 21; /* x2APIC */
	leaf(seen, 1, 0)->edx ^= 1u << 28; /* HTT */
	is_u64(kvm_cpuid_differences(given, seen), 2,
	       "two registers of leaf 1 differing count as one leaf");
	leaf(seen, 7, 0)->ebx ^= 1u << 16; /* AVX512F */
	is_u64(kvm_cpuid_differences(given, seen), 3, "7.0 EBX counts");
	leaf(seen, 0xb, 0)->eax = 2;
	is_u64(kvm_cpuid_differences(given, seen), 4,
	       "0xB EAX (a shift width) counts; only its EDX follows the vCPU");
	leaf(seen, 0, 0)->ebx = 0x68747541; /* "Auth" */
	is_u64(kvm_cpuid_differences(given, seen), 5, "a vendor string that differs counts");

	free(given);
	free(seen);
	return tap_done();
}

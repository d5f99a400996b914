# SPDX-License-Identifier: MIT
# A small TAP library for vx86's end-to-end tests: each test runs the vx86 binary
# as a user would and checks its exit status, stdout and stderr.

: "${VX86:?set VX86 to the vx86 binary (make check does)}"
tap_n=0
tap_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vx86-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ok COND-STATUS NAME; with $E set (an engine), names start with "$E: ".
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - ${E:+$E: }$2"
	else
		echo "not ok $tap_n - ${E:+$E: }$2"
		tap_failed=$((tap_failed + 1))
		show_output
	fi
}

show_output() {
	[ -f "$TMP/out" ] && sed 's/^/#   stdout: /' "$TMP/out" | head -40
	[ -f "$TMP/err" ] && sed 's/^/#   stderr: /' "$TMP/err" | head -40
	echo "#   status: ${status:-?}"
}

# run ARGS...: run vx86; sets $status, $TMP/out, $TMP/err.
run() {
	"$VX86" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	status=$?
}

is_status() { # is_status N NAME
	[ "$status" = "$1" ]
	ok $? "$2 (status $status, want $1)"
}

# like FILE PATTERN NAME: FILE ($TMP/out or $TMP/err) has a line matching the fixed string.
like() {
	grep -qF -- "$2" "$1"
	ok $? "$3"
}

unlike() {
	! grep -qF -- "$2" "$1"
	ok $? "$3"
}

# Count lines of FILE.
lines() { wc -l <"$1" | tr -d ' '; }

kvm_usable() { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }

# flat NAME BYTES: write a flat binary from printf escapes.
flat() {
	printf "$2" >"$TMP/$1"
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# tests/vm: the VM lab.  tests/vm/run-vm boots Debian's kernel under qemu with the host's
# root shared read-only and runs a command inside; lab.sh boots it once for every in-VM
# test in tests/vm/guest/ (real ESP/AH SAs, traffic, ALLOCSPI, ACQUIRE, EXPIRE), which
# install through tests/xfrm/xfrmtool and read back with iproute2.  It skips when qemu or a
# kernel image is missing.
VM_GUEST_TESTS = \
	tests/vm/guest/acquire.sh \
	tests/vm/guest/ah-transport.sh \
	tests/vm/guest/alg-states.sh \
	tests/vm/guest/allocspi.sh \
	tests/vm/guest/esp-transport.sh \
	tests/vm/guest/esp-tunnel.sh \
	tests/vm/guest/expire.sh
TESTS += tests/vm/lab.sh
EXTRA_DIST += tests/vm/lab.sh tests/vm/run-vm tests/vm/initramfs-init tests/vm/guest-init \
	tests/vm/batch tests/vm/lib.sh $(VM_GUEST_TESTS)
# run-vm caches the initramfs here (top_builddir/tests/vm), keyed by the kernel.
CLEANFILES += tests/vm/initramfs-*.cpio tests/vm/initramfs-*.cpio.key
# The IKE interop tests (issue #7): strongSwan's charon and ours in two namespaces, with
# their shared helpers (tests/vm/ikelab.sh, outside guest/ so lab.sh does not run it) and
# charon's configuration templates.
VM_GUEST_TESTS += \
	tests/vm/guest/ike-fail.sh \
	tests/vm/guest/ike-ours.sh \
	tests/vm/guest/ike-strongswan-init.sh \
	tests/vm/guest/ike-strongswan-resp.sh \
	tests/vm/guest/ike-supervise.sh \
	tests/vm/guest/ike-swan.sh
EXTRA_DIST += tests/vm/ikelab.sh tests/vm/strongswan/strongswan.conf.in \
	tests/vm/strongswan/swanctl.conf.in

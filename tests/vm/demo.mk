# tests/vm/demo.mk: the two-host demo and the IKE benchmark (issue #8).  Included by the top-level Makefile.am.
# The README's main job, tools/demo, runs this guest script alone in the VM lab; the lab
# runs it with the others, with its checks as TAP points.
VM_GUEST_TESTS += tests/vm/guest/ike-demo.sh
# ikebench: the IKE benchmark (tests/bench/ike, not run by make check: it boots the VM and
# prints exchanges per second for ours and strongSwan) and its functional check at a small
# N in the VM lab.
VM_GUEST_TESTS += tests/vm/guest/ike-many.sh
EXTRA_DIST += tests/bench/ike
# ikeperf: where our CPU per IKE exchange goes in the VM (per-process CPU, faults and
# system calls per exchange; not run by make check).
EXTRA_DIST += tests/bench/ike-prof

#!/bin/busybox sh
# PID 1 of the kernel-lane VM (see test/harness/vm.ts). It loads the virtio and
# 9p modules, mounts the host's / read-only as the new root and the host's
# .cache/vm writable inside it, runs the job the host wrote for this boot
# (nmk_run=<id> on the kernel command line), and powers off. Every line it
# prints goes to the serial console, which the host keeps for error reports.
/bin/busybox --install -s /bin
export PATH=/bin

say() { echo "nmk-vm: $*"; }
halt() { sync; poweroff -f; sleep 5; echo o > /proc/sysrq-trigger; }
die() { say "FATAL: $*"; halt; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

for m in $(cat /modules.load); do
  insmod "/modules/$m" || die "insmod $m failed"
done

# Right after the insmods the virtio device may not be ready yet (EINVAL): retry briefly.
mount9p() {
  tries=0
  until mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$3" "$1" "$2" 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -ge 100 ] && return 1
    sleep 0.1
  done
}

mkdir -p /host
# cache=loose: the host's files do not change during a boot, and every uncached
# stat is a 9p round trip through an emulated CPU (module resolution does many).
mount9p hostroot /host ro,cache=loose || die "cannot mount the host root (9p tag hostroot)"
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
# The host's /tmp stays visible (read-only): the repository may live there
# (CI clones can). Writable scratch space and the exchange live under /run.
mount -t tmpfs tmpfs /host/run
mkdir -p /host/run/nmk-vm /host/run/tmp
mount9p nmkvm /host/run/nmk-vm rw || die "cannot mount the exchange directory (9p tag nmkvm)"

run=$(sed -n 's/.*nmk_run=\([A-Za-z0-9_-]*\).*/\1/p' /proc/cmdline)
[ -n "$run" ] || die "no nmk_run=<id> on the kernel command line"
job=/run/nmk-vm/runs/$run/job.sh
[ -f "/host$job" ] || die "no job at $job"

say "booted"
chroot /host /bin/sh "$job"
say "job exited $?"
halt

#!/bin/busybox sh
# /init of the test VM's initramfs (made by test/vm/setup.sh): loads the modules listed in
# /modules/order (9p, virtio, overlay), mounts the host's root (9p, read-only) and switches to it,
# running the guest script named by runts_guest= on the kernel command line (test/vm/guest.sh) as
# PID 1. With runts_init=systemd the host's root goes to /host instead and the guest script
# (test/vm/systemd-root.sh) runs here, in the initramfs: it makes the root and starts systemd.
B=/bin/busybox
$B mkdir -p /proc /dev /newroot /host
$B mount -t proc proc /proc
$B mount -t devtmpfs dev /dev
for m in $($B cat /modules/order); do
  $B insmod "/modules/$m.ko" || echo "vm: insmod $m failed" >/dev/console
done
arg() { $B sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
guest=$(arg runts_guest)
root=/newroot
[ "$(arg runts_init)" = systemd ] && root=/host
if ! $B mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=524288 hostroot $root; then
  echo "vm: cannot mount the host's root" >/dev/console
  $B poweroff -f
fi
[ $root = /host ] && exec $B sh "/host$guest"
$B umount /proc /dev
exec $B switch_root /newroot /bin/sh "$guest"

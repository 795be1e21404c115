#!/bin/busybox sh
# /init of the test VM's initramfs (made by test/vm/setup.sh): loads the 9p modules listed in
# /modules/order, mounts the host's root (9p, read-only) and switches to it, running the guest
# script named by runts_guest= on the kernel command line (test/vm/guest.sh) as PID 1.
B=/bin/busybox
$B mkdir -p /proc /dev /newroot
$B mount -t proc proc /proc
$B mount -t devtmpfs dev /dev
for m in $($B cat /modules/order); do
  $B insmod "/modules/$m.ko" || echo "vm: insmod $m failed" >/dev/console
done
if ! $B mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=524288 hostroot /newroot; then
  echo "vm: cannot mount the host's root" >/dev/console
  $B poweroff -f
fi
guest=$($B sed -n 's/.*runts_guest=\([^ ]*\).*/\1/p' /proc/cmdline)
$B umount /proc /dev
exec $B switch_root /newroot /bin/sh "$guest"

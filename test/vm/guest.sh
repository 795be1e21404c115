#!/bin/sh
# Runs in the test VM as PID 1 after switch_root onto the host's root (read-only 9p): mounts
# what a container runtime needs (proc, sys, dev, cgroup2, securityfs, tmpfs where it writes),
# the host's share directory (read-write 9p) at its host path, the checkout at its own, runs SHARE/cmd with its stdout,
# stderr and exit status in SHARE/stdout, SHARE/stderr and SHARE/status, and powers off.
B=/bin/busybox
arg() { $B sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
$B mount -t proc proc /proc 2>/dev/null || true
$B mount -t sysfs sysfs /sys
$B mount -t devtmpfs dev /dev
$B mkdir -p /dev/pts /dev/shm
$B mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
$B mount -t tmpfs tmpfs /dev/shm
$B mount -t cgroup2 cgroup2 /sys/fs/cgroup
$B mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
[ -d /sys/fs/selinux ] && $B mount -t selinuxfs selinuxfs /sys/fs/selinux
# The checkout (runts_repo) may lie under one of the directories a tmpfs now covers (a clone
# in /tmp): it is held on /dev while they are mounted, then moved back to its path.
REPO=$(arg runts_repo)
$B mkdir -p /dev/.repo && $B mount --bind "$REPO" /dev/.repo
for d in /tmp /run /var/tmp /root; do
  [ -d "$d" ] && $B mount -t tmpfs -o mode=0755 tmpfs "$d"
done
$B chmod 1777 /tmp /var/tmp
$B mkdir -p "$REPO" && $B mount --move /dev/.repo "$REPO"
SHARE=$(arg runts_share)
$B mkdir -p "$SHARE"
$B mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=524288 share "$SHARE"
cd "$SHARE" && PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  /bin/sh "$SHARE/cmd" >"$SHARE/stdout" 2>"$SHARE/stderr"
echo $? >"$SHARE/status"
cd /
$B umount "$SHARE"
$B sync
$B poweroff -f

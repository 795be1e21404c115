#!/bin/busybox sh
# The systemd boot of the test VM (vm.ts, init: 'systemd'), run by the initramfs' /init with the
# host's root mounted read-only at /host. Makes the new root an overlay: Debian's systemd and dbus
# unpacked by setup.sh (the 9p export "systemd": overlayfs refuses a lower layer inside another)
# over the host's root, writes going to a tmpfs; gives it a
# machine-id of its own, a tmpfs /etc/systemd/system with nothing but this test's target and
# service (the host's enabled units stay out), tmpfs /tmp and /var/tmp, the share (read-write 9p)
# at its host path; then starts systemd as PID 1. runts-test.service runs SHARE/cmd (sh) after
# dbus.service, with its stdout, stderr and exit status in SHARE/stdout, SHARE/stderr and
# SHARE/status, and powers the VM off. The cgroup layout is the kernel command line's.
B=/bin/busybox
arg() { $B sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
fail() { echo "vm: $*" >/dev/console; $B poweroff -f; }
SHARE=$(arg runts_share)
N=/newroot
$B mkdir -p /systemd /rw
$B mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=524288 systemd /systemd &&
  [ -x /systemd/usr/lib/systemd/systemd ] || fail "no unpacked systemd (test/vm/setup.sh)"
$B mount -t tmpfs -o mode=0755 tmpfs /rw && $B mkdir /rw/upper /rw/work
$B mount -t overlay -o "lowerdir=/systemd:/host,upperdir=/rw/upper,workdir=/rw/work" overlay $N ||
  fail "cannot mount the overlay root"
$B tr -d - </proc/sys/kernel/random/uuid >$N/etc/machine-id
$B rm -f $N/.dockerenv   # not a container: systemd would take the VM for one
# The checkout (runts_repo) may lie under /tmp or /var/tmp (CI's fresh clone): it is held aside
# while the tmpfs are mounted, then moved back to its path (writable, on the overlay).
REPO=$(arg runts_repo)
$B mkdir -p /rw/repo && $B mount --bind "$N$REPO" /rw/repo || fail "cannot hold the checkout $REPO"
for d in /tmp /var/tmp /etc/systemd/system; do $B mount -t tmpfs -o mode=0755 tmpfs "$N$d"; done
$B chmod 1777 $N/tmp $N/var/tmp
$B mkdir -p "$N$REPO" && $B mount --move /rw/repo "$N$REPO" || fail "cannot put the checkout back at $REPO"
# /tmp and /var/tmp are new: tmpfiles has nothing to clean there (and the share may lie under /tmp)
$B mkdir -p $N/etc/tmpfiles.d && : >$N/etc/tmpfiles.d/tmp.conf
$B mkdir -p "$N$SHARE" && $B mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=524288 share "$N$SHARE" ||
  fail "cannot mount the share"

U=$N/etc/systemd/system
$B cat >$U/runts-test.target <<END
[Unit]
Description=runts test VM
Requires=runts-test.service
After=runts-test.service
AllowIsolate=yes
END
$B ln -s runts-test.target $U/default.target
$B cat >$U/runts-test.service <<END
[Unit]
Description=runts test steps (SHARE/cmd)
Requires=dbus.service
After=dbus.service basic.target
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
ExecStart=/bin/sh /etc/runts-test.sh
TimeoutStartSec=infinity
WorkingDirectory=$SHARE
Environment=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
StandardInput=null
StandardOutput=journal+console
END
$B cat >$N/etc/runts-test.sh <<END
cd "$SHARE" && /bin/sh "$SHARE/cmd" >"$SHARE/stdout" 2>"$SHARE/stderr"
echo \$? >"$SHARE/status"
END
# What a test VM has no use for: first-boot prompts, the console's getty, fstab, time sync.
for u in systemd-firstboot.service getty@tty1.service serial-getty@ttyS0.service systemd-remount-fs.service \
  systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer; do
  $B ln -s /dev/null "$U/$u"
done
$B umount /proc /dev
exec $B switch_root $N /lib/systemd/systemd

#!/usr/bin/env bash
# Build, from Debian packages, the two root filesystems runc's integration suite uses, for
# hosts that cannot reach the places runc's tests/integration/get-images.sh downloads from.
#
#   conformance/runc-suite-images.sh OUTDIR [MIRROR]
#
# Writes OUTDIR/busybox.tar.xz and OUTDIR/debian.tar.xz (an existing one is kept), to give to
# conformance/run-runc-suite.sh. Needs root, busybox-static, debootstrap, xz-utils.
#
# busybox.tar.xz stands for docker-library's busybox (glibc) image: the static busybox of
# Debian's busybox-static in /bin with a link per applet, /etc/passwd and /etc/group with the
# image's accounts, and the image's empty directories. debian.tar.xz stands for debuerreotype's
# buster-slim: here `debootstrap --variant=minbase` of the host's release (bookworm) from MIRROR
# (default http://deb.debian.org/debian), a newer Debian than the one runc's suite names.
set -eu

out=${1:?usage: $0 OUTDIR [MIRROR]}
mirror=${2:-http://deb.debian.org/debian}
release=$(. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/runc-suite-images.XXXXXX)
trap 'rm -rf "$work"' EXIT

busybox_image() {
  local r=$work/busybox bb
  bb=$(command -v busybox) || { echo "busybox-static is not installed" >&2; exit 1; }
  file -L "$bb" | grep -q 'statically linked' || { echo "$bb is not static" >&2; exit 1; }
  # An empty /dev and no /proc or /sys, as in the image: mask.bats puts symlinks at /proc and
  # /sys, and a container in a user namespace could not make /dev in a rootfs owned by root.
  mkdir -p "$r"/{bin,dev,etc,home,root,tmp,usr/sbin,var/spool/mail,var/www}
  chmod 1777 "$r/tmp"
  chmod 700 "$r/root"
  cp "$bb" "$r/bin/busybox"
  local applet
  for applet in $("$r/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$r/bin/$applet"
  done
  cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
  cat >"$r/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
EOF
  tar --numeric-owner -C "$r" -cJf "$out/busybox.tar.xz" .
}

debian_image() {
  local r=$work/debian
  debootstrap --variant=minbase "$release" "$r" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
  tar --numeric-owner -C "$r" -cJf "$out/debian.tar.xz" .
}

[ -e "$out/busybox.tar.xz" ] || busybox_image
[ -e "$out/debian.tar.xz" ] || debian_image
ls -l "$out/busybox.tar.xz" "$out/debian.tar.xz"

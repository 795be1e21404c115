#!/usr/bin/env bash
# What the test VM (test/vm/vm.ts) needs, from Debian's packages: qemu-system-x86 installed; the
# kernel (linux-image-amd64's image package), apparmor (apparmor_parser) and checkpolicy
# downloaded and unpacked into $RUNTS_VM_CACHE (default /var/cache/runts-test/vm), so nothing goes
# into /boot; and an initramfs made there from busybox-static, the kernel's 9p modules and
# test/vm/init.sh. Quiet when all is there. Never fails: whatever is missing makes the VM tests
# skip, and vm.ts says what.
# For the systemd boot (vm.ts, init: 'systemd'): Debian's systemd and dbus-daemon with the
# libraries they need that a minimal image may lack, unpacked into one tree $CACHE/systemd-root in
# the merged-/usr layout of the host, with the VM kernel's modules (systemd-root.sh lays it over
# the host's root);
# what they still cannot load is written to $CACHE/systemd-root.missing.
set -u
CACHE=${RUNTS_VM_CACHE:-/var/cache/runts-test/vm}
HERE=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive
log() { echo "setup (test VM): $*" >&2; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# apt-get download PKG into $CACHE/debs, unpacked into $CACHE/NAME (once).
fetch() {
  local name=$1 pkg=$2
  [ -e "$CACHE/$name/.unpacked" ] && return 0
  mkdir -p "$CACHE/debs" && rm -rf "$CACHE/$name" "$CACHE/debs/${pkg}_"*.deb
  (cd "$CACHE/debs" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null 2>&1) ||
    { apt-get update -qq >/dev/null 2>&1; (cd "$CACHE/debs" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null 2>&1); } ||
    { log "cannot download $pkg"; return 1; }
  dpkg-deb -x "$CACHE/debs/${pkg}_"*.deb "$CACHE/$name" && touch "$CACHE/$name/.unpacked" && log "unpacked $pkg into $CACHE/$name"
}

kernel_pkg() {
  apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }'
}

# The modules' own "depends=" fields, deepest first, for insmod in /init.
module_order() {
  local dir=$1; shift
  local m f deps
  for m in "$@"; do
    case " $ORDER " in *" $m "*) continue ;; esac
    f=$(find "$dir" -name "$m.ko" | head -n 1)
    [ -n "$f" ] || { log "kernel module $m not found"; return 1; }
    deps=$(grep -a -o 'depends=[a-z0-9_,-]*' "$f" | head -n 1 | cut -d= -f2 | tr ',' ' ')
    [ -z "$deps" ] || module_order "$dir" $deps || return 1
    ORDER="$ORDER $m"
  done
}

initramfs() {
  local moddir img=$CACHE/initramfs.img work
  moddir=$(ls -d "$CACHE"/kernel/lib/modules/* 2>/dev/null | head -n 1)
  [ -n "$moddir" ] && [ -x /bin/busybox ] || { log "no kernel modules or busybox for the initramfs"; return 1; }
  [ -e "$img" ] && [ "$img" -nt "$HERE/init.sh" ] && [ "$img" -nt "$moddir" ] && return 0
  ORDER=""
  module_order "$moddir" 9pnet_virtio 9p virtio_pci overlay || return 1
  work=$(mktemp -d) && mkdir -p "$work/bin" "$work/modules" || return 1
  cp /bin/busybox "$work/bin/" && cp "$HERE/init.sh" "$work/init" && chmod 755 "$work/init"
  for m in $ORDER; do cp "$(find "$moddir" -name "$m.ko" | head -n 1)" "$work/modules/"; done
  echo $ORDER >"$work/modules/order"
  (cd "$work" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$img.tmp") && mv "$img.tmp" "$img"
  rm -rf "$work"
  [ -e "$img" ] && log "made $img"
}

SD_PKGS="systemd libsystemd-shared libsystemd0 dbus-daemon dbus-bin dbus-system-bus-common libdbus-1-3 libexpat1 libapparmor1 libip4tc2 libkmod2 kmod"

# The packages' trees merged into one, /bin /sbin /lib /lib64 moved under /usr (a real /lib in a
# layer above the host's /lib -> usr/lib would hide the host's libraries).
systemd_root() {
  local dest=$CACHE/systemd-root p d
  [ -e "$dest/.made" ] && return 0
  for p in $SD_PKGS; do fetch "pkg-$p" "$p" || { echo "cannot download $p" >"$dest.missing"; return 1; }; done
  rm -rf "$dest" && mkdir -p "$dest/usr"
  for p in $SD_PKGS; do cp -a "$CACHE/pkg-$p/." "$dest/"; done
  rm -f "$dest/.unpacked"
  for d in bin sbin lib lib64; do
    [ -d "$dest/$d" ] && [ ! -L "$dest/$d" ] || continue
    mkdir -p "$dest/usr/$d" && cp -a "$dest/$d/." "$dest/usr/$d/" && rm -rf "${dest:?}/$d"
  done
  # the VM kernel's modules (hard links: no space taken) and their modules.dep, for modprobe in the VM
  if [ -d "$CACHE/kernel/lib/modules" ]; then
    mkdir -p "$dest/usr/lib/modules" && cp -al "$CACHE/kernel/lib/modules/." "$dest/usr/lib/modules/"
    for v in $(ls "$dest/usr/lib/modules"); do
      LD_LIBRARY_PATH=$dest/usr/lib/x86_64-linux-gnu bash -c 'exec -a depmod "$0" -b "$1" "$2"' "$dest/usr/bin/kmod" "$dest/usr" "$v" ||
        log "depmod $v failed"
    done
  fi
  systemd_missing "$dest" >"$dest.missing"
  [ -s "$dest.missing" ] && log "systemd boot: $(cat "$dest.missing")"
  touch "$dest/.made" && log "made $dest"
}

# The libraries the unpacked systemd and dbus-daemon cannot find (on the host's + the tree's paths).
systemd_missing() {
  local t=$1 libs
  libs=$(find "$t/usr/lib" -name '*.so*' -type f -printf '%h\n' | sort -u | tr '\n' :)
  LD_LIBRARY_PATH=$libs ldd "$t/usr/lib/systemd/systemd" "$t/usr/bin/systemctl" "$t/usr/lib/systemd/systemd-journald" \
    "$t/usr/bin/dbus-daemon" 2>&1 | awk '/not found/ { print $1 }' | sort -u | sed 's/^/missing library /'
}

mkdir -p "$CACHE" || exit 0
if ! installed qemu-system-x86; then
  log "installing qemu-system-x86"
  apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null 2>&1; } ||
    log "cannot install qemu-system-x86"
fi
kpkg=$(kernel_pkg)
[ -n "$kpkg" ] || { apt-get update -qq >/dev/null 2>&1; kpkg=$(kernel_pkg); }
if [ -n "$kpkg" ]; then fetch kernel "$kpkg"; else log "no kernel package for linux-image-amd64"; fi
fetch apparmor apparmor
fetch checkpolicy checkpolicy
systemd_root
initramfs
exit 0

#!/usr/bin/env bash
# Installs the system packages runts and its tests need on a Debian machine (run as root).
# Idempotent and quiet when everything is already there.
set -euo pipefail
# crun: `make bench` compares runts with it too. docker.io: the systemd VM's engines test
# (test/integration/systemd-vm-engines.test.ts) starts its own dockerd in the VM; on the host
# nothing of it may run (see policy-rc.d below). criu: `runts checkpoint`/`restore`, tested in the VM
# (test/integration/criu-vm.test.ts; Debian 12's criu 3.17 fails on newer host kernels); it has no
# service. podman (with conmon): Podman's checkpoint/restore through the runtime, in the VM
# (test/integration/criu-podman-vm.test.ts); its units are disabled below, and its /etc/containers
# and /etc/cni/net.d files are read by no other engine of the tests (containerd's CRI plugin,
# which would read /etc/cni, is disabled in their configuration).
pkgs=(busybox-static libseccomp2 libseccomp-dev runc crun gcc libc6-dev make iproute2 util-linux procps containerd docker.io criu podman)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No service is started by the install (docker.io's and containerd's postinst would start their
  # daemons on the host): invoke-rc.d and deb-systemd-invoke ask policy-rc.d, and 101 means no.
  policy=/usr/sbin/policy-rc.d ours=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && ours=1
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$ours" ] || { rm -f "$policy"; trap - EXIT; }
fi
# docker.io's and podman's postinsts enable their units (and docker's init script): a boot would
# start dockerd and Podman's API service, restart and auto-update units (or socket-activate them).
# The tests start their own in the VM; the host keeps none enabled.
disable_units() { # PACKAGE UNIT...
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' || return 0
  shift
  local u
  command -v systemctl >/dev/null || return 0
  for u in "$@"; do
    if systemctl is-enabled --quiet "$u" 2>/dev/null; then systemctl disable --quiet "$u" 2>/dev/null || true; fi
  done
}
disable_units docker.io docker.service docker.socket
disable_units podman podman.service podman.socket podman-restart.service podman-auto-update.service podman-auto-update.timer
if command -v update-rc.d >/dev/null && ls /etc/rc[2-5].d/S*docker >/dev/null 2>&1; then update-rc.d docker disable >/dev/null 2>&1 || true; fi

# containerd 2.x's runc shim, for the e2e test of `containerd-shim-runc-v2 -info` (containerd 2.0
# added -info; Debian 12 has 1.6). Debian sid's containerd package is downloaded with apt-get and
# a private configuration (its own sources list with sid only, lists, cache and preferences under
# $shim2/apt: the system's sources and packages are left alone), and only the shim is kept. The
# test skips, with the reason written to $shim2/unavailable, when it cannot be fetched.
# test/e2e/lib/containerd.ts names the same directory (SHIM2_DIR).
shim2=/var/cache/runts-test/containerd-2
fetch_shim2() {
  local apt=$shim2/apt arch log
  arch=$(dpkg --print-architecture) || return 1
  rm -rf "$apt"
  mkdir -p "$apt/sources.list.d" "$apt/preferences.d" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/download"
  echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${DEBIAN_SID_MIRROR:-http://deb.debian.org/debian} sid main" > "$apt/sources.list"
  # apt-get download writes into the current directory as the _apt user when it can.
  if id _apt >/dev/null 2>&1; then chown _apt "$apt/download"; fi
  local opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/sources.list.d"
    -o "Dir::Etc::Preferences=$apt/preferences" -o "Dir::Etc::PreferencesParts=$apt/preferences.d"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Acquire::Languages=none
    -o Acquire::http::Timeout=30)
  log=$apt/apt-get.log
  # apt-get update exits 0 when an index fails to download; the `download` that follows does not.
  if ! timeout 300 apt-get "${opts[@]}" update >"$log" 2>&1 \
    || ! (cd "$apt/download" && timeout 600 apt-get "${opts[@]}" download containerd) >>"$log" 2>&1; then
    grep -E '^[WE]: ' "$log" | grep -v 'Some index files failed' | head -n 1 | tr -s ' ' | tr -d '\n'
    return 1
  fi
  local deb shim
  deb=$(ls "$apt/download"/containerd_*.deb) && mkdir "$apt/x" && dpkg-deb -x "$deb" "$apt/x" \
    || { echo "dpkg-deb -x of ${deb:-the containerd package} failed"; return 1; }
  shim=$apt/x/usr/bin/containerd-shim-runc-v2
  "$shim" -v >/dev/null 2>&1 || { echo "${deb##*/}: its containerd-shim-runc-v2 -v does not run on this host"; return 1; }
  mv "$shim" "$shim2/containerd-shim-runc-v2" && dpkg-deb -f "$deb" Version > "$shim2/VERSION" && rm -rf "$apt"
}
if ! "$shim2/containerd-shim-runc-v2" -v >/dev/null 2>&1; then
  echo "setup: fetching containerd-shim-runc-v2 of containerd 2.x from Debian sid into $shim2" >&2
  mkdir -p "$shim2"
  if why=$(fetch_shim2); then
    rm -f "$shim2/unavailable"
    echo "setup: containerd-shim-runc-v2 $(cat "$shim2/VERSION") is in $shim2" >&2
  else
    printf 'apt-get download containerd from Debian sid failed: %s\n' "${why:-see $shim2/apt/apt-get.log}" > "$shim2/unavailable"
    echo "setup: $(cat "$shim2/unavailable"); the e2e test of containerd-shim-runc-v2 -info will skip" >&2
  fi
fi

# The test VM of the LSM tests (test/vm): qemu, and Debian's kernel, apparmor and checkpolicy
# unpacked into /var/cache/runts-test/vm. Never fails; what is missing makes those tests skip.
bash "$(dirname "$0")/../test/vm/setup.sh" || true

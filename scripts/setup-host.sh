#!/usr/bin/env bash
# Installs the system packages runts and its tests need on a Debian machine (run as root).
# Idempotent and quiet when everything is already there.
set -euo pipefail
pkgs=(busybox-static libseccomp2 libseccomp-dev runc gcc libc6-dev make iproute2 util-linux procps containerd)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

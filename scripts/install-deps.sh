#!/usr/bin/env bash
# Installs the C libraries rdpcause links (libexpat, libzstd, libarchive, liblzma) when they are missing,
# and any further Debian packages named as arguments (scripts/build-deb.sh adds its tools).
# Uses apt-get as root, or through sudo; otherwise says exactly what to install.
set -euo pipefail
packages=(libexpat1-dev libzstd-dev libarchive-dev liblzma-dev pkg-config "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "rdpcause needs these Debian packages: ${missing[*]} (run: apt-get install ${missing[*]})" >&2
  exit 1
fi

#!/usr/bin/env bash
# Installs what nmk needs on a Debian (or Ubuntu) machine, then its npm
# packages, then builds. Idempotent: packages already present are not asked
# for again, and apt-get update runs only when something is missing.
#
#   sudo bash scripts/bootstrap.sh                  # everything
#   sudo bash scripts/bootstrap.sh --packages-only  # Debian packages only
#
# NetworkManager's package is installed for its nmcli only. Where this script
# installs it, its service is kept from starting and masked, so it can never
# take over this machine's network. A NetworkManager that was already installed
# (this machine's own) is left alone: the tests talk to private buses only.
set -euo pipefail
cd "$(dirname "$0")/.."

# One row per package: why nmk needs it.
PACKAGES=(
  dbus              # dbus-daemon: the private buses of tests and the sandbox
  iproute2          # ip: namespaces, veths, and what tests assert on
  ethtool           # ethtool -k: the ethtool-features test reads offload features with it, apart from nmk's own code
  network-manager   # nmcli, the client the integration tests drive nmk with
  dnsmasq-base      # DHCP and router advertisements on the far side of a veth; the sharing plugin's server
  nftables          # nft: the sharing plugin's NAT rules
  bind9-dnsutils    # dig: DNS queries in the integration tests
  isc-dhcp-client   # dhclient, to check the DHCP harness
  isc-dhcp-server   # dhcpd -6: a DHCPv6 server that delegates prefixes (dnsmasq cannot), for the prefix-delegation test
  network-manager-openvpn # NetworkManager's OpenVPN VPN service, which the VPN test drives through nmkd unchanged
  openvpn           # the OpenVPN server (peer namespace) and client that service runs; its services stay off (policy-rc.d here)
  qemu-system-x86   # the kernel lane's VM
  linux-image-amd64 # a kernel with bonding, 8021q, dummy, team... for that VM
  busybox-static    # the VM's initramfs
  kmod              # modprobe inside the VM; modinfo
  xz-utils          # unpacks .ko.xz modules when the kernel ships them compressed
  systemd           # systemd-notify (nmkd's readiness), busctl
  socat             # receives the sd_notify datagram in the readiness test
  dbus-bin          # dbus-send, used by the D-Bus layer's tests
  libglib2.0-bin    # gdbus, a second independent D-Bus client in tests
  util-linux        # setpriv: calls as an unprivileged user in tests
  ansible           # community.general.nmcli: the fleet-tool test drives nmk as NetworkManager
  gcc               # builds nmkd's netlink event helper (plugins/platform-linux/native) in npm run build
  libc6-dev         # the C headers and static libc that helper is built with
)

packages_only=false
for arg in "$@"; do
  case "$arg" in
    --packages-only) packages_only=true ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bootstrap.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "bootstrap: $*"; }

if [ "$(id -u)" != 0 ]; then
  echo "bootstrap.sh installs Debian packages: run it as root (sudo bash scripts/bootstrap.sh)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
  echo "bootstrap.sh supports Debian and Ubuntu (apt-get). Install these by hand: ${PACKAGES[*]}; then npm ci && npm run build" >&2
  exit 1
fi

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# True when systemd runs this machine (systemctl answers only then).
systemd_runs() {
  [ -d /run/systemd/system ] && command -v systemctl >/dev/null
}

missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
nm_was_installed=true
installed network-manager || nm_was_installed=false

if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # policy-rc.d answering 101 tells maintainer scripts not to start services:
  # NetworkManager must not start and take over this machine's links.
  policy=/usr/sbin/policy-rc.d
  placed_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    placed_policy=true
  fi
  trap '[ "$placed_policy" = true ] && rm -f "$policy"' EXIT
  # No recommends: nmk uses none of them (NetworkManager's modem and Wi-Fi
  # helpers, qemu's GUI, the kernel's firmware), and they would start services.
  apt-get install -y --no-install-recommends "${missing[@]}"
  if [ "$placed_policy" = true ]; then rm -f "$policy"; placed_policy=false; fi
else
  say "Debian packages already installed"
fi

if [ "$nm_was_installed" = false ] && systemd_runs; then
  # We brought NetworkManager in for nmcli: make sure its daemon never runs here.
  if systemctl is-active --quiet NetworkManager.service; then
    say "stopping the NetworkManager service the package started"
    systemctl stop NetworkManager.service
  fi
  systemctl mask NetworkManager.service NetworkManager-wait-online.service NetworkManager-dispatcher.service >/dev/null
  say "NetworkManager's service is masked (only its nmcli is used)"
elif [ "$nm_was_installed" = true ] && systemd_runs && systemctl is-active --quiet NetworkManager.service; then
  say "note: this machine's own NetworkManager is running; nmk's tests and sandbox never talk to it"
fi

if systemd_runs; then
  # dhcpd runs only inside the tests' namespaces: its services must never serve this machine's links.
  systemctl disable --now isc-dhcp-server.service isc-dhcp-server6.service >/dev/null 2>&1 || true
  systemctl mask isc-dhcp-server.service isc-dhcp-server6.service >/dev/null 2>&1 || true
fi

if [ "$packages_only" = true ]; then exit 0; fi

if ! command -v npm >/dev/null; then
  echo "bootstrap.sh: node and npm (Node.js 20.19 or newer) are needed for the rest" >&2
  exit 1
fi
say "npm ci"
npm ci
say "npm run build"
npm run build
say "done"

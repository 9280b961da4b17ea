#!/bin/sh
# Install what livemap's build and test bed need, from Debian's archive.
# Idempotent and quiet when everything is present.
#   scripts/deps.sh            the default set (6.1 kernel pair, QEMU, busybox)
#   scripts/deps.sh --612      also a Debian 6.12 kernel image + headers
#   scripts/deps.sh --fuzz     also clang's libFuzzer runtime
set -eu

want="qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio
      gcc make libc6-dev perl kmod procps iproute2 ethtool util-linux"
extra612=0
for a in "$@"; do
	case "$a" in
	--612) extra612=1 ;;
	--fuzz) want="$want clang libclang-rt-14-dev" ;;
	*) echo "deps.sh: unknown option '$a'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done

k612=""
if [ $extra612 = 1 ]; then
	if ! ls -d /lib/modules/6.12.*-amd64/build >/dev/null 2>&1; then
		k612=pick
	fi
fi

[ -z "$missing" ] && [ -z "$k612" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing${k612:+ (a 6.12 kernel)}; run as root to install them" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "deps.sh: installing:$missing${k612:+ linux-image/headers 6.12}" >&2
apt-get update -qq >/dev/null 2>&1 || apt-get update -q
if [ -n "$k612" ]; then
	# The newest packaged 6.12 generic amd64 flavour.
	v=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb[0-9]+-amd64$' |
		sed -n 's/^linux-headers-\([^ ]*\) .*/\1/p' | sort -V | tail -n 1)
	if [ -z "$v" ]; then
		echo "deps.sh: no linux-headers-6.12.*-amd64 package in the configured archive" >&2
		exit 1
	fi
	missing="$missing linux-image-$v linux-headers-$v"
fi
# shellcheck disable=SC2086
if ! apt-get install -y -qq --no-install-recommends $missing >/tmp/livemap-deps.$$.log 2>&1; then
	tail -n 20 /tmp/livemap-deps.$$.log >&2
	echo "deps.sh: apt-get install failed for:$missing" >&2
	rm -f /tmp/livemap-deps.$$.log
	exit 1
fi
rm -f /tmp/livemap-deps.$$.log

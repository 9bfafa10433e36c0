#!/usr/bin/env bash
# Install Debian's chromium (browser tests, tests/e2e) and the fonts the PDFs need: CJK and Arabic script.
# Idempotent: does nothing when chromium and the fonts are already there.
# Playwright drives /usr/bin/chromium; it never downloads a browser of its own.
set -euo pipefail

packages=(chromium fonts-noto-cjk fonts-wqy-zenhei fonts-noto-core)

have_fonts() {
    dpkg-query -W -f='${Status}\n' fonts-noto-cjk fonts-wqy-zenhei fonts-noto-core 2>/dev/null | grep -c "install ok installed" | grep -qx 3
}

if [[ -x /usr/bin/chromium ]] && have_fonts; then
    echo "chromium, CJK and Arabic-script fonts already installed: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
    exit 0
fi

sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
    sudo="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y "${packages[@]}"
/usr/bin/chromium --version

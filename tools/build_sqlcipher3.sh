#!/usr/bin/env bash
# Build sqlcipher3 from its PyPI sdist the way recipes/sqlcipher3 does on mobile-forge
# (same sdist, same sha256, same patches, OpenSSL from the build environment rather
# than conan), but natively against Debian's libssl-dev, and install it into a venv.
# It proves the recipe's build path on a machine we can test on.
#
# usage: tools/build_sqlcipher3.sh [VENV]      (default: the project's .venv)
# env:   SQLCIPHER3_BUILD_DIR  where the sdist is cached and unpacked and the wheel kept
#        (default: a temp dir, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
recipe="$root/recipes/sqlcipher3"

venv=${1:-"$root/.venv"}
if [ ! -x "$venv/bin/python" ]; then
    echo "build_sqlcipher3: venv: no python at $venv/bin/python (run uv sync first)" >&2
    exit 2
fi

# The version and sdist come from the recipe and uv.lock, which must agree.
version=$(sed -n 's/^  version: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$recipe/meta.yaml")
url=$(sed -n 's/^  url: *//p' "$recipe/meta.yaml")
sha256=$(sed -n 's/^# sha256: *//p' "$recipe/meta.yaml")
locked=$(sed -n '/^name = "sqlcipher3"$/{n;s/^version = "\(.*\)"$/\1/p}' "$root/uv.lock")
if [ -z "$version" ] || [ -z "$url" ] || [ -z "$sha256" ]; then
    echo "build_sqlcipher3: recipes/sqlcipher3/meta.yaml: version, url or sha256 missing" >&2
    exit 2
fi
if [ "$version" != "$locked" ]; then
    echo "build_sqlcipher3: recipe version $version differs from uv.lock's $locked" >&2
    exit 2
fi

if [ ! -f /usr/include/openssl/evp.h ]; then
    echo "build_sqlcipher3: installing Debian's libssl-dev"
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd=sudo
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq libssl-dev >/dev/null
fi

if [ -n "${SQLCIPHER3_BUILD_DIR:-}" ]; then
    work=$SQLCIPHER3_BUILD_DIR
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
sdist="$work/sqlcipher3-$version.tar.gz"
if [ ! -f "$sdist" ]; then
    echo "build_sqlcipher3: downloading $url"
    curl -fsSL -o "$sdist.part" "$url"
    mv "$sdist.part" "$sdist"
fi
if ! echo "$sha256  $sdist" | sha256sum --check --status -; then
    echo "build_sqlcipher3: sdist: sha256 is not $sha256" >&2
    rm -f "$sdist"
    exit 1
fi
echo "build_sqlcipher3: sdist sha256 ok ($sha256)"

src="$work/src"
rm -rf "$src"
mkdir -p "$src"
tar -xzf "$sdist" -C "$src" --strip-components=1
# Apply the recipe's patches in the order meta.yaml lists them, as forge does.
sed -n '/^patches:/,/^[^ ]/s/^  - *//p' "$recipe/meta.yaml" | while read -r patch; do
    echo "build_sqlcipher3: applying $patch"
    patch -p1 --ignore-whitespace --quiet --input "$recipe/patches/$patch" -d "$src"
done

wheels="$work/wheels"
rm -rf "$wheels"
echo "build_sqlcipher3: compiling (the SQLCipher amalgamation takes a few minutes)"
start=$(date +%s)
uv build --quiet --wheel --out-dir "$wheels" "$src"
echo "build_sqlcipher3: compiled in $(( $(date +%s) - start ))s"
wheel=$(ls "$wheels"/sqlcipher3-"$version"-*.whl)
uv pip install --quiet --python "$venv/bin/python" --reinstall --no-deps "$wheel"
echo "build_sqlcipher3: installed $(basename "$wheel") into $venv"

"$venv/bin/python" - <<'EOF'
import pathlib
import subprocess

import sqlcipher3
from sqlcipher3 import _sqlite3

conn = sqlcipher3.connect(":memory:")
conn.execute("PRAGMA key = 'probe'")
for pragma in ("cipher_version", "cipher_provider", "cipher_provider_version"):
    print(f"PRAGMA {pragma}: {conn.execute(f'PRAGMA {pragma}').fetchone()[0]}")
so = pathlib.Path(_sqlite3.__file__)
linked = [line.split()[0] for line in subprocess.run(
    ["ldd", str(so)], capture_output=True, text=True, check=True
).stdout.splitlines() if "libcrypto" in line]
print(f"extension: {so}")
print(f"links: {', '.join(linked) or 'no shared libcrypto'}")
EOF

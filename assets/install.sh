#!/usr/bin/env bash
# Install the French State design system (DSFR, npm package @gouvfr/dsfr, pinned in
# package.json/package-lock.json) into isc/static/dsfr/, which git ignores.
#
# Only what the pages use is copied, in the package's own layout so that the relative URLs
# inside its CSS keep working: the bundled stylesheet and scripts, the icon utility
# stylesheets listed in UTILITY_CSS, every icon and font those stylesheets reference (fonts as
# WOFF2 only: every browser the DSFR supports reads it), the pictograms listed in ARTWORK,
# the favicons and the licence.
#
# Idempotent and fast: a stamp records what was installed; nothing is done while the lockfile
# and this script are unchanged. FORCE=1 reinstalls.
#
# The package refuses to install until its terms of use (modalités d'utilisation,
# node_modules/@gouvfr/dsfr/doc/legal/cgu.md) are accepted for the project, either by an
# assets/.dsfr.yml file containing `accept-license: <version>` or by DSFR_ACCEPT_LICENSE=1.
set -euo pipefail

ASSETS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$ASSETS")"
DIST="$ASSETS/node_modules/@gouvfr/dsfr/dist"
TARGET="$ROOT/isc/static/dsfr"
STAMP="$TARGET/.installed"

# Icon classes (fr-icon-*) come from these per-category stylesheets of dist/utility/icons/.
UTILITY_CSS=(
    utility/icons/icons-arrows/icons-arrows.min.css
    utility/icons/icons-system/icons-system.min.css
    utility/icons/icons-user/icons-user.min.css
)

# Pictograms drawn by the templates (<svg><use href=".../artwork/...svg#...">).
ARTWORK=(
    artwork/background/ovoid.svg
    artwork/pictograms/system/technical-error.svg
    artwork/pictograms/system/padlock.svg
    artwork/pictograms/document/contract.svg
    artwork/pictograms/buildings/companie.svg
    artwork/pictograms/leisure/community.svg
)

fingerprint="$(cat "$ASSETS/package-lock.json" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
if [[ "${FORCE:-0}" != 1 && -f "$STAMP" && "$(cat "$STAMP")" == "$fingerprint" ]]; then
    echo "DSFR already installed in ${TARGET#"$ROOT"/}"
    exit 0
fi

command -v node >/dev/null || { echo "Node.js (^20.19, ^22.12 or >=24) and npm are required" >&2; exit 1; }
locked="$(node -p "require('$ASSETS/package-lock.json').packages['node_modules/@gouvfr/dsfr'].version")"
installed="$(node -p "try { require('$DIST/../package.json').version } catch { 'none' }")"
if [[ "$installed" != "$locked" ]]; then
    if [[ "${DSFR_ACCEPT_LICENSE:-}" != 1 && ! -f "$ASSETS/.dsfr.yml" ]]; then
        cat >&2 <<EOF
The DSFR package installs only once its terms of use are accepted for this project.
Read them (https://www.systeme-de-design.gouv.fr/, or doc/legal/cgu.md inside the package),
then either create assets/.dsfr.yml containing the line
    accept-license: 1.0.1
(the cguVersion of the terms), or run this script with DSFR_ACCEPT_LICENSE=1.
EOF
        exit 1
    fi
    # Run from assets/ so that the package's licence check finds assets/.dsfr.yml.
    (cd "$ASSETS" && npm ci --no-audit --no-fund --loglevel=error)
fi

staging="$(mktemp -d "$ROOT/isc/static/.dsfr-XXXXXX")"
chmod 755 "$staging"
trap 'rm -rf "$staging"' EXIT

copy() {  # copy DIST/<relative path> to staging, keeping the path
    local rel="$1"
    [[ -f "$DIST/$rel" ]] || { echo "missing in @gouvfr/dsfr: dist/$rel" >&2; exit 1; }
    mkdir -p "$staging/$(dirname "$rel")"
    cp "$DIST/$rel" "$staging/$rel"
}

copy_with_references() {  # a stylesheet and every local file its url(...) point to
    local css="$1" dir ref
    copy "$css"
    dir="$(dirname "$css")"
    grep -o 'url([^)]*)' "$DIST/$css" | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' \
        | grep -v -E '^(data:|https?:|#)' | sed -E 's/[?#].*$//' | sort -u \
        | while read -r ref; do
            [[ "$ref" == *.woff ]] && continue  # WOFF2 twin is listed first and always used
            copy "$(realpath -m --relative-to="$DIST" "$DIST/$dir/$ref")"
        done
}

copy_with_references dsfr.min.css
for css in "${UTILITY_CSS[@]}"; do copy_with_references "$css"; done
for file in "${ARTWORK[@]}"; do copy "$file"; done
copy dsfr.module.min.js
copy dsfr.nomodule.min.js
for file in "$DIST"/favicon/*; do copy "favicon/$(basename "$file")"; done
cp "$ASSETS/node_modules/@gouvfr/dsfr/LICENSE.md" "$staging/LICENSE.md"
echo "$fingerprint" >"$staging/.installed"

rm -rf "$TARGET"
mv "$staging" "$TARGET"
trap - EXIT
echo "DSFR $locked installed in ${TARGET#"$ROOT"/} ($(du -sh --apparent-size "$TARGET" | cut -f1))"

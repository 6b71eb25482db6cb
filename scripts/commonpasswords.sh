#!/usr/bin/env bash
# Regenerates server/auth/common-passwords.txt, the common-password list the
# binary embeds (docs/SECURITY.md, password policy). The source is Openwall's
# password.lst (John the Ripper, public domain, "passwords most commonly seen
# ... sorted for decreasing number of occurrences"), as Debian packages it in
# john-data. It is lowercased (the check is case-insensitive) and de-duplicated,
# keeping the order of decreasing frequency.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download john-data >/dev/null && dpkg-deb -x john-data_*.deb x)
version=$(dpkg-deb -f "$tmp"/john-data_*.deb Version)
out=server/auth/common-passwords.txt
{
  echo "# Common passwords refused by the password policy (server/auth/policy.go)."
  echo "# Source: Openwall's password.lst by Solar Designer (public domain), from Debian's"
  echo "# john-data $version (/usr/share/john/password.lst); lowercased, de-duplicated,"
  echo "# most common first. Regenerate with scripts/commonpasswords.sh."
  grep -v '^#!comment' "$tmp"/x/usr/share/john/password.lst | tr 'A-Z' 'a-z' | awk 'NF && !seen[$0]++'
} >"$out"
echo "wrote $out ($(grep -vc '^#' "$out") passwords)"

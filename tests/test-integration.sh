#!/usr/bin/env bash
# Desktop integration: validates the launcher, the D-Bus service, the AppStream
# metadata, the settings schema, the German translation and the Flatpak
# manifest, then installs the build into a scratch DESTDIR and checks that
# every file lands where a distribution expects it. Prints TAP.
#
# Usage: test-integration.sh SOURCE_ROOT BUILD_ROOT BINDIR DATADIR LOCALEDIR
# (the last three absolute, as configured)
set -uo pipefail

src=$1 build=$2 bindir=$3 datadir=$4 localedir=$5
app_id=io.github.nexuschat.NexusChat
manifest=$src/flatpak/$app_id.json

n=0
failed=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip () { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# Runs a command; its output goes to the log as TAP comments.
check () {
  local name=$1; shift
  if "$@" >"$scratch/out" 2>&1; then ok "$name"; else not_ok "$name"; fi
  sed 's/^/# /' "$scratch/out"
}
have () { command -v "$1" >/dev/null 2>&1; }

# The launcher and D-Bus activation
desktop=$build/data/$app_id.desktop
service=$build/data/$app_id.service
if have desktop-file-validate; then
  check "desktop-file-validate $app_id.desktop" desktop-file-validate "$desktop"
else
  skip "desktop-file-validate $app_id.desktop" "desktop-file-validate is not installed"
fi
check "the launcher activates over D-Bus" grep -qx "DBusActivatable=true" "$desktop"
check "the launcher's icon is the app ID" grep -qx "Icon=$app_id" "$desktop"
check "the D-Bus service is named by the app ID" grep -qx "Name=$app_id" "$service"
check "the D-Bus service starts the installed binary as a GApplication service" \
  grep -qx "Exec=$bindir/nexus-chat --gapplication-service" "$service"

# AppStream
metainfo=$build/data/$app_id.metainfo.xml
if have appstreamcli; then
  check "appstreamcli validate --no-net $app_id.metainfo.xml" \
    appstreamcli validate --no-net --explain "$metainfo"
else
  skip "appstreamcli validate --no-net $app_id.metainfo.xml" "appstreamcli is not installed"
fi
check "the metainfo's launchable is the desktop file" \
  grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo"

# Settings
if have glib-compile-schemas; then
  check "glib-compile-schemas --strict --dry-run data/" \
    glib-compile-schemas --strict --dry-run "$src/data"
else
  skip "glib-compile-schemas --strict --dry-run data/" "glib-compile-schemas is not installed"
fi

# Translations: every file with marked strings is listed, German is complete,
# and it reaches the merged files.
unlisted=$(cd "$src" && grep -l -E -e 'translatable="yes"' -e '(^|[^A-Za-z0-9_])(N?C?_|ngettext) ?\(' \
             src/*.c src/ui/*.c src/ui/*.ui src/ui/*/*.ui src/core/*.c data/web/*.js 2>/dev/null |
           grep -v -x -F -f <(grep -v '^#' "$src/po/POTFILES.in"))
if [ -z "$unlisted" ]; then
  ok "po/POTFILES.in lists every file with translatable strings"
else
  not_ok "po/POTFILES.in lists every file with translatable strings"
  echo "$unlisted" | sed 's/^/# not listed: /'
fi
if have xgettext && have msgcmp; then
  mapfile -t potfiles < <(grep -v -e '^#' -e '^[[:space:]]*$' "$src/po/POTFILES.in")
  # The options of meson's i18n 'glib' preset, so this sees what the
  # nexus-chat-pot target sees.
  if (cd "$src" && xgettext --package-name=nexus-chat --from-code=UTF-8 --add-comments \
        --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
        --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
        --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
        --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
        --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
        --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
        --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
        --flag=g_print:1:c-format --flag=g_printerr:1:c-format \
        --flag=g_printf:1:c-format --flag=g_fprintf:2:c-format \
        --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format \
        -o "$scratch/nexus-chat.pot" "${potfiles[@]}") >"$scratch/out" 2>&1; then
    check "every translatable string has a German translation (msgcmp de.po)" \
      msgcmp "$src/po/de.po" "$scratch/nexus-chat.pot"
  else
    not_ok "xgettext extracts the files in POTFILES.in"
    sed 's/^/# /' "$scratch/out"
  fi
else
  skip "every translatable string has a German translation" "gettext is not installed"
fi
# The browser page's catalogue (data/web-catalogue.py) holds a German
# translation of every string the page's scripts mark.
if have xgettext && have python3; then
  (cd "$src" && xgettext --language=JavaScript --from-code=UTF-8 --keyword=_ --keyword=ngettext:1,2 \
     --force-po -o "$scratch/web.pot" $(grep '^data/web/.*\.js$' po/POTFILES.in)) >"$scratch/out" 2>&1
  check "the page's German catalogue translates every string of data/web/*.js" \
    python3 - "$scratch/web.pot" "$build/data/web-l10n-de.json" <<'EOF'
import json, re, sys

pot = open(sys.argv[1], encoding='utf-8').read()
ids = set()
for block in pot.split('\n\n'):
    m = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
    if m:
        msgid = ''.join(re.findall(r'"(.*)"', m.group(1))).replace('\\"', '"').replace('\\\\', '\\')
        if msgid:
            ids.add(msgid)
messages = json.load(open(sys.argv[2], encoding='utf-8'))['messages']
missing = sorted(ids - set(messages))
for msgid in missing:
    print('untranslated on the page:', msgid)
print(len(ids), 'strings,', len(missing), 'missing')
sys.exit(1 if missing or len(ids) < 50 else 0)
EOF
else
  skip "the page's German catalogue translates every string of data/web/*.js" "gettext or python3 is not installed"
fi
if have msgfmt; then
  check "de.po compiles with msgfmt --check" \
    msgfmt --check --output-file=/dev/null "$src/po/de.po"
else
  skip "de.po compiles with msgfmt --check" "msgfmt is not installed"
fi
check "the launcher carries the German comment" \
  grep -q '^Comment\[de\]=' "$desktop"
check "the metainfo carries the German summary" \
  grep -q '<summary xml:lang="de">' "$metainfo"

# The Flatpak manifest
if have python3; then
  check "the Flatpak manifest is JSON with the runtime, permissions and pinned sources" \
    python3 - "$manifest" <<'EOF'
import json, re, sys

with open(sys.argv[1]) as f:
    m = json.load(f)

def need(cond, what):
    if not cond:
        sys.exit("manifest: " + what)

need(m.get("id") == "io.github.nexuschat.NexusChat", "id is the app ID")
need(m.get("runtime") == "org.gnome.Platform", "runtime is org.gnome.Platform")
need(int(m.get("runtime-version", "0")) >= 50, "runtime-version is 50 or later")
need(m.get("sdk") == "org.gnome.Sdk", "sdk is org.gnome.Sdk")
need(m.get("command") == "nexus-chat", "command is nexus-chat")
need(sorted(m.get("finish-args", [])) == sorted([
    "--share=network", "--share=ipc", "--socket=wayland",
    "--socket=fallback-x11", "--device=dri",
    "--system-talk-name=org.freedesktop.Avahi"]),
    "finish-args are exactly network, ipc, wayland, fallback-x11, dri and Avahi on the system bus")

modules = {mod["name"]: mod for mod in m["modules"]}
qr = modules.get("libqrencode")
need(qr is not None, "a libqrencode module")
need("--without-tools" in qr.get("config-opts", []), "libqrencode without its tools")
for mod in m["modules"]:
    for source in mod.get("sources", []):
        if source["type"] in ("archive", "file"):
            need(re.fullmatch(r"https://\S+", source.get("url", "")),
                 mod["name"] + " is fetched over https")
            need(re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")),
                 mod["name"] + " is pinned by sha256")

app = m["modules"][-1]
need(app["name"] == "nexus-chat" and app.get("buildsystem") == "meson",
     "the app is the last module, built with meson")
need(app["sources"] == [s for s in app["sources"] if s["type"] == "dir" and s["path"] == ".."],
     "the app is built from the source tree")
print("manifest: ok")
EOF
else
  skip "the Flatpak manifest is JSON with the runtime, permissions and pinned sources" \
    "python3 is not installed"
fi
if have flatpak-builder; then
  check "flatpak-builder --show-manifest reads the manifest" \
    flatpak-builder --show-manifest "$manifest"
else
  skip "flatpak-builder --show-manifest reads the manifest" \
    "flatpak-builder is not installed (as inside the Flatpak build itself)"
fi

# Installation
destdir=$scratch/destdir
if meson install -C "$build" --no-rebuild --destdir "$destdir" >"$scratch/out" 2>&1; then
  ok "meson install --destdir"
  root=$destdir
  for f in \
    "$bindir/nexus-chat" \
    "$datadir/applications/$app_id.desktop" \
    "$datadir/dbus-1/services/$app_id.service" \
    "$datadir/metainfo/$app_id.metainfo.xml" \
    "$datadir/icons/hicolor/scalable/apps/$app_id.svg" \
    "$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
    "$datadir/glib-2.0/schemas/$app_id.gschema.xml" \
    "$localedir/de/LC_MESSAGES/nexus-chat.mo"
  do
    if [ -f "$root$f" ]; then ok "installs $f"; else not_ok "installs $f"; fi
  done
  if [ -x "$root$bindir/nexus-chat" ]; then
    ok "the installed binary is executable"
  else
    not_ok "the installed binary is executable"
  fi
  # The post-install hook belongs to the real system, not to a staging DESTDIR.
  if [ ! -e "$root$datadir/glib-2.0/schemas/gschemas.compiled" ]; then
    ok "nothing compiled into the DESTDIR by the post-install hook"
  else
    not_ok "nothing compiled into the DESTDIR by the post-install hook"
  fi
  if have msgunfmt; then
    msgunfmt "$root$localedir/de/LC_MESSAGES/nexus-chat.mo" >"$scratch/de.po" 2>/dev/null
    if grep -qx 'msgstr "Mit den Menschen in Ihrem Netzwerk chatten"' "$scratch/de.po"; then
      ok "the installed German catalogue translates the launcher's comment"
    else
      not_ok "the installed German catalogue translates the launcher's comment"
    fi
  else
    skip "the installed German catalogue translates the launcher's comment" \
      "msgunfmt is not installed"
  fi
else
  not_ok "meson install --destdir"
  sed 's/^/# /' "$scratch/out"
fi
echo "1..$n"
exit $failed

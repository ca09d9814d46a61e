#!/usr/bin/env python3
# The browser page's catalogue of one language, from the same po/LANG.po as
# the desktop app: xgettext finds the page's strings in data/web/*.js,
# msgmerge takes their translations from LANG.po, msgfmt --check compiles
# them, and the compiled catalogue becomes the JSON that data/web/i18n.js
# loads: {"language", "plural", "messages": {msgid: msgstr | [msgstr…]}}.
# Untranslated and fuzzy entries are left out (the page shows English).
#
#   web-catalogue.py catalogue LANG PO OUTPUT JS…   (the tools from $XGETTEXT,
#                                                  $MSGMERGE, $MSGFMT or PATH)
#   web-catalogue.py gresource OUTPUT LANG…        the GResource XML listing them

import json
import os
import re
import struct
import subprocess
import sys
import tempfile


def tool(name):
    return os.environ.get(name.upper(), name)


def read_mo(path):
    """The messages of a compiled catalogue: {msgid or (msgid, plural): msgstr or [msgstr…]}."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    order = '<' if magic == 0x950412de else '>'
    _, count, ids_at, strs_at = struct.unpack(order + '4I', data[4:20])
    entries = {}
    for i in range(count):
        id_len, id_off = struct.unpack(order + '2I', data[ids_at + 8 * i:ids_at + 8 * i + 8])
        str_len, str_off = struct.unpack(order + '2I', data[strs_at + 8 * i:strs_at + 8 * i + 8])
        msgid = data[id_off:id_off + id_len].decode('utf-8')
        msgstr = data[str_off:str_off + str_len].decode('utf-8')
        entries[msgid] = msgstr
    return entries


def catalogue(lang, po, output, sources):
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'web.pot')
        merged = os.path.join(tmp, 'web.po')
        mo = os.path.join(tmp, 'web.mo')
        subprocess.run([tool('xgettext'), '--language=JavaScript', '--from-code=UTF-8',
                        '--keyword=_', '--keyword=ngettext:1,2', '--force-po',
                        '--output', pot] + sources, check=True)
        subprocess.run([tool('msgmerge'), '--quiet', '--no-fuzzy-matching', '--output-file', merged,
                        po, pot], check=True)
        subprocess.run([tool('msgfmt'), '--check', '--output-file', mo, merged], check=True)
        entries = read_mo(mo)

    header = entries.pop('', '')
    m = re.search(r'^Plural-Forms:.*\bplural\s*=\s*([^;\n]+)', header, re.M)
    plural = m.group(1).strip() if m else 'n != 1'
    messages = {}
    for key, value in entries.items():
        if '\x04' in key:
            continue   # the page uses no contexts
        if '\x00' in key:
            forms = value.split('\x00')
            if all(forms):
                messages[key.split('\x00')[0]] = forms
        elif value:
            messages[key] = value
    with open(output, 'w', encoding='utf-8') as f:
        json.dump({'language': lang, 'plural': plural, 'messages': messages},
                  f, ensure_ascii=False, sort_keys=True, indent=0)
        f.write('\n')


def gresource(output, langs):
    files = ''.join(f'    <file alias="l10n/{lang}.json">web-l10n-{lang}.json</file>\n' for lang in langs)
    with open(output, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<gresources>\n'
                '  <gresource prefix="/io/github/nexuschat/NexusChat/web">\n'
                f'{files}  </gresource>\n</gresources>\n')


if __name__ == '__main__':
    if len(sys.argv) >= 5 and sys.argv[1] == 'catalogue':
        catalogue(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif len(sys.argv) >= 3 and sys.argv[1] == 'gresource':
        gresource(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__ or 'usage: see the comment at the top')

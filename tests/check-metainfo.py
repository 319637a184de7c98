#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the AppStream metainfo against the project.

- the newest <release> is the version in meson.build;
- every screenshot points at docs/screenshots/NAME.png in this repository,
  that file exists, is a PNG and has the width and height the metainfo gives
  (skipped while docs/screenshots does not exist yet);
- there is exactly one default screenshot and every screenshot has a caption.

Usage: check-metainfo.py SOURCE_ROOT
"""

import os
import re
import struct
import sys
import xml.etree.ElementTree as ET

import gpm_checks


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    if head[:8] != b'\x89PNG\r\n\x1a\n' or head[12:16] != b'IHDR':
        return None
    return struct.unpack('>II', head[16:24])


def main():
    src = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                          os.path.join(os.path.dirname(__file__), '..'))

    def check(desc, ok, detail=''):
        gpm_checks.check(ok, desc, detail)

    meson = open(os.path.join(src, 'meson.build'), encoding='utf-8').read()
    version = re.search(r"version\s*:\s*'([^']+)'", meson).group(1)
    root = ET.parse(os.path.join(
        src, 'data', 'org.example.GPlusMigrate.metainfo.xml.in')).getroot()

    releases = root.findall('./releases/release')
    check('metainfo has releases', releases)
    if releases:
        check(f'newest release is the project version {version}',
              releases[0].get('version') == version,
              f'newest release is {releases[0].get("version")}')

    shots = root.findall('./screenshots/screenshot')
    check('metainfo has screenshots', shots)
    check('exactly one default screenshot',
          sum(1 for s in shots if s.get('type') == 'default') == 1)
    shot_dir = os.path.join(src, 'docs', 'screenshots')
    for s in shots:
        image = s.find('image')
        url = image.text.strip() if image is not None and image.text else ''
        name = url.rsplit('/', 1)[-1]
        check(f'{name}: has a caption',
              s.find('caption') is not None and s.find('caption').text)
        check(f'{name}: URL points at docs/screenshots/ on the main branch',
              re.match(r'^https://.+/raw/main/docs/screenshots/[\w.-]+\.png$', url),
              url)
        if not os.path.isdir(shot_dir):
            check(f'{name}: file exists # SKIP docs/screenshots not '
                  f'in this tree yet', True)
            continue
        path = os.path.join(shot_dir, name)
        size = png_size(path) if os.path.isfile(path) else None
        check(f'{name}: docs/screenshots/{name} exists and is a PNG',
              size is not None)
        if size is not None and image.get('width'):
            check(f'{name}: is {image.get("width")}×{image.get("height")}',
                  size == (int(image.get('width')), int(image.get('height'))),
                  f'the file is {size[0]}×{size[1]}')

    return gpm_checks.finish()


if __name__ == '__main__':
    sys.exit(main())

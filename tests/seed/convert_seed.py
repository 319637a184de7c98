#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The seed's Part III converter (google-plus-migration-blog.txt), reconstructed:
# the lines lost in publication restored the way the text describes them
# (content converted first, link appended last, after an empty line: the
# listing lost the body of `if link:`; the format, issue 12, puts the link in
# a paragraph of its own, which is how diaspora* renders it as one), the
# diaspy posting left out.
#
#   convert_seed.py POST.json...        print each post's Markdown
#   convert_seed.py --jsonl POST.json... one JSON object per post: {"entry", "markdown"}
#   convert_seed.py --loop N POST.json... convert every post N times and print
#                                         how many and the seconds the loop took
# A folder argument stands for every .json file under it.

import json
import os
import sys
import time

import dateutil.parser
import html2text

HASHTAGS = ['repost', 'gplusarchive', 'googleplus', 'gplusrefugees', 'plexodus']


def format_post(content, link, hashtags, post_date, post_context):
    output = []

    if content:
        converter = html2text.HTML2Text()
        converter.ignore_links = True
        converter.body_width = 0
        output.append(converter.handle(content))

    if hashtags:
        output.append(' '.join(('#' + tag for tag in hashtags)))

    if post_date:
        output.append('Originally posted on Google+ on %s%s'
                      % (post_date.strftime('%a %b %d, %Y'),
                         '  ( ' + post_context + ')' if post_context else ''))

    if link:
        output.append('\n' + link)

    return '\n'.join(output)


def parse_post(post_json):
    post_date = dateutil.parser.parse(post_json['creationTime'])
    content = post_json['content'] if 'content' in post_json else ''
    link = post_json['link']['url'] if 'link' in post_json else ''

    hashtags = HASHTAGS

    # TODO: Dealing with images later...
    if 'album' in post_json or 'media' in post_json:
        hashtags = hashtags + ['photo', 'photography']

    # If a shared post contains a link, extract that link
    # and give credit to original poster.
    if 'resharedPost' in post_json and 'link' in post_json['resharedPost']:
        link = post_json['resharedPost']['link']['url']
        content = content + ' - H/t to ' + post_json['resharedPost']['author']['displayName']

    acl = post_json['postAcl']
    post_context = ''
    if 'communityAcl' in acl:
        post_context = acl['communityAcl']['community']['displayName']

    return format_post(content, link, hashtags, post_date, post_context)


def main(argv):
    mode = 'print'
    loops = 1
    args = argv[1:]
    if args and args[0] == '--jsonl':
        mode = 'jsonl'
        args = args[1:]
    elif args and args[0] == '--loop':
        mode = 'loop'
        loops = int(args[1])
        args = args[2:]
    # A folder stands for every post JSON in it (a takeout's Posts folder);
    # files that are not posts the seed can read are left out.
    files = []
    for arg in args:
        if os.path.isdir(arg):
            for d, _, names in os.walk(arg):
                files.extend(os.path.join(d, n) for n in sorted(names) if n.endswith('.json'))
        else:
            files.append(arg)
    posts = []
    for filename in files:
        try:
            with open(filename, encoding='utf-8') as f:
                post_json = json.load(f)
        except (OSError, ValueError):
            if len(args) == 1 and not os.path.isdir(args[0]):
                raise
            continue
        if isinstance(post_json, dict) and 'postAcl' in post_json and 'creationTime' in post_json:
            posts.append((filename, post_json))
    if mode == 'loop':
        n = 0
        start = time.perf_counter()
        for _ in range(loops):
            for filename, post_json in posts:
                parse_post(post_json)
                n += 1
        print('%d %.6f' % (n, time.perf_counter() - start))
        return 0
    for filename, post_json in posts:
        out = parse_post(post_json)
        if mode == 'jsonl':
            print(json.dumps({'entry': filename, 'markdown': out}, ensure_ascii=False))
        else:
            print(out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes N random Google+ post JSON files shaped like a real Takeout's
# (content HTML as Google+ wrote it: b/i/del, br, links, +mentions,
# #hashtags, entities, emoji, right-to-left text; links, albums, media,
# reshares, communities, collections, polls, locations).
#
#   gen_posts.py OUTDIR N [SEED] [--wild]
#
# Without --wild the content only uses formatting that html2text converts
# correctly (what the seed comparison test needs); with --wild anything goes.

import json
import os
import random
import sys

WORDS = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'Google+', 'diaspora', 'über',
         'café', 'naïve', '東京', 'привет', 'שלום', 'مرحبا', '😀', '🚀🌍', 'x', 'Hello',
         'world', 'C++', 'e-mail', '3.14', 'snake_case', 'don&#39;t', '&quot;quoted&quot;',
         'AT&amp;T', 'a &lt; b', 'x &gt; y', '50%', 'C#', 'mail@example.com', 'http://example.com/a?b=c',
         'end.', 'wait!', 'why?', '(paren)', 'semi;colon', '@home', '$5', 'ok,', 'fine:']
WILD = ['*star*', '_under_', '# heading', '> quote', '1. one', '- dash', '+ plus', '`code`',
        '[x](y)', '~~s~~', '<b>', 'a*b', '**', '\\', '2) two', '===', 'x^2^', 'H~2~O', '&amp;copy;']


def word(rng, wild):
    if wild and rng.random() < 0.15:
        return rng.choice(WILD)
    return rng.choice(WORDS)


def sentence(rng, wild, n=None, plain=False):
    words = [word(rng, wild) for _ in range(n or rng.randint(1, 8))]
    if plain and not wild:
        # html2text splits text at entities and puts a space after the
        # first piece inside emphasis ("**AT &T**"): keep those out.
        words = [w if '&' not in w else 'plain' for w in words]
    return ' '.join(words)


def hashtag(rng):
    tag = rng.choice(['photo', 'GooglePlus', 'café', 'plexodus', '東京', 'tag_1', 'Übung'])
    return ('<a rel="nofollow" class="ot-hashtag bidi_isolate" '
            'href="https://plus.google.com/s/%23' + tag + '/posts">#' + tag + '</a>')


def mention(rng):
    name = rng.choice(['Alice Example', 'Bob', 'Zoë Ünïcode', 'Иван'])
    return ('<span class="proflinkWrapper"><span class="proflinkPrefix">+</span>'
            '<a rel="nofollow" class="proflink" href="https://plus.google.com/1234" oid="1234">'
            + name + '</a></span>')


def link(rng):
    url = rng.choice(['https://example.com/', 'https://www.example.org/page?a=1&amp;b=2', 'http://x.y/z'])
    text = rng.choice([url, 'this page', 'example'])
    return '<a href="' + url + '" class="ot-anchor bidi_isolate" rel="nofollow" target="_blank">' + text + '</a>'


def inline(rng, wild):
    r = rng.random()
    if r < 0.12:
        return '<b>' + sentence(rng, wild, rng.randint(1, 3), True) + '</b>'
    if r < 0.22:
        return '<i>' + sentence(rng, wild, rng.randint(1, 3), True) + '</i>'
    if r < 0.27:
        return '<del>' + sentence(rng, wild, rng.randint(1, 3), True) + '</del>'
    if r < 0.30:
        if wild:
            return '<b><i>' + sentence(rng, wild, rng.randint(1, 2)) + '</i></b>'
        return ('<b>' + sentence(rng, wild, 1, True) + ' <i>' + sentence(rng, wild, rng.randint(1, 2), True)
                + '</i></b>')
    if r < 0.38:
        return hashtag(rng)
    if r < 0.44:
        return mention(rng)
    if r < 0.50:
        return link(rng)
    return sentence(rng, wild)


def content(rng, wild):
    parts = []
    for _ in range(rng.randint(0, 12)):
        parts.append(inline(rng, wild))
        r = rng.random()
        if r < 0.15:
            parts.append('<br>')
        elif r < 0.22:
            parts.append('<br><br>')
        elif wild and r < 0.25:
            parts.append(rng.choice(['', '<br>', ',', '.']))
        else:
            parts.append(' ')
    text = ''.join(parts).strip(' ')
    r = rng.random()
    if r < 0.05:
        items = ''.join('<li>' + sentence(rng, wild) + '</li>' for _ in range(rng.randint(1, 4)))
        text += '<ul>' + items + '</ul>' + sentence(rng, wild)
    elif r < 0.08:
        items = ''.join('<li>' + sentence(rng, wild) + '</li>' for _ in range(rng.randint(1, 4)))
        text = sentence(rng, wild) + '<ol>' + items + '</ol>'
    elif r < 0.11:
        text = '<p>' + sentence(rng, wild) + '</p><p>' + text + '</p>'
    return text


def person(rng):
    name = rng.choice(['Alice Example', 'Bob', 'Zoë Ünïcode', 'Иван', 'مرحبا'])
    return {'displayName': name, 'resourceName': 'users/1' + str(rng.randint(10**19, 10**20)),
            'profilePageUrl': 'https://plus.google.com/1', 'avatarImageUrl': 'https://lh3.example/a.jpg'}


def media_item(rng, i):
    video = rng.random() < 0.15
    name = ('VID_%04d.mp4' if video else 'IMG_%04d.jpg') % i
    m = {'url': 'https://lh3.googleusercontent.com/-abc/AAAA/' + name,
         'contentType': 'video/*' if video else 'image/*',
         'width': 800, 'height': 600, 'resourceName': 'media/' + str(i)}
    if rng.random() < 0.5:
        m['localFilePath'] = name
    if rng.random() < 0.3:
        m['description'] = 'a picture'
    return m


def acl(rng, wild):
    r = rng.random()
    if r < 0.5:
        return {'visibleToStandardAcl': {'circles': [{'type': 'CIRCLE_TYPE_PUBLIC'}]}}
    if r < 0.7:
        return {'communityAcl': {'community': {'resourceName': 'communities/1',
                                               'displayName': rng.choice(['Linux Users', 'Café Ünïcode', 'שלום'])}}}
    if r < 0.85 and wild:
        return {'collectionAcl': {'collection': {'resourceName': 'collections/1',
                                                 'displayName': rng.choice(['My Trips', 'Essays'])}}}
    return {'visibleToStandardAcl': {'circles': [{'type': 'CIRCLE_TYPE_YOUR_CIRCLES'}]}}


def post(rng, i, wild):
    y = rng.randint(2011, 2019)
    p = {'url': 'https://plus.google.com/+Someone/posts/P%d' % i,
         'creationTime': '%04d-%02d-%02d %02d:%02d:%02d%s' % (
             y, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
             rng.randint(0, 59), rng.choice(['+0000', '+0000', '-0700', '+0530'])),
         'updateTime': '2019-01-01 00:00:00+0000',
         'author': person(rng),
         'resourceName': 'users/1/posts/P%d' % i,
         'postAcl': acl(rng, wild)}
    if rng.random() < 0.9:
        p['content'] = content(rng, wild)
    r = rng.random()
    if r < 0.2:
        p['link'] = {'title': 'A page', 'url': 'https://example.com/page%d' % i, 'imageUrl': 'https://example.com/i.png'}
    elif r < 0.35:
        p['media'] = media_item(rng, i)
    elif r < 0.45:
        p['album'] = {'media': [media_item(rng, i * 10 + k) for k in range(rng.randint(1, 4))]}
    elif r < 0.6:
        rp = {'url': 'https://plus.google.com/x', 'author': person(rng), 'resourceName': 'users/2/posts/R'}
        if rng.random() < 0.8:
            rp['content'] = content(rng, wild)
        if rng.random() < 0.6:
            rp['link'] = {'url': 'https://example.net/shared%d' % i, 'title': 'shared'}
        p['resharedPost'] = rp
    if rng.random() < 0.1:
        p['location'] = {'displayName': 'Hudson River Park', 'physicalAddress': '353 West St, New York',
                         'latitude': 40.73, 'longitude': -74.01}
    if rng.random() < 0.05:
        p['poll'] = {'choices': [{'description': 'Yes', 'voteCount': 3}, {'description': 'No', 'voteCount': 1}],
                     'totalVotes': 4}
    if rng.random() < 0.3:
        p['comments'] = [{'author': person(rng), 'content': 'nice <b>post</b>'}]
        p['plusOnes'] = [{'plusOner': person(rng)}]
    return p


def main(argv):
    out, n = argv[1], int(argv[2])
    seed = int(argv[3]) if len(argv) > 3 and not argv[3].startswith('--') else 1
    wild = '--wild' in argv
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        with open(os.path.join(out, '%05d.json' % i), 'w', encoding='utf-8') as f:
            json.dump(post(rng, i, wild), f, ensure_ascii=False, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

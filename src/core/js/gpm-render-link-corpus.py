# SPDX-License-Identifier: GPL-3.0-or-later
# Developer tool: writes corpus.json, link-heavy Markdown for gpm-render-crosscheck.js
# (python3 gpm-render-link-corpus.py && node gpm-render-crosscheck.js ... < corpus.json).
import json, random
random.seed(7)
parts = ["https://", "http://", "ftp://", "//", "mailto:", "xmpp:", "mumble://", "www.", "HTTPS://", "hTTp://", ""]
hosts = ["example.org", "plus.google.com", "a.b", "localhost", "127.0.0.1", "[::1]", "xn--80ak6aa92e.com", "пример.рф", "例子.中国", "ex-ample.co.uk", "-bad.com", "bad-.com", "a..b", "user:pw@host.com", "user@host.com", "a_b.com", "host.com:8080", "host.com:99999", "host.com:", "😀.com", "test", "a.b.c.d.e.f.g", "x.y-z", "t.co", "münchen.de"]
paths = ["", "/", "/x", "/x/y?z=1&b=2#frag", "/a(b)c", "/a(b", "/[x]", "/{y}", "/\"q\"", "/'s'", "/it's", "/a.b.", "/a,b", "/a,", "/a!", "/a!!", "/a?", "/a??b", "/--", "/a-", "/...x", "/..", "/%20", "/日本", "/a😀b", "/\u200bz", "?q", "#h", "/a)", "/a]", "/a}", "/a>b", "/a<b", "/a｜b", "/a\u00a0b", "/posts/UgjyOA5tNBv", "/" + "x"*300]
tails = ["", " ", ".", ",", ")", "!", "?", "\n", " text", "'", "\"", ">", "-", "_", ":1", ".-", ". next", "…", "\u3000x", "😀"]
pre = ["", " ", "(", "see ", "\"", "'", "<", "x", "@", "a:", "/", "#", "*", "[", "://"]
out = []
for i in range(6000):
    s = random.choice(pre) + random.choice(parts) + random.choice(hosts) + random.choice(paths) + random.choice(tails)
    if random.random() < 0.3:
        s += " and " + random.choice(parts) + random.choice(hosts) + random.choice(paths) + random.choice(tails)
    if random.random() < 0.1:
        s = "**" + s + "**"
    out.append(s)
# random char soup
alphabet = list("abc/.:-_@?#()[]{}'\"!,<>|~%&=+ \n\t") + ["😀", "é", "日", "\u00a0", "\u200b", "｜"]
for i in range(3000):
    out.append("https://" + "".join(random.choice(alphabet) for _ in range(random.randint(1, 40))))
    out.append("//" + "".join(random.choice(alphabet) for _ in range(random.randint(1, 40))))
json.dump(out, open('corpus.json', 'w'))
print(len(out))

"""Documentation checks for test_docs.sh: README.md stays short, every relative
link in README.md and docs/ points at a file (and heading) that exists, and
no file in the repository refers to a document the repository does not hold."""
import os
import re
import sys

root = sys.argv[1]
problems = []


def slug(heading):
    # GitHub's anchor rule: lower case, drop punctuation except - and _,
    # spaces to hyphens.
    h = re.sub(r'[`*_]|\\', '', heading.strip().lower())
    h = re.sub(r'[^\w\- ]', '', h)
    return h.replace(' ', '-')


def strip_code(text):
    text = re.sub(r'^```.*?^```', '', text, flags=re.S | re.M)
    text = re.sub(r'^(    |\t).*$', '', text, flags=re.M)
    return re.sub(r'`[^`\n]*`', '', text)


def anchors(path):
    with open(path, encoding='utf-8') as f:
        text = strip_code(f.read())
    seen = {}
    out = set()
    for m in re.finditer(r'^#+\s+(.*)$', text, flags=re.M):
        s = slug(m.group(1))
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else '%s-%d' % (s, n))
    return out


readme = os.path.join(root, 'README.md')
size = os.path.getsize(readme)
if size >= 30000:
    problems.append('README.md is %d bytes, must stay under 30000 (move detail to docs/)' % size)

pages = [readme]
docs = os.path.join(root, 'docs')
for name in sorted(os.listdir(docs)):
    if name.endswith('.md'):
        pages.append(os.path.join(docs, name))

links = 0
for page in pages:
    with open(page, encoding='utf-8') as f:
        text = strip_code(f.read())
    for m in re.finditer(r'\]\(([^)\s]+)\)', text):
        target = m.group(1)
        if re.match(r'[a-z]+:', target):
            continue
        links += 1
        path, _, frag = target.partition('#')
        dest = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
        rel = os.path.relpath(page, root)
        if not os.path.exists(dest):
            problems.append('%s: link to %s: no such file' % (rel, target))
        elif frag and dest.endswith('.md') and frag not in anchors(dest):
            problems.append('%s: link to %s: no such heading' % (rel, target))

# Names of documents the repository has never held (the design brief lives
# outside it); anything citing them sends readers nowhere.
missing_docs = re.compile(r'\bDESIGN\.md\b')
for top in ('README.md', 'docs', 'include', 'src', 'scripts', 'samples', 'tests'):
    base = os.path.join(root, top)
    walk = [(root, [], [top])] if os.path.isfile(base) else os.walk(base)
    for d, _, files in walk:
        for name in files:
            p = os.path.join(d, name)
            if p.endswith('check_docs.py') or '/corpus/' in p or '/crashers/' in p:
                continue
            try:
                with open(p, encoding='utf-8') as f:
                    body = f.read()
            except (UnicodeDecodeError, OSError):
                continue
            for n, line in enumerate(body.split('\n'), 1):
                if missing_docs.search(line):
                    problems.append('%s:%d: refers to DESIGN.md, which is not in the repository'
                                    % (os.path.relpath(p, root), n))

for p in problems:
    print('FAIL: ' + p)
print('docs: README.md %d bytes, %d pages, %d relative links checked, %d problems'
      % (size, len(pages), links, len(problems)))
sys.exit(1 if problems else 0)

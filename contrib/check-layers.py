#!/usr/bin/env python3
"""The shape of src/, as the source map in src/README promises it.

A module is X.c with X.h.  Fails when a folder includes a folder it may
not (ALLOWED), when decide/ includes or calls what does input or output
(it is pure), when two modules include each other round a circle, or
when a backend's operations are called past its front door.
"""
import os
import re
import sys

# what each folder may include besides itself; the programs at the top
# of src/ may include everything
ALLOWED = {
    "lib": set(),
    "mail": {"lib"},
    "rules": {"lib", "mail"},
    "decide": {"lib", "mail", "rules"},
    "compose": {"lib", "mail", "rules", "decide"},
    "store": {"lib", "mail", "rules", "decide", "compose"},
    "mailbox": {"lib", "mail"},
    "send": {"lib", "mail", "rules", "compose", "store"},
    "cycle": {"lib", "mail", "rules", "decide", "compose", "store",
              "mailbox", "send"},
    "cli": {"lib", "mail", "rules", "decide", "compose", "store",
            "mailbox", "send", "cycle"},
    # aanmeld-web's pages: on top, beside cli; nothing includes web
    "web": {"lib", "mail", "rules", "decide", "compose", "store",
            "mailbox", "send", "cycle", "cli"},
}
# web/ serves the pages of this one program at the top
WEB_MAIN = "aanmeld-web.c"
# decide/ is pure: the time comes in as an argument, and nothing there
# reads or writes files, the network or the database, logs, or runs the
# parser's process
PURE = "decide"
IMPURE_HEADERS = {"spool.h", "oauth2.h", "tlsverify.h", "privileges.h",
                  "notify.h", "detach.h", "inifile.h", "log.h",
                  "message_worker.h"}
IMPURE_CALLS = re.compile(
    r"\b(time|util_clock|clock_gettime|gettimeofday|fopen|open|openat|"
    r"read|write|socket|connect|getenv|system|popen|fork|"
    r"util_read_\w+|sqlite3_\w+|curl_\w+)\s*\(")
# the only files that call a backend's operations
FRONT_DOORS = {"mailbox/mailbox.c", "send/smtp.c"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main(src):
    where = {}  # header name -> folder ("" at the top)
    files = []
    for folder, _, names in os.walk(src):
        rel = os.path.relpath(folder, src)
        rel = "" if rel == "." else rel
        for name in names:
            if name.endswith((".c", ".h")):
                files.append((rel, name))
                where[name] = rel
    problems = []
    deps = {}
    for rel, name in sorted(files):
        path = os.path.join(src, rel, name)
        text = open(path, encoding="utf-8", errors="replace").read()
        module = os.path.join(rel, name.rsplit(".", 1)[0])
        for inc in INCLUDE.findall(text):
            inc = os.path.basename(inc)
            if inc not in where:
                continue  # autoconf.h, a library's header
            to = where[inc]
            if to == "web" and rel != "web" and name != WEB_MAIN:
                problems.append("%s/%s includes web/%s: nothing "
                                "includes web" % (rel, name, inc))
            target = os.path.join(to, inc.rsplit(".", 1)[0])
            if target != module:
                deps.setdefault(module, set()).add(target)
            if rel in ALLOWED and to != rel and to not in ALLOWED[rel]:
                problems.append("%s/%s includes %s/%s: %s may use only %s"
                                % (rel, name, to or ".", inc, rel,
                                   ", ".join(sorted(ALLOWED[rel]))
                                   or "itself"))
        if rel == PURE:
            for inc in INCLUDE.findall(text):
                if os.path.basename(inc) in IMPURE_HEADERS:
                    problems.append("%s/%s includes %s: %s is pure"
                                    % (rel, name, inc, rel))
            code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
            for call in sorted(set(IMPURE_CALLS.findall(code))):
                problems.append("%s/%s calls %s(): %s is pure"
                                % (rel, name, call, rel))
        if "->ops->" in text and os.path.join(rel, name) not in FRONT_DOORS:
            problems.append("%s/%s calls ->ops-> past the front door"
                            % (rel, name))
    problems += circles(deps)
    for p in problems:
        print("layers: " + p)
    if problems:
        return 1
    print("layers: %d files in %d folders, no circle, every include "
          "allowed, decide pure" % (len(files), len(set(r for r, _ in files))))
    return 0


def circles(deps):
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(deps.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append("circle: " + " -> ".join(sorted(part)))

    sys.setrecursionlimit(10000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    return found


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "src"))

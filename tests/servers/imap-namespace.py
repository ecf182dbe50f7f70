#!/usr/bin/python3
"""A scripted IMAP server for the unit tests of how the daemon learns the
server's folder names (/usr/bin/python3, stdlib only).  Plain IMAP on
127.0.0.1, any LOGIN accepted, the hierarchy delimiter '.':

  --namespace TEXT   the answer to NAMESPACE: "NO" or "BAD" as the tagged
                     answer, else the untagged "* NAMESPACE TEXT" and OK
  --folder NAME      a folder that exists besides INBOX (repeatable)

LIST matches its pattern as RFC 3501 6.3.8 says ('*' anything, '%'
anything but '.'), so a pattern holding a wildcard answers other names.
CREATE adds the folder.  The PID file is written first, the port file
last, once it listens; SIGTERM stops it.
"""

import argparse
import os
import re
import socketserver


def pattern(p):
    """The regex of a LIST pattern."""
    out = ""
    for c in p:
        out += {"*": ".*", "%": "[^.]*"}.get(c, re.escape(c))
    return re.compile(out + r"\Z")


def words(line):
    """The words of a command line, quoted strings unquoted."""
    return [b or a for a, b in re.findall(r'"([^"]*)"|(\S+)', line)]


class Handler(socketserver.StreamRequestHandler):
    def send(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        args = self.server.args
        self.send("* OK [CAPABILITY IMAP4rev1 NAMESPACE] fake ready")
        for raw in self.rfile:
            w = words(raw.decode().rstrip("\r\n"))
            if len(w) < 2:
                continue
            tag, cmd = w[0], w[1].upper()
            if cmd == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 NAMESPACE")
            elif cmd == "NAMESPACE":
                if args.namespace in ("NO", "BAD"):
                    self.send("%s %s no namespace here" %
                              (tag, args.namespace))
                    continue
                self.send("* NAMESPACE " + args.namespace)
            elif cmd == "LIST" and w[3] == "":
                self.send('* LIST (\\Noselect) "." ""')
            elif cmd == "LIST":
                for name in ["INBOX"] + self.server.folders:
                    if pattern(w[3]).match(name):
                        self.send('* LIST () "." "%s"' % name)
            elif cmd == "CREATE":
                self.server.folders.append(w[2])
            elif cmd in ("SELECT", "EXAMINE"):
                self.send("* 0 EXISTS")
                self.send("* OK [UIDVALIDITY 7] ok")
            elif cmd == "LOGOUT":
                self.send("* BYE bye")
                self.send("%s OK done" % tag)
                return
            self.send("%s OK done" % tag)


def main():
    p = argparse.ArgumentParser(description="scripted IMAP server")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--pid-file")
    p.add_argument("--namespace", default='(("" ".")) NIL NIL')
    p.add_argument("--folder", action="append", default=[])
    args = p.parse_args()
    if args.pid_file:
        with open(args.pid_file, "w") as f:
            f.write("%d\n" % os.getpid())
    srv = socketserver.TCPServer(("127.0.0.1", args.port), Handler)
    srv.args = args
    srv.folders = list(args.folder)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.rename(tmp, args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()

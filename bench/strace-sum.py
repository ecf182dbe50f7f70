#!/usr/bin/python3
"""Sums what a traced run wrote, for bench/imap.sh: reads the files of
strace -ff -y -xx -s 32 -e trace=write,pwrite64,writev,pwritev,fsync,
fdatasync,syncfs (one file per process) and prints one line of
name=value: SQLite commits (WAL frames whose header gives a database size
after commit: bytes 4-7 non-zero), WAL frames, fsyncs (fsync, fdatasync
and syncfs together), and the bytes written to the WAL, to the database
(with its -journal and -shm) and to the other files in the spool (the
stored mail, the outbox).  Writes to pipes, sockets and files outside the
spool (the log) are not counted.

usage: strace-sum.py SPOOL FILE..."""
import re
import sys

spool = sys.argv[1].rstrip("/") + "/"
# -xx prints every string byte as \xNN, the path after the fd included
call = re.compile(r'^(?:\d+ +)?(\w+)\((\d+)<((?:\\x[0-9a-f]{2})*)>(.*)\) += (-?\d+)')


def unhex(s):
    return bytes.fromhex(s.replace("\\x", ""))


sums = dict(commits=0, frames=0, fsyncs=0, wal=0, db=0, spool=0)
for name in sys.argv[2:]:
    with open(name, encoding="ascii", errors="replace") as f:
        for line in f:
            m = call.match(line)
            if not m:
                continue
            func, _, path, args, ret = m.groups()
            path = unhex(path).decode("utf-8", "replace")
            ret = int(ret)
            if func in ("fsync", "fdatasync", "syncfs"):
                sums["fsyncs"] += 1
                continue
            if ret <= 0 or not path.startswith(spool):
                continue
            if path.endswith("-wal"):
                sums["wal"] += ret
                # a frame is a 24-byte header, then the page, each written
                # on its own (or both at once: 24 + a power of two); the
                # 32-byte WAL header is not a frame
                data = re.match(r', "((?:\\x[0-9a-f]{2})*)"', args)
                page = ret - 24
                if func == "pwrite64" and data and (
                        page == 0 or (page >= 512 and page & (page - 1) == 0)):
                    header = unhex(data.group(1))
                    sums["frames"] += 1
                    if len(header) >= 8 and header[4:8] != b"\0\0\0\0":
                        sums["commits"] += 1
            elif re.search(r"\.db(-journal|-shm)?$", path):
                sums["db"] += ret
            else:
                sums["spool"] += ret
print(" ".join("%s=%d" % kv for kv in sums.items()))

#!/usr/bin/python3
"""Runs a command and prints the peak RSS (VmHWM, in kB) of the command
and the largest of its children, sampled from /proc every 5 ms while it
runs: "daemon-kB parser-kB exit-status".  For bench/attachments.sh: the
child of aanmeldd is the parser worker (message_worker.h).  VmHWM is the
kernel's own high-water mark, so a sample after a peak still sees it."""
import os
import subprocess
import sys
import time


def hwm(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


proc = subprocess.Popen(sys.argv[1:])
top, child = 0, {}
while proc.poll() is None:
    top = max(top, hwm(proc.pid))
    for c in children(proc.pid):
        child[c] = max(child.get(c, 0), hwm(c))
    time.sleep(0.005)
print(top, max(child.values(), default=0), proc.returncode)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
A capture forger, written from docs/capture-format.md alone (not from scry's C code), so that it
is an independent implementation of the format: it writes well-formed files, and hostile ones
that are well-formed in every checksum and length but say what no recorder would (huge label
sets, tens of thousands of containers, fork storms, times near 2^64, blocks cut out, comms of 16
bytes, many recordings).

    forge_capture.py SCENARIO OUT [N]

Scenarios (OUT is a file, or a directory for `many`):
    valid          a small, whole recording: one process that execs and makes N getppid calls
    labels N       one container with N empty labels (each costs 2 bytes on disk)
    containers N   N containers, each with its cgroup, and one event in each
    cgids N        one container with N cgroup ids
    forks N        N fork records of fresh pids, no exits
    churn N        N processes that live on, then N syscalls 100 ms apart (N ticks of a replay)
    procs N        a snapshot of N processes
    bigargs        a snapshot process whose args are 1 MiB (more than any recorder reads)
    farfuture      a recording whose start and events are near 2^64
    farblock       the same events, in a file whose header is sane
    outside        a record whose time lies outside its block's [first_ts, last_ts]
    gap            a whole recording with one event block cut out (a sequence gap)
    totals         a block cut out and the rest renumbered: only the end marker can tell
    comm16         an exec whose comm is 16 bytes (the kernel's comm is at most 15)
    comm15         the same with a 15-byte comm: valid
    many N [PER]   N small recordings (separate sessions, one second each, of PER syscalls: 2 by
                   default) in the directory OUT
    newer N        a newer minor version's file (format 2.1): `valid N` with, between
                   its records, records of an event type scry does not know (tag 0x20) and
                   fields appended to the known ones, and unknown items (tags 0x60, 0x61)
    major0         a header of major version 0
    badlen         a header whose body length is impossible (70 bytes minimum)

Every file is deterministic: the same scenario and N give the same bytes.
"""
import os
import struct
import sys
import zlib

MAGIC = b"\x89SCRY\r\n\x1a"
BLOCK_MAGIC = b"SCB\xb1"
EVENTS, STATE, META, END = 1, 2, 3, 4
T_ENTER, T_EXIT, T_FORK, T_EXEC, T_PEXIT, T_SWITCH, T_TICK, T_RENAME = range(1, 9)
LOSS, PROC, THREAD, CONTAINER, ENDITEM = 0x40, 0x41, 0x42, 0x43, 0x44
RAW_MAX = 4 << 20
BOOT_WALL = 1700000000 * 10**9     # 2023-11-14 22:13:20 UTC
T0 = 5000 * 10**9                  # boot ns when the recordings start


_SMALL = [bytes([v]) for v in range(128)]


def uv(v):
    """unsigned LEB128"""
    if 0 <= v < 128:
        return _SMALL[v]
    assert 0 <= v < 1 << 64
    out = bytearray()
    while v >= 0x80:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def zz(v):
    """zigzag of a signed 64-bit value (a u64 at or above 2^63 is read as negative)."""
    v = v & (1 << 64) - 1
    if v >= 1 << 63:
        v -= 1 << 64
    return uv(((v << 1) ^ (v >> 63)) & (1 << 64) - 1)


def s(b):
    b = b.encode() if isinstance(b, str) else b
    return uv(len(b)) + b


def optstr(b):
    if b is None:
        return uv(0)
    b = b.encode() if isinstance(b, str) else b
    return uv(len(b) + 1) + b


def hstr(b):
    b = b.encode() if isinstance(b, str) else b
    return struct.pack("<H", len(b)) + b


def header(session, seq=0, start_ts=T0, file_ts=None, boot_wall=BOOT_WALL, major=2, minor=0,
           boot_id=b"\x11" * 16, body_len=None, flags=0, filt=""):
    body = struct.pack("<QIIQQQI", session, seq, 2, boot_wall, start_ts,
                       start_ts if file_ts is None else file_ts, flags) + boot_id
    body += hstr("forge") + hstr("forgehost") + hstr("6.1.0") + hstr("x86_64") + hstr(filt)
    pre = MAGIC + struct.pack("<HHI", major, minor, len(body) if body_len is None else body_len)
    return pre + body + struct.pack("<I", zlib.crc32(pre + body))


def block(kind, seq, payload, nitems, first_ts=0, last_ts=0, deflate=True):
    assert len(payload) <= RAW_MAX
    codec, stored = 0, payload
    if deflate:
        z = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = z.compress(payload) + z.flush()
        if len(packed) < len(payload):
            codec, stored = 1, packed
    h = BLOCK_MAGIC + struct.pack("<BBHIIIIQQI", kind, codec, 0, seq, nitems, len(payload),
                                  len(stored), first_ts, last_ts, zlib.crc32(stored))
    return h + struct.pack("<I", zlib.crc32(h)) + stored


def item(tag, body):
    return bytes([tag]) + uv(len(body)) + body


def proc_item(pid, comm, exe, args, ppid=1, cgid=0, start_ts=T0 - 10**9):
    body = uv(pid) + uv(ppid) + uv(pid) + uv(0) + uv(0) + uv(cgid) + uv(start_ts) + uv(0)
    body += uv(0) + zz(0) + uv(0) + s(comm) + s(exe) + s(args)
    return item(PROC, body)


def thread_item(tid, pid, comm):
    return item(THREAD, uv(tid) + uv(pid) + uv(tid) + uv(0) + uv(0) + uv(0) + uv(0) + uv(0) +
                s(comm))


def ctr_item(cid, cgids, name=None, labels=(), resolved=True):
    body = s(cid) + uv(1) + uv(1 if resolved else 0) + uv(0)
    body += optstr(name) + optstr("forge/image:1" if name else None) + optstr(None)
    if isinstance(labels, int):     # that many empty labels: two bytes each
        body += optstr(None) + optstr(None) + uv(labels) + b"\0\0" * labels
    else:
        body += optstr(None) + optstr(None) + uv(len(labels))
        body += b"".join(s(k) + s(v) for k, v in labels)
    cgids = list(cgids)
    body += uv(len(cgids)) + b"".join(uv(c) for c in cgids)
    return item(CONTAINER, body)


def end_item(records, events, lost_records=0, lost_events=0, continues=0):
    return item(ENDITEM, uv(records) + uv(events) + uv(lost_records) + uv(lost_events) +
                uv(continues))


class Events:
    """One event block's items: every header field written out (mask 0), times as deltas."""

    def __init__(self):
        self.buf = bytearray()
        self.n = 0
        self.prev = 0
        self.first = None
        self.last = 0
        self.records = 0
        self.events = 0

    # Extra bytes after every event item's fields, as a newer minor version appends them.
    extra = b""

    def rec(self, tag, ts, pid, tid, comm, fields, cgid=0, cpu=0):
        """An event item: tag, length, the common header (mask 0: every field), the fields."""
        comm = comm.encode() if isinstance(comm, str) else comm
        d = ts - self.prev
        self.prev = ts
        body = bytes([0]) + zz(d) + uv(cpu) + uv(pid) + uv(tid) + uv(cgid)
        body += bytes([len(comm)]) + comm + fields + self.extra
        self.buf += item(tag, body)
        self.n += 1
        self.records += 1
        self.events += 1
        self.first = ts if self.first is None else min(self.first, ts)
        self.last = max(self.last, ts)

    def fork(self, ts, pid, parent, comm, cgid=0):
        p, c = uv(parent), uv(pid)
        self.rec(T_FORK, ts, pid, pid, comm, p + p + p + c + c + b"\0\0\0", cgid)

    def exec(self, ts, pid, comm, exe, args, cgid=0):
        exe = exe.encode() if isinstance(exe, str) else exe
        self.rec(T_EXEC, ts, pid, pid, comm, uv(pid) + uv(1) + uv(pid) + uv(pid) + uv(0) +
                 uv(0) + uv(len(exe)) + uv(len(args)) + exe + args, cgid)

    def syscall(self, ts, pid, comm, nr, ret, enter_ts, cgid=0):
        """A syscall exit with its enter folded (enter_ts < ts): two events."""
        self.rec(T_EXIT, ts, pid, pid, comm, uv(nr) + zz(ret) + uv(ts - enter_ts + 1) + b"\x00",
                 cgid)
        self.events += 1
        self.first = min(self.first, enter_ts)

    def pexit(self, ts, pid, comm, cgid=0):
        self.rec(T_PEXIT, ts, pid, pid, comm, zz(0) + uv(1), cgid)

    def other(self, tag, body):
        """An item that is not an event record (length-prefixed, tag 0x40 or more)."""
        self.buf += item(tag, body)
        self.n += 1

    def block(self, seq, first=None, last=None):
        return block(EVENTS, seq, bytes(self.buf), self.n,
                     self.first if first is None else first, self.last if last is None else last)


def chunks(items):
    """Items into payloads of at most 4 MiB: [(payload, nitems)]."""
    out, cur, size = [], [], 0
    for it in items:
        if cur and size + len(it) > RAW_MAX:
            out.append((b"".join(cur), len(cur)))
            cur, size = [], 0
        cur.append(it)
        size += len(it)
    out.append((b"".join(cur), len(cur)))
    return out


def recording(session, event_blocks, state=b"", nstate=0, meta=(), start_ts=T0, end=True,
              cut_out=(), renumber=False, seq0=0, file_seq=0, boot_wall=BOOT_WALL, states=None,
              minor=0):
    """Header, STATE blocks, META blocks, the event blocks, END with the right totals.
    Blocks whose index (among all blocks) is in cut_out are left out; with renumber, the
    blocks after them are numbered as if nothing was missing."""
    blocks = [(STATE, p, k, None) for p, k in (states or [(state, nstate)])]
    blocks += [(META, m[0], m[1], None) if isinstance(m, tuple) else (META, m, 1, None)
               for m in meta]
    blocks += [(EVENTS, None, 0, e) for e in event_blocks]
    out = [header(session, file_seq, start_ts=start_ts, boot_wall=boot_wall, minor=minor)]
    seq = seq0
    records = events = 0
    for i, (kind, payload, n, ev) in enumerate(blocks):
        if ev is not None:
            records += ev.records
            events += ev.events
        if i in cut_out:
            if not renumber:
                seq += 1
            continue
        out.append(ev.block(seq) if ev is not None else block(kind, seq, payload, n))
        seq += 1
    if end:
        out.append(block(END, seq, end_item(records, events), 1))
    return b"".join(out)


def exec_process(ev, ts, pid, comm, exe, args):
    ev.fork(ts, pid, 1, "sh")
    ev.exec(ts + 1000, pid, comm, exe, args)


def scenario(name, n):
    if name == "newer":
        # The valid recording of a newer minor version: an unknown record type after each
        # syscall (a pid of its own: the next record's header is relative to it, as the mask
        # 0 items here write every field anyway), three bytes after every known record's fields,
        # unknown items in the event and metadata blocks. A record of an unknown type is one
        # record and one event for the end marker.
        ev = Events()
        ev.extra = b"\xab\xcd\xef"
        exec_process(ev, T0 + 1000, 4242, "forged", "/usr/bin/forged", b"forged\0--n\0" + str(n).encode() + b"\0")
        for i in range(n):
            t = T0 + 10000 + i * 1000
            ev.syscall(t + 500, 4242, "forged", 110, 1, t)
            ev.rec(0x20, t + 600, 4343, 4343, "future", uv(7) + b"new fields")
            if i % 10 == 0:
                ev.other(0x60, b"\x01\x02")
        ev.pexit(T0 + 10000 + n * 1000 + 100, 4242, "forged")
        return recording(0xF0F1, [ev], meta=[(item(0x61, b"\x00"), 1)], minor=1)
    if name == "valid":
        ev = Events()
        exec_process(ev, T0 + 1000, 4242, "forged", "/usr/bin/forged", b"forged\0--n\0" + str(n).encode() + b"\0")
        for i in range(n):
            t = T0 + 10000 + i * 1000
            ev.syscall(t + 500, 4242, "forged", 110, 1, t)
        ev.pexit(T0 + 10000 + n * 1000 + 100, 4242, "forged")
        return recording(0xF0F0, [ev])
    if name == "labels":
        # containers of up to 2 million empty labels each, one per block (4 MiB raw)
        metas, k = [], 0
        while n > 0:
            m = min(n, 2000000)
            metas.append(ctr_item("%064x" % (0xABC0 + k), [777 + k], "labelled", m))
            n -= m
            k += 1
        ev = Events()
        ev.syscall(T0 + 2000, 10, "inside", 110, 1, T0 + 1000, cgid=777)
        return recording(0xF1, [ev], meta=metas)
    if name == "containers":
        items, ev = [], Events()
        for i in range(n):
            cid = "%064x" % (0xC0FFEE0000 + i)
            items.append(ctr_item(cid, [100000 + i], "ctr-%d" % i))
            ev.syscall(T0 + 10000 + i * 100 + 50, 20, "x", 110, 1, T0 + 10000 + i * 100, cgid=100000 + i)
        return recording(0xF2, [ev], meta=chunks(items))
    if name == "cgids":
        # one container whose cgroup list adds up over several items of up to 500000 ids
        metas, base = [], 1 << 20
        for k in range(0, n, 500000):
            metas.append(ctr_item("d" * 64, range(base + k, base + min(n, k + 500000)),
                                  "many-cgroups"))
        ev = Events()
        ev.syscall(T0 + 2000, 10, "inside", 110, 1, T0 + 1000, cgid=base)
        return recording(0xF3, [ev], meta=metas)
    if name == "forks":
        # n forks of fresh pids, 1 us apart, no exits; items built from one template (fast)
        blocks, ev = [], Events()
        pre, mid = bytes([0]) + zz(1000) + uv(0), uv(0) + bytes([6]) + b"forker"
        post = uv(1) * 3
        tag = bytes([T_FORK])
        i = 0
        while i < n:
            m = min(n - i, RAW_MAX // 40)
            ev = Events()
            ev.fork(T0 + 1000 + i * 1000, 100000 + i, 1, "forker")
            ev.buf += b"".join(tag + uv(len(b)) + b for b in
                               (pre + P + P + mid + post + P + P + b"\0\0\0"
                                for P in (uv(100000 + k) for k in range(i + 1, i + m))))
            ev.n = ev.records = ev.events = m
            ev.last = T0 + 1000 + (i + m - 1) * 1000
            blocks.append(ev)
            i += m
        return recording(0xF4, blocks)
    if name == "churn":
        # n processes that live on, then n syscalls 100 ms apart: each a tick of the replay
        ev = Events()
        for i in range(n):
            ev.fork(T0 + 1000 + i * 1000, 100000 + i, 1, "alive")
        ev2, t = Events(), T0 + 10**9
        for i in range(n):
            t += 10**8
            ev2.syscall(t + 500, 100000 + i % n, "alive", 110, 1, t)
        return recording(0xFE, [ev, ev2])
    if name == "procs":
        # a snapshot of n processes with 2 KiB command lines, in as many blocks as it takes
        items = [proc_item(1000 + i, "p", "/bin/p", b"p\0" + b"x" * 2048) for i in range(n)]
        ev = Events()
        ev.syscall(T0 + 2000, 1000, "p", 110, 1, T0 + 1000)
        return recording(0xF5, [ev], states=chunks(items))
    if name == "bigargs":
        state = proc_item(1000, "big", "/bin/big", b"big\0" + b"A" * (1 << 20))
        state += proc_item(1001, "small", "/bin/small", b"small\0ok")
        ev = Events()
        ev.syscall(T0 + 2000, 1001, "small", 110, 1, T0 + 1000)
        return recording(0xF6, [ev], state=state, nstate=2)
    if name in ("farfuture", "farblock"):
        # events near 2^64; farfuture says so in its header too, farblock's header says 0
        far = (1 << 64) - 10**8
        ev = Events()
        ev.syscall(far + 2000, 10, "future", 110, 1, far + 1000)
        ev.syscall(far + 4000, 10, "future", 110, 1, far + 3000)
        return recording(0xF7, [ev], start_ts=far if name == "farfuture" else 0)
    if name == "outside":
        # the block says [T0 + 1000, T0 + 2000]; its second record lies near 2^64
        ev = Events()
        ev.syscall(T0 + 2000, 10, "early", 110, 1, T0 + 1000)
        ev.syscall((1 << 64) - 10**9, 10, "late", 110, 1, (1 << 64) - 10**9 - 1000)
        return header(0xF8) + block(STATE, 0, b"", 0) + ev.block(1, T0 + 1000, T0 + 2000) + \
            block(END, 2, end_item(ev.records, ev.events), 1)
    if name in ("gap", "totals"):
        evs = []
        for b in range(4):
            ev = Events()
            for i in range(100):
                t = T0 + 10**6 * b + 1000 * i + 1000
                ev.syscall(t + 500, 30, "steady", 110, b * 100 + i, t)
            evs.append(ev)
        # blocks: 0 STATE, 1..4 EVENTS: cut out the third event block
        return recording(0xF9 if name == "gap" else 0xFA, evs, cut_out=(3,),
                         renumber=name == "totals")
    if name in ("comm16", "comm15"):
        comm = b"ABCDEFGHIJKLMNOP"[:16 if name == "comm16" else 15]
        ev = Events()
        ev.fork(T0 + 1000, 4343, 1, "sh")
        ev.exec(T0 + 2000, 4343, comm, "/usr/bin/victim", b"victim\0--flag\0")
        # the exec is the process's last record: its table entry keeps the exec's comm
        ev.syscall(T0 + 4000, 1, "init", 110, 0, T0 + 3000)
        return recording(0xFB, [ev])
    if name == "major0":
        return header(0xFC, major=0) + block(END, 0, end_item(0, 0), 1)
    if name == "badlen":
        return header(0xFD, body_len=12) + block(END, 0, end_item(0, 0), 1)
    raise SystemExit("forge_capture.py: unknown scenario %r" % name)


def many(outdir, n, per=2):
    """n recordings, one second each, of `per` syscalls (2 events each)."""
    os.makedirs(outdir, exist_ok=True)
    width = len(str(n - 1))
    for k in range(n):
        ev = Events()
        t = T0 + k * 10**9
        for j in range(per):
            ev.syscall(t + 600 + j * 1000, 5000 + k % 7, "hourly", 110, k, t + 100 + j * 1000)
        data = recording(0xA000_0000 + k, [ev], start_ts=t)
        with open(os.path.join(outdir, "r%0*d.scry" % (width, k)), "wb") as f:
            f.write(data)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    name, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    if name == "many":
        many(out, n, int(sys.argv[4]) if len(sys.argv) > 4 else 2)
        return
    data = scenario(name, n)
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()

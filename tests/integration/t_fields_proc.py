#!/usr/bin/env python3
# The workload of t_fields_proc.sh and its truth, read from /proc while each process runs.
#   t_fields_proc.py run DIR TRUTH      the workload; TRUTH gets one JSON object per process
#   t_fields_proc.py snap PID TRUTH     the truth of one process now (one that predates scry)
#   t_fields_proc.py check TRUTH OUT SRC  compare scry's -p lines (OUT) with TRUTH; prints one
#                                         "ok - ..."/"not ok - ..." line per group of fields
import ctypes
import json
import os
import select
import sys
import time

SEP = '@@'
# The -p template's fields, in order (t_fields_proc.sh builds it from this list).
FIELDS = ['evt.type', 'proc.pid', 'thread.tid', 'proc.name', 'proc.ppid', 'proc.pname',
          'proc.pcmdline', 'proc.aname[0]', 'proc.aname[1]', 'proc.aname[2]', 'proc.aname[3]',
          'proc.apid[1]', 'proc.apid[2]', 'proc.apid[3]', 'proc.loginshellid', 'proc.cwd',
          'proc.duration', 'proc.nthreads', 'proc.nchilds', 'proc.exeline', 'proc.fdopencount',
          'thread.ismain', 'thread.exectime', 'thread.totexectime', 'thread.pfminor',
          'thread.pfmajor', 'thread.cgroups', 'thread.cgroup.memory', 'proc.sid', 'proc.vpgid',
          'proc.sname', 'proc.tty', 'user.loginuid', 'proc.fdlimit', 'proc.fdusage',
          'proc.is_exe_writable', 'proc.vmsize', 'proc.vmrss', 'proc.vmswap', 'thread.vmsize',
          'thread.vmrss', 'evt.runtime', 'proc.env', 'proc.env[SCRY_T]',
          'proc.ppid.duration']


def stat(pid, tid=None):
    path = '/proc/%d/task/%d/stat' % (pid, tid) if tid else '/proc/%d/stat' % pid
    s = open(path).read()
    comm = s[s.index('(') + 1:s.rindex(')')]
    f = s[s.rindex(')') + 2:].split()
    # f[0] state, f[1] ppid, f[2] pgrp, f[3] session, f[4] tty_nr, f[7] minflt, f[9] majflt
    return comm, f


def status(pid):
    out = {}
    for line in open('/proc/%d/status' % pid):
        k, _, v = line.partition(':')
        out[k] = v.split()
    return out


def ancestry(pid):
    chain = []
    while pid > 0 and len(chain) < 64:
        try:
            comm, f = stat(pid)
        except OSError:
            break
        chain.append((pid, comm))
        pid = int(f[1])
    return chain


def cgroups(pid, tid):
    # cgroup v2's line ("0::PATH") stands for the controllers its root lists (libscap's rule)
    v2 = []
    for root in ('/sys/fs/cgroup', '/sys/fs/cgroup/unified'):
        try:
            v2 = open(root + '/cgroup.controllers').read().split()
            break
        except OSError:
            pass
    out = []
    for line in open('/proc/%d/task/%d/cgroup' % (pid, tid)):
        _, ctl, path = line.rstrip('\n').split(':', 2)
        out += ['%s=%s' % (c, path) for c in (ctl.split(',') if ctl else v2)]
    return ' '.join(out)


def snap(pid):
    comm, f = stat(pid)
    st = status(pid)
    chain = ancestry(pid)
    shells = [p for p, c in chain if c.endswith('sh')]
    limits = [l for l in open('/proc/%d/limits' % pid) if l.startswith('Max open files')][0]
    tids = sorted(int(t) for t in os.listdir('/proc/%d/task' % pid))
    sid = int(f[3])
    return {
        'pid': pid, 'comm': comm, 'ppid': int(f[1]), 'chain': chain,
        'cmdline': open('/proc/%d/cmdline' % pid).read().rstrip('\0').split('\0'),
        'pcmdline': open('/proc/%d/cmdline' % int(f[1])).read().rstrip('\0').split('\0'),
        'loginshellid': shells[-1] if shells else None,
        'cwd': os.readlink('/proc/%d/cwd' % pid), 'nthreads': len(tids), 'tids': tids,
        'fds': len(os.listdir('/proc/%d/fd' % pid)),
        'minflt': int(f[7]), 'majflt': int(f[9]),
        'cgroups': {t: cgroups(pid, t) for t in tids},
        'sid': sid, 'sname': stat(sid)[0] if os.path.exists('/proc/%d' % sid) else None,
        'vpgid': int(st['NSpgid'][-1]), 'tty': int(f[4]),
        'loginuid': int(open('/proc/%d/loginuid' % pid).read()),
        'fdlimit': int(limits.split()[3]),
        'vmsize': int(st.get('VmSize', ['0'])[0]), 'vmrss': int(st.get('VmRSS', ['0'])[0]),
        'vmswap': int(st.get('VmSwap', ['0'])[0]),
        'exe_writable': os.access('/proc/%d/exe' % pid, os.W_OK),
        'sum_exec': int(open('/proc/%d/schedstat' % pid).read().split()[0]),
        'start': time.time(),
        'env': env_text(pid),
    }


def env_text(pid):
    # what scry keeps: the first 1024 bytes, without a final NUL, strings joined by spaces
    e = open('/proc/%d/environ' % pid, 'rb').read()[:1024]
    if e.endswith(b'\0'):
        e = e[:-1]
    return e.replace(b'\0', b' ').decode()


# The workload's processes, by command line, and how long after each is first seen its truth is
# taken: its own fds open; the orphan's parent gone; the CPU burner asleep after its burn.
MARKERS = {
    'sleep 0.71': lambda c: c == ['sleep', '0.71'],
    'sleep 0.92': lambda c: c == ['sleep', '0.92'],
    'threaded': lambda c: c[:1] == ['python3'] and c[-1:] == ['threaded'],
    'cpu_burner': lambda c: c[:1] == ['python3'] and c[-1:] == ['cpu_burner'],
}
DELAY = {'sleep 0.71': 0.2, 'sleep 0.92': 0.5, 'threaded': 0.2, 'cpu_burner': 0.6}
THREADED = ('import threading, time\n'
            'ts = [threading.Thread(target=time.sleep, args=(0.7,)) for _ in range(3)]\n'
            '[t.start() for t in ts]\n[t.join() for t in ts]\n')
BURNER = ('import time\nt = time.time()\nwhile time.time() - t < 0.3: pass\ntime.sleep(0.9)\n')


def run(d, truth_path):
    # Orphans come here (a child subreaper), not to init: the kernel's choice scry must follow.
    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    script = os.path.join(d, 'w.sh')
    with open(script, 'w') as f:
        f.write("cd '%s'\nulimit -n 123\nenv -i SCRY_T=pipeline-7 \"PATH=$PATH\" sh -c 'sleep 0.71 | cat'\nsh -c 'sleep 0.92 & exit 0'\n"
                "python3 -c '%s' threaded\nexec python3 -c '%s' cpu_burner\n" %
                (d, THREADED, BURNER))
    truths, first = [], {}
    # The terminal's other end opened by its name, not with TIOCGPTPEER (pty.fork's openpty):
    # scry's fd table does not learn an fd an ioctl makes, and the session's 0, 1 and 2 are
    # what fdopencount counts.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptsname.restype = ctypes.c_char_p
    fd = os.open('/dev/ptmx', os.O_RDWR | os.O_NOCTTY)
    libc.unlockpt(fd)
    name = libc.ptsname(fd)
    pid = os.fork()
    if pid == 0:
        os.close(fd)
        os.login_tty(os.open(name, os.O_RDWR))
        os.execvp('sh', ['sh', script])
    end = time.time() + 20
    while time.time() < end and len(truths) < len(MARKERS):
        r, _, _ = select.select([fd], [], [], 0.01)
        if r:
            try:
                os.read(fd, 4096)
            except OSError:
                pass
        for p in os.listdir('/proc'):
            if not p.isdigit() or first.get(int(p)) == 'done':
                continue
            try:
                cmd = open('/proc/%s/cmdline' % p).read().rstrip('\0').split('\0')
            except OSError:
                continue
            for m, match in MARKERS.items():
                if not match(cmd):
                    continue
                seen = first.setdefault(int(p), time.time())
                # the threaded one once its three threads run
                if m == 'threaded' and len(os.listdir('/proc/%s/task' % p)) != 4:
                    continue
                if time.time() - seen > DELAY[m]:
                    try:
                        t = snap(int(p))
                    except (OSError, IndexError, ValueError):
                        continue
                    t['marker'] = m
                    truths.append(t)
                    first[int(p)] = 'done'
    os.waitpid(pid, 0)
    while True:	# the orphan, which came to us
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    with open(truth_path, 'w') as f:
        for t in truths:
            t['driver'] = os.getpid()
            f.write(json.dumps(t) + '\n')


def load(out):
    evs = []
    for line in open(out):
        v = line.rstrip('\n').split(SEP)
        if len(v) != len(FIELDS):
            continue
        evs.append(dict(zip(FIELDS, v)))
    return evs


def near(a, b, rel, absol=0):
    return abs(a - b) <= max(rel * abs(b), absol)


def check(truth_path, out, src):
    truths = {}
    for line in open(truth_path):
        t = json.loads(line)
        truths[t['marker']] = t
    evs = load(out)
    live = src == 'live'

    def of(m, types=None):
        t = truths[m]
        return t, [e for e in evs if int(e['proc.pid']) == t['pid'] and
                   (types is None or e['evt.type'] in types)]

    def group(desc, fn):
        try:
            errs = fn()
        except (KeyError, ValueError, IndexError) as x:
            errs = ['%s: %r' % (type(x).__name__, x)]
        if errs:
            print('not ok - %s: %s' % (src, desc))
            for e in errs[:6]:
                print('#   %s' % e)
        else:
            print('ok - %s: %s' % (src, desc))

    def want(errs, e, field, value):
        if e[field] != str(value):
            errs.append('%s %s: %s, want %s' % (e['evt.type'], field, e[field], value))

    def ancestry():
        errs = []
        for m in ('sleep 0.71', 'threaded', 'mem_hog'):
            t, es = of(m, ('procexit',))
            es = [e for e in es if int(e['thread.tid']) == t['pid']]
            if len(es) != 1:
                errs.append('%s: %d procexit' % (m, len(es)))
                continue
            e, ch = es[0], t['chain']
            want(errs, e, 'proc.ppid', t['ppid'])
            want(errs, e, 'proc.pname', ch[1][1])
            want(errs, e, 'proc.pcmdline', ' '.join([ch[1][1]] + t['pcmdline'][1:]))
            want(errs, e, 'proc.aname[0]', t['comm'])
            for k in (1, 2, 3):
                want(errs, e, 'proc.aname[%d]' % k, ch[k][1])
                want(errs, e, 'proc.apid[%d]' % k, ch[k][0])
            want(errs, e, 'proc.loginshellid', t['loginshellid'])
        return errs

    def orphan():
        errs = []
        t, es = of('sleep 0.92', ('procexit',))
        if len(es) != 1:
            return ['%d procexit' % len(es)]
        # the driver is the child subreaper the kernel gave it to
        if t['ppid'] != t['driver']:
            errs.append('truth: ppid %d, not the driver %d' % (t['ppid'], t['driver']))
        want(errs, es[0], 'proc.ppid', t['ppid'])
        want(errs, es[0], 'proc.pname', 'python3')
        want(errs, es[0], 'proc.apid[1]', t['driver'])
        return errs

    def session():
        errs = []
        t, es = of('sleep 0.71')
        if not es:
            return ['no events']
        if not t['tty'] or t['sid'] == t['pid']:
            errs.append('truth: tty %d sid %d: not in the pty session' % (t['tty'], t['sid']))
        for e in es:
            want(errs, e, 'proc.sid', t['sid'])
            want(errs, e, 'proc.sname', t['sname'])
            want(errs, e, 'proc.vpgid', t['vpgid'])
            want(errs, e, 'proc.tty', t['tty'])
            want(errs, e, 'user.loginuid', t['loginuid'] if t['loginuid'] < 2**32 - 1 else -1)
        return errs

    def files():
        errs = []
        t, es = of('sleep 0.71', ('clock_nanosleep', 'nanosleep'))
        if not es:
            return ['no sleep call']
        for e in es:
            want(errs, e, 'proc.cwd', t['cwd'])
            want(errs, e, 'proc.exeline', ' '.join(t['cmdline']))
            want(errs, e, 'proc.fdlimit', t['fdlimit'])
            want(errs, e, 'proc.fdopencount', t['fds'])
            want(errs, e, 'proc.fdusage', t['fds'] * 100 // t['fdlimit'])
            want(errs, e, 'proc.is_exe_writable', int(t['exe_writable']))
            want(errs, e, 'proc.env[SCRY_T]', 'pipeline-7')
            want(errs, e, 'proc.env', t['env'])
        if t['fdlimit'] != 123:
            errs.append('truth: fdlimit %d' % t['fdlimit'])
        return errs

    def threads():
        errs = []
        t, es = of('threaded', ('clock_nanosleep', 'nanosleep'))
        workers = [e for e in es if int(e['thread.tid']) != t['pid']]
        if len(set(e['thread.tid'] for e in workers)) != 3 or t['nthreads'] != 4:
            errs.append('%d workers seen, truth %d threads' % (len(workers), t['nthreads']))
        # threads start and end one by one: all four live at some point, never more
        n = [int(e['proc.nthreads']) for e in workers]
        if max(n or [0]) != 4:
            errs.append('proc.nthreads at most %s, want 4' % max(n or [0]))
        for e in workers:
            want(errs, e, 'proc.nchilds', int(e['proc.nthreads']) - 1)
            want(errs, e, 'thread.ismain', 0)
        t, es = of('threaded', ('procexit',))
        mains = [e for e in es if int(e['thread.tid']) == t['pid']]
        if len(mains) != 1:
            errs.append('%d procexit of the main thread' % len(mains))
        for e in mains:
            want(errs, e, 'thread.ismain', 1)
            want(errs, e, 'proc.nthreads', 0)
        return errs

    def cpu():
        errs = []
        t, es = of('cpu_burner', ('switch',))
        tot = [int(e['thread.totexectime']) for e in es]
        if not tot or not near(max(tot), t['sum_exec'], 0.15):
            errs.append('thread.totexectime %s, /proc schedstat %d' % (max(tot or [0]),
                                                                       t['sum_exec']))
        for e in es:
            want(errs, e, 'thread.exectime', e['evt.runtime'])
        if tot != sorted(tot):
            errs.append('thread.totexectime decreases: %s' % tot[:10])
        t, es = of('cpu_burner', ('procexit',))
        if len(es) != 1:
            return errs + ['%d procexit' % len(es)]
        mn = int(es[0]['thread.pfminor'])
        if not t['minflt'] <= mn <= t['minflt'] + 300:
            errs.append('thread.pfminor %d at exit, /proc minflt %d before' % (mn, t['minflt']))
        if int(es[0]['thread.pfmajor']) < t['majflt']:
            errs.append('thread.pfmajor %s < %d' % (es[0]['thread.pfmajor'], t['majflt']))
        return errs

    def predating():
        errs = []
        t, es = of('mem_hog', ('procexit',))
        if len(es) != 1:
            return ['%d procexit' % len(es)]
        e = es[0]
        for f, k in (('proc.vmsize', 'vmsize'), ('proc.vmrss', 'vmrss'),
                     ('thread.vmsize', 'vmsize'), ('thread.vmrss', 'vmrss')):
            if not near(int(e[f]), t[k], 0.02, 64):
                errs.append('%s %s, /proc %d' % (f, e[f], t[k]))
        want(errs, e, 'proc.vmswap', t['vmswap'])
        if t['vmrss'] < 32 << 10:
            errs.append('truth: VmRSS %d kB, not the 32 MiB touched' % t['vmrss'])
        if not near(int(e['thread.pfminor']), t['minflt'], 0.02, 64):
            errs.append('thread.pfminor %s, /proc %d' % (e['thread.pfminor'], t['minflt']))
        for f, k in (('proc.sid', 'sid'), ('proc.vpgid', 'vpgid'), ('proc.tty', 'tty'),
                     ('proc.fdlimit', 'fdlimit'), ('proc.cwd', 'cwd'), ('proc.env', 'env')):
            want(errs, e, f, t[k])
        return errs

    def cgroups():
        errs = []
        t, es = of('sleep 0.71', ('clock_nanosleep', 'nanosleep'))
        mem = [c for c in t['cgroups'][str(t['pid'])].split() if c.startswith('memory=')]
        for e in es or [None]:
            if e is None:
                errs.append('no sleep call')
            else:
                want(errs, e, 'thread.cgroups', t['cgroups'][str(t['pid'])])
                want(errs, e, 'thread.cgroup.memory', mem[0][7:] if mem else '<NA>')
        return errs

    def duration():
        t, es = of('sleep 0.71', ('procexit',))
        d = [int(e['proc.duration']) for e in es]
        # its parent (sh -c) forked it a moment after it started
        pd = [int(e['proc.ppid.duration']) for e in es]
        if len(d) == 1 and 710000000 <= d[0] < 1500000000 and d[0] <= pd[0] < d[0] + 500000000:
            return []
        return ['proc.duration %s, proc.ppid.duration %s' % (d, pd)]

    group('ancestry of a pipeline, a Python process and one that predates scry: ppid, pname, '
          'pcmdline, aname[0-3], apid[1-3], loginshellid as /proc says', ancestry)
    group('a parent exits: its child goes to the child subreaper the kernel chose', orphan)
    group('a pty session: sid, sname, vpgid, tty, loginuid', session)
    group('cwd (cd), exeline, fdlimit (ulimit -n 123), fdopencount, fdusage, is_exe_writable, '
          'env, env[SCRY_T]',
          files)
    group('threads: nthreads 4, nchilds 3, ismain', threads)
    group('CPU: totexectime against schedstat, exectime as evt.runtime; pfminor, pfmajor', cpu)
    group('a process that predates scry: vmsize, vmrss, vmswap, thread.vm*, pfminor, sid, '
          'vpgid, tty, fdlimit, cwd, env from /proc', predating)
    group('thread.cgroups and thread.cgroup.memory as /proc/PID/task/TID/cgroup', cgroups)
    group('proc.duration and proc.ppid.duration of a 0.71 s sleep', duration)


if __name__ == '__main__':
    if sys.argv[1] == 'run':
        run(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'snap':
        t = snap(int(sys.argv[2]))
        t['marker'] = 'mem_hog'
        with open(sys.argv[3], 'a') as f:
            f.write(json.dumps(t) + '\n')
    elif sys.argv[1] == 'check':
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == 'format':
        print(SEP.join('%' + f for f in FIELDS))

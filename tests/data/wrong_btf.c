/* BTF of a kernel that is not this one: task_struct without the fields scry reads, and only
 * three tracepoints. Loading scry against it must fail with one clear line. */
struct task_struct { int pid; int tgid; };
typedef void (*btf_trace_sys_enter)(void *, void *, long);
typedef void (*btf_trace_sys_exit)(void *, void *, long);
typedef void (*btf_trace_sched_switch)(void *, int, struct task_struct *, struct task_struct *);
struct task_struct t;
btf_trace_sys_enter a; btf_trace_sys_exit b; btf_trace_sched_switch c;

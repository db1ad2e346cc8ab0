#!/bin/sh
# t_net_io on the fallback for kernels without sock:sock_send_length/sock_recv_length (before
# Linux 6.3), forced with SCRY_NET_FALLBACK=1: every figure of t_net_io, exact, from the socket
# syscalls' exits, and a network view attaches sys_exit instead of the two tracepoints.
export SCRY_NET_FALLBACK=1
. tests/integration/t_net_io.sh

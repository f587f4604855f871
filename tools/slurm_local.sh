#!/usr/bin/env bash
# A throw-away single-node SLURM cluster on this machine, for testing profiles/slurm.
#
#   tools/slurm_local.sh install       # Debian: slurmctld slurmd slurm-client munge (as root)
#   tools/slurm_local.sh up [STATE]    # write the config, start munged, slurmctld and slurmd
#   tools/slurm_local.sh down [STATE]  # stop the daemons this script started, remove the config
#
# Needs root: the daemons run as root and the config must be /etc/slurm/slurm.conf (the
# slurm-jobstep executor plugin drops SLURM_CONF before its nested srun). `up` refuses to touch
# an /etc/slurm/slurm.conf it did not write. The node is this machine (NodeName = hostname -s,
# topology from `slurmd -C`) with one fake GPU (gres File=/dev/null; a job asking for it sees
# CUDA_VISIBLE_DEVICES=0). There is no accounting database, so `sacct` does not work: status
# checks use squeue, and MinJobAge keeps finished jobs in squeue for 300 s.
# State, logs and pid files live in STATE (default /tmp/sepconv-slurm).
set -euo pipefail

ACTION=${1:-}
STATE=${2:-/tmp/sepconv-slurm}
CONF=/etc/slurm/slurm.conf
GRES=/etc/slurm/gres.conf
MARK="# written by sepconv tools/slurm_local.sh"
PACKAGES=(slurmctld slurmd slurm-client munge)

die() {
  echo "slurm_local: $*" >&2
  exit 1
}

install_packages() {
  [[ $(id -u) == 0 ]] || die "installing packages needs root"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

start_daemon() { # name pidfile command...
  local name=$1 pidfile=$2
  shift 2
  "$@" || die "$name did not start; see its log under $STATE"
  for _ in $(seq 50); do
    [[ -s $pidfile ]] && alive "$(cat "$pidfile")" && return 0
    sleep 0.1
  done
  die "$name did not start; see its log under $STATE"
}

up() {
  [[ $(id -u) == 0 ]] || die "starting the daemons needs root"
  for cmd in munged slurmctld slurmd sbatch squeue; do
    command -v "$cmd" >/dev/null || die "$cmd not found: run '$0 install' first"
  done
  if [[ -e $CONF ]] && ! grep -qF "$MARK" "$CONF"; then
    die "$CONF exists and was not written by this script; not touching it"
  fi
  local running
  for daemon in slurmctld slurmd; do
    if running=$(pgrep -x -r R,S,D,T "$daemon"); then  # alive, not a zombie
      die "$daemon is already running (pid ${running//$'\n'/, }); stop it first ('$0 down STATE' for one this script started)"
    fi
  done
  # STATE may be a folder the caller made: keep it, clear only this script's pid files
  mkdir -p "$STATE/ctld" "$STATE/spool" /run/munge
  rm -f "$STATE/slurmctld.pid" "$STATE/slurmd.pid" "$STATE/munged.pid"

  local node topology
  node=$(hostname -s)
  topology=$(slurmd -C | head -1 | sed -e 's/^NodeName=[^ ]* //')
  cat >"$CONF" <<EOF
$MARK; '$0 down' removes it
ClusterName=sepconv
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
EnforcePartLimits=ALL
MinJobAge=300
GresTypes=gpu
NodeName=$node $topology Gres=gpu:1 State=UNKNOWN
PartitionName=main Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  printf '%s\nName=gpu File=/dev/null\n' "$MARK" >"$GRES"

  [[ -s /etc/munge/munge.key ]] || mungekey --create --keyfile=/etc/munge/munge.key
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    echo "slurm_local: using the munged already running"
  else
    # as root (--force), so that it can write its pid and log into STATE whatever its mode
    start_daemon munged "$STATE/munged.pid" munged --force \
      --pid-file="$STATE/munged.pid" --log-file="$STATE/munged.log"
  fi
  start_daemon slurmctld "$STATE/slurmctld.pid" slurmctld -c
  start_daemon slurmd "$STATE/slurmd.pid" slurmd
  for _ in $(seq 100); do
    if sinfo -h -N -o %T 2>/dev/null | grep -qx idle; then
      echo "slurm_local: node $node idle ($topology, 1 fake GPU); state in $STATE"
      return 0
    fi
    sleep 0.2
  done
  sinfo -N -l >&2 || true
  die "node $node did not become idle; see $STATE/slurmctld.log and $STATE/slurmd.log"
}

alive() { # a running process, not a zombie left for a parent that does not reap
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

down() {
  local pidfile pid
  for pidfile in "$STATE/slurmd.pid" "$STATE/slurmctld.pid" "$STATE/munged.pid"; do
    [[ -s $pidfile ]] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do
      alive "$pid" || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  for file in "$CONF" "$GRES"; do
    if [[ -e $file ]] && grep -qF "$MARK" "$file"; then rm -f "$file"; fi
  done
  echo "slurm_local: stopped the daemons started from $STATE"
}

case $ACTION in
  install) install_packages ;;
  up) up ;;
  down) down ;;
  *) die "usage: $0 install | up [STATE] | down [STATE]" ;;
esac

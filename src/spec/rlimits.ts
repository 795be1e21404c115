// process.rlimits' types without their RLIMIT_ prefix, indexed by their resource number
// (asm-generic/resource.h).
export const RLIMITS: readonly string[] = ['CPU', 'FSIZE', 'DATA', 'STACK', 'CORE', 'RSS', 'NPROC', 'NOFILE', 'MEMLOCK', 'AS',
  'LOCKS', 'SIGPENDING', 'MSGQUEUE', 'NICE', 'RTPRIO', 'RTTIME'];

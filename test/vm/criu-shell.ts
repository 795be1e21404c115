// Shell lines for the criu VM tests (test/integration/criu-*-vm.test.ts): a container whose
// stdout is a pipe into a file of the share (criu restores it onto the pipe restore is given),
// and a wait for that file to have lines.

/** Shell line: waits until SHARE/NAME.out has at least N lines (or 30 s, or NAME.rc says it failed). */
export const waitLines = (share: string, name: string, n: number): string => `for i in $(seq 300); do ` +
  `[ "$(wc -l < ${share}/${name}.out 2>/dev/null || echo 0)" -ge ${n} ] && break; ` +
  `[ -s ${share}/${name}.rc ] && [ "$(cat ${share}/${name}.rc)" != 0 ] && break; sleep 0.1; done`;

/**
 * Shell line: runs `$RT ARGS` in the background with stdin a pipe (from a sleep) and stdout and
 * stderr a pipe to a cat into SHARE/NAME.out; the runtime's exit status lands in SHARE/NAME.rc.
 */
export function piped(share: string, name: string, args: string): string {
  return `( sleep 100000 | { $RT ${args}; echo $? > ${share}/${name}.rc; } 2>&1 | cat > ${share}/${name}.out ) &`;
}

/** The numbers a counter printed (its lines that are only digits). */
export const numbers = (text: string): number[] => text.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);

// Terminals: isatty, raw mode with its restore, window sizes, and O_NONBLOCK; what the
// foreground console proxy needs beyond Node's own tty module.
import { check, libc } from './libc.js';

const TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, TCSANOW = 0;
const F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 0o4000;
const TERMIOS_SIZE = 64; // glibc's struct termios is 60 bytes

const c = {
  isatty: libc.func('int isatty(int)'),
  tcgetattr: libc.func('int tcgetattr(int, _Out_ uint8_t *t)'),
  tcsetattr: libc.func('int tcsetattr(int, int, const uint8_t *t)'),
  cfmakeraw: libc.func('void cfmakeraw(_Inout_ uint8_t *t)'),
  ioctl: libc.func('int ioctl(int, unsigned long, _Inout_ uint8_t *arg)'),
  fcntl: libc.func('int fcntl(int, int, int)'),
};

export interface WinSize { rows: number; cols: number }

export function isTty(fd: number): boolean {
  return c.isatty(fd) === 1;
}

/** Puts the terminal of fd in raw mode; returns the function that restores its old mode. */
export function makeRaw(fd: number): () => void {
  const saved = Buffer.alloc(TERMIOS_SIZE);
  check(c.tcgetattr(fd, saved), 'tcgetattr');
  const raw = Buffer.from(saved);
  c.cfmakeraw(raw);
  check(c.tcsetattr(fd, TCSANOW, raw), 'tcsetattr');
  return () => { c.tcsetattr(fd, TCSANOW, saved); };
}

export function getWinSize(fd: number): WinSize {
  const ws = Buffer.alloc(8);
  check(c.ioctl(fd, TIOCGWINSZ, ws), 'ioctl TIOCGWINSZ');
  return { rows: ws.readUInt16LE(0), cols: ws.readUInt16LE(2) };
}

export function setWinSize(fd: number, size: WinSize): void {
  const ws = Buffer.alloc(8);
  ws.writeUInt16LE(size.rows, 0); ws.writeUInt16LE(size.cols, 2);
  check(c.ioctl(fd, TIOCSWINSZ, ws), 'ioctl TIOCSWINSZ');
}

export function setNonBlocking(fd: number): void {
  const flags = check(c.fcntl(fd, F_GETFL, 0), 'fcntl F_GETFL');
  check(c.fcntl(fd, F_SETFL, flags | O_NONBLOCK), 'fcntl F_SETFL');
}

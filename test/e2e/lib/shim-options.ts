// The runtime options containerd's runc shim reads on stdin for `containerd-shim-runc-v2 -info`
// (containerd 2.0 on), and the RuntimeInfo it prints. Both are binary protobuf:
// - stdin: a google.protobuf.Any whose value is a containerd.runc.v1.Options message. Only
//   BinaryName is set here: the shim then runs `<BinaryName> features`; without options it runs
//   "runc" from PATH.
// - stdout: containerd.types.RuntimeInfo {name = 1, version = 2 (RuntimeVersion {version = 1,
//   revision = 2}), options = 3 (the Any it was given), features = 4 (an Any whose value is the
//   features JSON: the runtime's output decoded into runtime-spec's Go Features struct and
//   encoded again, so fields that struct lacks are dropped), annotations = 5 (the shim's own)}.
//   features is absent when `<BinaryName> features` fails: the shim only logs that.

const OPTIONS_TYPE_URL = 'containerd.runc.v1.Options';
const OPTIONS_BINARY_NAME = 6; // containerd.runc.v1.Options.binary_name
const ANY_TYPE_URL = 1, ANY_VALUE = 2;
const INFO_NAME = 1, INFO_VERSION = 2, INFO_OPTIONS = 3, INFO_FEATURES = 4;
const VERSION_VERSION = 1;

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n > 0x7f; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

/** One length-delimited field (wire type 2). */
function bytesField(field: number, value: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(value.length), value]);
}

/** Any{type_url: containerd.runc.v1.Options, value: Options{binary_name}} as protobuf bytes. */
export function runcOptionsAny(binaryName: string): Buffer {
  const options = bytesField(OPTIONS_BINARY_NAME, Buffer.from(binaryName));
  return Buffer.concat([bytesField(ANY_TYPE_URL, Buffer.from(OPTIONS_TYPE_URL)), bytesField(ANY_VALUE, options)]);
}

/** The length-delimited fields of a message by number (last one wins); throws on bad bytes. */
export function messageFields(buf: Buffer): Map<number, Buffer> {
  const fields = new Map<number, Buffer>();
  let i = 0;
  const readVarint = (): number => {
    let n = 0;
    for (let shift = 1; ; shift *= 128) {
      if (i >= buf.length || shift > 2 ** 49) throw new Error(`truncated varint at byte ${i}`);
      const b = buf[i++];
      n += (b & 0x7f) * shift;
      if (b < 0x80) return n;
    }
  };
  while (i < buf.length) {
    const key = readVarint(), field = Math.floor(key / 8), wire = key & 7;
    if (wire === 0) readVarint();
    else if (wire === 1 || wire === 5) i += wire === 1 ? 8 : 4;
    else if (wire === 2) {
      const len = readVarint();
      if (i + len > buf.length) throw new Error(`field ${field} runs past the end (${len} bytes at ${i} of ${buf.length})`);
      fields.set(field, buf.subarray(i, i + len));
      i += len;
    } else throw new Error(`unexpected wire type ${wire} of field ${field} at byte ${i}`);
  }
  if (i !== buf.length) throw new Error(`a fixed-size field runs past the end (${buf.length} bytes)`);
  return fields;
}

export interface AnyMessage { typeUrl: string; value: Buffer }
export interface RuntimeInfo { name: string; version: string; options?: AnyMessage; features?: AnyMessage }

function anyMessage(buf: Buffer | undefined): AnyMessage | undefined {
  if (!buf) return undefined;
  const f = messageFields(buf);
  return { typeUrl: f.get(ANY_TYPE_URL)?.toString() ?? '', value: f.get(ANY_VALUE) ?? Buffer.alloc(0) };
}

/** Decodes what `containerd-shim-runc-v2 -info` prints. */
export function parseRuntimeInfo(buf: Buffer): RuntimeInfo {
  const f = messageFields(buf);
  const version = f.get(INFO_VERSION);
  return {
    name: f.get(INFO_NAME)?.toString() ?? '',
    version: version ? messageFields(version).get(VERSION_VERSION)?.toString() ?? '' : '',
    options: anyMessage(f.get(INFO_OPTIONS)),
    features: anyMessage(f.get(INFO_FEATURES)),
  };
}

/** binary_name of a containerd.runc.v1.Options message. */
export function optionsBinaryName(options: Buffer): string | undefined {
  return messageFields(options).get(OPTIONS_BINARY_NAME)?.toString();
}

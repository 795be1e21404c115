// The runtime options containerd's runc shim reads on stdin for `containerd-shim-runc-v2 -info`
// (containerd 2.0 on): a protobuf google.protobuf.Any whose value is a containerd.runc.v1.Options
// message. Only BinaryName is set: the shim then runs `<BinaryName> features` and puts the
// runtime's features JSON in the RuntimeInfo it prints (protobuf, the JSON embedded as is).
// Without options it runs "runc" from PATH.

const OPTIONS_TYPE_URL = 'containerd.runc.v1.Options';
const OPTIONS_BINARY_NAME = 6; // containerd.runc.v1.Options.binary_name
const ANY_TYPE_URL = 1, ANY_VALUE = 2;

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

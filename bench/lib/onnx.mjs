// A MatMul ONNX model, hand-encoded as protobuf bytes (no download, no protobuf library).
//
//   ModelProto { ir_version = 8 (field 1), opset_import (8) { domain "" (1), version 13 (2) },
//                graph (7) { node (1) { input "A", input "B" (1), output "C" (2), op_type "MatMul" (4) },
//                            name "matmul" (2), input (11) A, B, output (12) C } }
//   ValueInfoProto { name (1), type (2) { tensor_type (1) { elem_type = FLOAT (1) (1),
//                    shape (2) { dim (1) { dim_value (1) } ... } } } }
// Wire format: each field is a key varint (field << 3 | wire type) then, for wire type 0, a
// varint value, or for wire type 2, a varint length and that many bytes.

function varint(n) {
  const out = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const int = (field, value) => [...varint(field << 3), ...varint(value)];
const bytes = (field, body) => [...varint((field << 3) | 2), ...varint(body.length), ...body];
const str = (field, s) => bytes(field, [...new TextEncoder().encode(s)]);

function valueInfo(name, dims) {
  const shape = dims.flatMap((d) => bytes(1, int(1, d)));
  const tensorType = [...int(1, 1 /* FLOAT */), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

/** ONNX model bytes computing C[M,N] = A[M,K] x B[K,N] with one MatMul node (opset 13). */
export function matmulModel(M, K, N) {
  const node = [...str(1, 'A'), ...str(1, 'B'), ...str(2, 'C'), ...str(4, 'MatMul')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'matmul'),
    ...bytes(11, valueInfo('A', [M, K])),
    ...bytes(11, valueInfo('B', [K, N])),
    ...bytes(12, valueInfo('C', [M, N])),
  ];
  const model = [...int(1, 8), ...bytes(8, int(2, 13)), ...bytes(7, graph)];
  return new Uint8Array(model);
}

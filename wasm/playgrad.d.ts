// Type declarations for the Playgrad JavaScript API (wasm/playgrad.mjs).

export type Shape = number[];
export type TensorData = number | number[] | number[][] | number[][][] | number[][][][] | ArrayLike<number>;
/** A Tensor, or a number (used as a 0-d tensor) where an op takes two operands. */
export type TensorLike = Tensor | number;

/** Every error from the core or the wrapper: the message names the op and the shapes. */
export class PlaygradError extends Error {
  constructor(message: string);
}

export class Tensor {
  /** Dimensions, e.g. [2, 3]. */
  readonly shape: Shape;
  /** Number of elements. */
  readonly size: number;
  readonly ndim: number;
  requiresGrad: boolean;
  /** True after dispose(). */
  readonly disposed: boolean;
  /** The accumulated gradient (a new Tensor on each access: dispose it or use scope), or null. */
  readonly grad: Tensor | null;
  /** A Float32Array copy of the values, row-major. */
  toArray(): Float32Array;
  /** The values as nested arrays, or a number for a 0-d tensor. */
  toNested(): number | unknown[];
  /** The value of a one-element tensor. */
  item(): number;
  /** Back-propagates from this one-element tensor into every leaf that requires grad. */
  backward(): void;
  zeroGrad(): void;
  /** Same values, no graph, requiresGrad false. */
  detach(): Tensor;
  /** Frees the wasm memory; any later use throws. */
  dispose(): void;
}

export interface LoadOptions {
  /** The .wasm bytes (default: read from disk in Node, fetched next to the module in a browser). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where the browser finds playgrad_core.wasm. */
  locateFile?: (path: string, prefix: string) => string;
  /** Another build of the glue's factory, e.g. the single-file build. */
  factory?: (moduleArgs: object) => Promise<unknown>;
}

/** A user-typed f(x, y) parsed by the core (pg.expr); gradients come from the core's backward(). */
export interface Expr {
  readonly source: string;
  /** How the parser read it, fully parenthesised: '-x^2' gives '-(x ^ 2)'. */
  readonly canonical: string;
  readonly usesX: boolean;
  readonly usesY: boolean;
  readonly disposed: boolean;
  /** f and its gradient at one point. */
  at(x: number, y: number): { value: number; dx: number; dy: number };
  /** f(x, y) as a Tensor on the autograd graph (x and y broadcast). */
  eval(x: TensorLike, y: TensorLike): Tensor;
  dispose(): void;
}

export interface Playgrad {
  readonly version: string;
  /** True for the WebAssembly SIMD build. */
  readonly simd: boolean;
  readonly Tensor: typeof Tensor;
  readonly PlaygradError: typeof PlaygradError;

  tensor(data: TensorData, shape?: Shape, options?: { requiresGrad?: boolean }): Tensor;
  zeros(shape: Shape): Tensor;
  ones(shape: Shape): Tensor;
  full(shape: Shape, value: number): Tensor;
  /** arange(stop) or arange(start, stop, step = 1). */
  arange(start: number, stop?: number, step?: number): Tensor;
  /** Uniform in [lo, hi) from the core's seeded generator. */
  rand(shape: Shape, seed?: number, lo?: number, hi?: number): Tensor;
  /** Normal(mean, std) from the core's seeded generator. */
  randn(shape: Shape, seed?: number, mean?: number, std?: number): Tensor;

  add(a: TensorLike, b: TensorLike): Tensor;
  sub(a: TensorLike, b: TensorLike): Tensor;
  mul(a: TensorLike, b: TensorLike): Tensor;
  div(a: TensorLike, b: TensorLike): Tensor;
  neg(x: Tensor): Tensor;
  pow(x: Tensor, p: number): Tensor;
  exp(x: Tensor): Tensor;
  log(x: Tensor): Tensor;
  sqrt(x: Tensor): Tensor;
  abs(x: Tensor): Tensor;
  sigmoid(x: Tensor): Tensor;
  tanh(x: Tensor): Tensor;
  relu(x: Tensor): Tensor;
  leakyRelu(x: Tensor, alpha?: number): Tensor;

  /** [M,K]x[K,N], [B,M,K]x[B,K,N], [B,M,K]x[K,N] or [M,K]x[B,K,N]. */
  matmul(a: Tensor, b: Tensor): Tensor;
  /** Swaps two axes (default the last two). */
  transpose(x: Tensor, axis0?: number, axis1?: number): Tensor;
  /** One dimension may be -1. */
  reshape(x: Tensor, shape: Shape): Tensor;

  /** Over all elements when axis is omitted. */
  sum(x: Tensor, axis?: number, keepdims?: boolean): Tensor;
  mean(x: Tensor, axis?: number, keepdims?: boolean): Tensor;
  max(x: Tensor, axis?: number, keepdims?: boolean): Tensor;
  softmax(x: Tensor, axis?: number): Tensor;
  logSoftmax(x: Tensor, axis?: number): Tensor;

  /** Parses f(x, y): numbers, x, y, + - * / ^, parentheses, sin cos tan exp log sqrt abs tanh sigmoid, pi, e. */
  expr(source: string): Expr;
  sin(x: Tensor): Tensor;
  cos(x: Tensor): Tensor;
  tan(x: Tensor): Tensor;

  /** Runs fn without recording a graph. */
  noGrad<T>(fn: () => T): T;
  /** Runs fn synchronously; disposes every tensor made inside except those returned. */
  scope<T>(fn: () => T): T;
  /** Bytes allocated in the wasm heap now (in use, not capacity). */
  memoryBytes(): number;
  /** Bytes held by live tensor buffers. */
  tensorBytes(): number;
  memoryLimit(): number;
  setMemoryLimit(bytes: number): void;
}

/** Instantiates the SIMD core (once) and returns the API. */
export function load(options?: LoadOptions): Promise<Playgrad>;

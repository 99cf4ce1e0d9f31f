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
  /**
   * false: the one-thread build; a number: that many threads by default (else the machine's
   * cores, at most 16). The threaded build runs in Node and on cross-origin isolated pages only.
   */
  threads?: boolean | number;
  /** Where the browser finds playgrad_core.wasm (and playgrad_core_mt.wasm, .worker.js). */
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

// ---- vision (wasm/api/vision.mjs) --------------------------------------------------------------

/** 'valid', 'same' (TensorFlow's: out = ceil(in / stride), odd extra padding at the bottom/right),
 * P pixels on every side, or [Ph, Pw]. */
export type Padding = 'valid' | 'same' | number | [number, number];
/** A number for both axes, or [height, width]. */
export type Pair = number | [number, number];
/** Corner boxes [x1, y1, x2, y2] (any corner order) as 4-arrays, a flat array or a Float32Array of 4N. */
export type Boxes = number[][] | number[] | Float32Array;
export type Box = [number, number, number, number];

export interface ConvOptions {
  strides?: Pair;
  padding?: Padding;
  dilations?: Pair;
  bias?: Tensor | null;
  /** Applied after the bias; conv2d fuses it (one pass, one graph node). Default 'linear'. */
  activation?: 'linear' | 'relu';
}
export interface ConvTransposeOptions extends ConvOptions {
  /** In [0, stride); 0 with 'same'. */
  outputPadding?: Pair;
}
export interface PoolOptions {
  /** Default 2. */
  poolSize?: Pair;
  /** Default: poolSize. */
  strides?: Pair;
  padding?: Padding;
}
export interface ConvSizeOptions {
  input: number;
  kernel: number;
  stride?: number;
  padding?: 'valid' | 'same' | number;
  dilation?: number;
  /** Whose 'same': 'tensorflow' (any stride, the default) or 'pytorch' (stride 1 only). */
  sameRule?: 'tensorflow' | 'pytorch';
}
/** A convolution's output size, its padding, and the terms of out = floor(numerator / stride) + 1. */
export interface ConvSize {
  out: number;
  padBefore: number;
  padAfter: number;
  /** dilation (kernel - 1) + 1: the input pixels one window covers. */
  span: number;
  /** input + padBefore + padAfter - span. */
  numerator: number;
  /** numerator / stride before the floor. */
  quotient: number;
}
/** The terms of IoU(a, b); iou is the same number as Vision.iou(a, b). */
export interface IouParts {
  /** The boxes with their corners normalised: [min x, min y, max x, max y]. */
  a: Box;
  b: Box;
  areaA: number;
  areaB: number;
  /** The overlap box, or null when the boxes do not overlap. */
  intersection: Box | null;
  /** |A ∩ B|. */
  inter: number;
  /** |A| + |B| - |A ∩ B|. */
  union: number;
  iou: number;
}
export interface NmsOptions {
  /** In [0, 1]; default 0.5. */
  iouThreshold?: number;
  /** Candidates need score > scoreThreshold; default -Infinity. */
  scoreThreshold?: number;
  /** Default Infinity. */
  maxOutput?: number;
  /** 'tensorflow' (default): suppressed when IoU >= threshold; 'torchvision': when IoU > threshold. */
  rule?: 'tensorflow' | 'torchvision';
}
export type NmsStep =
  | { kind: 'keep'; index: number }
  | { kind: 'suppress'; index: number; by: number; iou: number };
export interface YoloGridOptions {
  /** Cells: a number or [gridH, gridW]. */
  grid: Pair;
  numClasses: number;
  /** Anchor [w, h] pairs, normalised; default one anchor. */
  anchors?: number[][] | number[];
}
export interface YoloDecodeOptions extends YoloGridOptions {
  /** Step 1: keep pc >= confThreshold (default 0.5). */
  confThreshold?: number;
  /** Step 3: keep pc * max class >= scoreThreshold (default 0). */
  scoreThreshold?: number;
  /** Step 4 (default true), per class (default true). */
  nms?: boolean;
  perClass?: boolean;
  iouThreshold?: number;
  maxOutput?: number;
  rule?: 'tensorflow' | 'torchvision';
}

export interface ArchLayer {
  kind: 'conv' | 'pool' | 'bn' | 'flatten' | 'gap' | 'dense' | 'mark' | 'shortcut' | 'add';
  name?: string; filters?: number; units?: number; kernel?: number; stride?: number;
  padding?: 'valid' | 'same' | number; bias?: boolean; bn?: boolean;
}
export interface ArchTable {
  rows: Array<{ name: string; kind: string; shape: number[]; params: number; trainable: number }>;
  params: number; trainable: number; convLayers: number; denseLayers: number;
}
export interface Vision {
  /** out = floor((input + 2P - dilation (kernel - 1) - 1) / stride) + 1; 'same': ceil(input / stride). */
  convOutputSize(o: ConvSizeOptions): number;
  /** The size and the padding it implies (for 'same' the odd pixel goes after). */
  convPadding(o: ConvSizeOptions): ConvSize;
  /** out = stride (input - 1) + dilation (kernel - 1) + outputPadding - 2P + 1; 'same': stride input. */
  convTransposeOutputSize(o: ConvSizeOptions & { outputPadding?: number }): number;
  /** (kernelH kernelW inChannels + bias) outChannels. */
  convParams(o: { kernel: Pair; inChannels: number; outChannels: number; bias?: boolean }): number;
  receptiveField(layers: { kernel: number; stride?: number; dilation?: number; pad?: number }[]): { size: number; jump: number; start: number };
  /** A drawn digit prepared as MNIST's were: box to 20 px (aspect kept), centre of mass to (14, 14), size 14: 2 x 2 means. */
  prepareDigit(image: ArrayLike<number>, o: { height: number; width: number; size?: 14 | 28; threshold?: number }): {
    image: Float32Array; size: number; box: number[]; scale: number; centre: number[]; shift: number[];
  };
  /** A CNN's layer table by the conv arithmetic alone (core/include/playgrad/vision/architecture.h). */
  architecture(input: [number, number, number], layers: ArchLayer[]): ArchTable;

  iou(a: Box | number[], b: Box | number[]): number;
  iouParts(a: Box | number[], b: Box | number[]): IouParts;
  iouMatrix(a: Boxes, b: Boxes): number[][];
  centerToCorners(boxes: Boxes): Box[];
  cornersToCenter(boxes: Boxes): Box[];
  normalizeCorners(boxes: Boxes): Box[];

  /** Kept indices in the order kept. */
  nms(boxes: Boxes, scores: ArrayLike<number>, options?: NmsOptions): number[];
  nmsSteps(boxes: Boxes, scores: ArrayLike<number>, options?: NmsOptions): NmsStep[];
  /** Gaussian soft-NMS (sigma default 0.5, iouThreshold default 1), as tf.image.nonMaxSuppressionWithScore. */
  softNms(boxes: Boxes, scores: ArrayLike<number>, options?: NmsOptions & { sigma?: number }): { indices: number[]; scores: number[] };
  nmsPerClass(boxes: Boxes, scores: ArrayLike<number>, classes: ArrayLike<number>, options?: NmsOptions): number[];
  /** nmsPerClass's decisions in the order one pass over all candidates takes them. */
  nmsStepsPerClass(boxes: Boxes, scores: ArrayLike<number>, classes: ArrayLike<number>, options?: NmsOptions): NmsStep[];

  gridAnchors(o: { grid: Pair; stride: Pair; sizes: number[]; ratios?: number[] }): Box[];
  kmeansAnchors(sizes: number[][] | number[], options?: { k?: number; seed?: number; maxIter?: number }): {
    centroids: [number, number][];
    assignments: number[];
    meanIou: number;
    iterations: number;
  };
  yoloEncode(boxes: Boxes, classes: ArrayLike<number>, options: YoloGridOptions): {
    target: Float32Array;
    shape: [number, number, number, number];
    dropped: number;
  };
  yoloDecode(prediction: Tensor | ArrayLike<number>, options: YoloDecodeOptions): {
    boxes: Box[];
    scores: number[];
    classes: number[];
    cells: number[];
  };
  /** Grey scenes of shapes from a seed (0 rectangle, 1 ellipse, 2 triangle, 3 cross; numClasses <= 4). */
  syntheticScenes(o: { count?: number; size?: number; numClasses?: number; maxObjects?: number; seed?: number }): {
    images: Float32Array;
    boxes: Box[];
    classes: number[];
    counts: number[];
  };
  /** Raw network output -> [pc, bx, by, bh, bw, c1..cK]: σ(to), σ(tx), σ(ty), ph·e^th, pw·e^tw (cell units), softmax(z). */
  yoloActivate(raw: Tensor | ArrayLike<number>, options: YoloGridOptions): Float32Array;
  /** The YOLO loss as a Tensor [4]: coordinates, objectness, no-object, classes (each summed over cells, / N). */
  yoloLoss(prediction: Tensor, target: Tensor, options: YoloGridOptions & { lambdaCoord?: number; lambdaNoobj?: number }): Tensor;
}

/** One node of a traced graph (pg.trace): a leaf or the output of one op, as the core recorded it. */
export interface TraceNode {
  /** Index in TraceGraph.nodes; inputs come before the ops that read them (forward order). */
  id: number;
  /** The op's name in the core ('add', 'mul', 'pow', 'exp', ...), or 'leaf'. */
  op: string;
  /** The name given in fn's labels, or null. */
  label: string | null;
  shape: number[];
  /** The forward value, row-major. */
  value: number[];
  /** The gradient of the root with respect to this node after backward(), or null (none reached it). */
  grad: number[] | null;
  requiresGrad: boolean;
  /** Node ids of the op's inputs in order, one per use (x * x lists x twice). */
  inputs: number[];
}

/** One input of one op: `from` feeds slot `slot` of `to`. */
export interface TraceEdge {
  from: number;
  to: number;
  slot: number;
  /**
   * The op's backward applied to an upstream gradient of ones, shaped like `from`: for
   * one-element tensors the local derivative d to / d from. null when `from` needs no gradient.
   */
  local: number[] | null;
  /** What backward() added into from's gradient along this edge (local x upstream), or null. */
  contribution: number[] | null;
  /** Position of that contribution in the backward sweep (0 first), -1 if none. */
  step: number;
}

/** The graph behind a traced root: nodes children-first, edges grouped by `to`, then by slot. */
export interface TraceGraph {
  nodes: TraceNode[];
  edges: TraceEdge[];
  /** The root's node id (the last op node, or 0 when the root is a single leaf). */
  root: number;
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
  /** The gradient goes to the first position holding the max (min). */
  max(x: Tensor, axis?: number, keepdims?: boolean): Tensor;
  min(x: Tensor, axis?: number, keepdims?: boolean): Tensor;
  softmax(x: Tensor, axis?: number): Tensor;
  logSoftmax(x: Tensor, axis?: number): Tensor;

  /** Parses f(x, y): numbers, x, y, + - * / ^, parentheses, sin cos tan exp log sqrt abs tanh sigmoid, pi, e. */
  expr(source: string): Expr;
  sin(x: Tensor): Tensor;
  cos(x: Tensor): Tensor;
  tan(x: Tensor): Tensor;

  /** Runs fn without recording a graph. */
  noGrad<T>(fn: () => T): T;
  /**
   * The autograd graph fn's computation recorded: runs fn (tensors made inside are freed), then
   * backward() on its root (unless backward is false or the root needs no gradient), and returns
   * the nodes with values and gradients and the edges with local derivatives and contributions,
   * all as the core computed them. fn returns the root, or { root, labels } to name tensors.
   */
  trace(fn: () => Tensor | { root: Tensor; labels?: Record<string, Tensor> }, options?: { backward?: boolean }): TraceGraph;
  /**
   * Anomaly mode (torch.autograd.set_detect_anomaly): when on, the first op that turns finite
   * values into NaN/±Infinity (forward or backward) throws a PlaygradError naming it.
   * With a boolean: sets the mode, returns the previous one. Without: returns the current mode.
   */
  detectAnomaly(on?: boolean): boolean;
  /** Runs fn synchronously; disposes every tensor made inside except those returned. */
  scope<T>(fn: () => T): T;
  /** Bytes allocated in the wasm heap now (in use, not capacity). */
  memoryBytes(): number;
  /** Bytes held by live tensor buffers. */
  tensorBytes(): number;
  memoryLimit(): number;
  setMemoryLimit(bytes: number): void;
  /** Threads the kernels use (1 in the one-thread build: file://, pages not cross-origin isolated). */
  threads(): number;
  /** The most threads setThreads accepts (the pool's size; 1 in the one-thread build). */
  maxThreads(): number;
  /** Sets the kernels' thread count (an integer >= 1, clamped to maxThreads()); the same bits for any count. */
  setThreads(n: number): void;

  // vision ops (NHWC), see wasm/api/vision.mjs
  /** x [N,H,W,C] * filter [KH,KW,C,OC] (+ bias [OC]) -> [N,OH,OW,OC]. */
  conv2d(x: Tensor, filter: Tensor, options?: ConvOptions): Tensor;
  /** x [N,H,W,C], filter [KH,KW,C,M] (+ bias [C*M]) -> [N,OH,OW,C*M]. */
  depthwiseConv2d(x: Tensor, filter: Tensor, options?: ConvOptions): Tensor;
  /** x [N,H,W,C], filter [KH,KW,OC,C] (+ bias [OC]) -> [N,OH,OW,OC]. */
  conv2dTranspose(x: Tensor, filter: Tensor, options?: ConvTransposeOptions): Tensor;
  maxPool2d(x: Tensor, options?: PoolOptions): Tensor;
  avgPool2d(x: Tensor, options?: PoolOptions): Tensor;
  /** [N,H,W,C] -> [N,C]. */
  globalAvgPool2d(x: Tensor): Tensor;
  /** [N,H,W,C] -> [N,H*fh,W*fw,C]. */
  upsampling2d(x: Tensor, options?: { size?: Pair; interpolation?: 'nearest' | 'bilinear' }): Tensor;
  readonly vision: Vision;
}

// ---- the learning stack (wasm/api/nn.mjs): losses, optimizers, initializers, layers, models ----

export type Reduction = 'mean' | 'sum' | 'none';
/** clip: 'keras' (p clipped to [1e-7, 1 - 1e-7], the default) or 'pytorch' (BCELoss's log clamped at -100; categorical: NLLLoss(log p), no clamp). */
export interface LossOptions { reduction?: Reduction; fromLogits?: boolean; clip?: 'keras' | 'pytorch' }
export type Labels = number[] | Int32Array | Float32Array | Tensor;

export interface Losses {
  /** (p - y)², averaged per sample, then reduced. */
  mse(pred: Tensor, target: Tensor, options?: { reduction?: Reduction }): Tensor;
  /** -(y log p̂ + (1 - y) log(1 - p̂)), p̂ = clip(p, 1e-7, 1 - 1e-7). */
  binaryCrossEntropy(prob: Tensor, target: Tensor, options?: LossOptions): Tensor;
  /** max(z, 0) - z y + log(1 + e^-|z|). */
  binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, options?: { reduction?: Reduction }): Tensor;
  /** -Σ y log p̂ over the last axis. */
  categoricalCrossEntropy(prob: Tensor, oneHot: Tensor, options?: LossOptions): Tensor;
  /** -log p̂[label], one integer label per row. */
  sparseCategoricalCrossEntropy(prob: Tensor, labels: Labels, options?: LossOptions): Tensor;
  /** y d² + (1 - y) max(0, margin - d)². */
  contrastive(distance: Tensor, same: Tensor, margin?: number | { margin?: number; reduction?: Reduction }): Tensor;
}

export interface SGDOptions { lr?: number; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number }
export interface AdagradOptions { lr?: number; lrDecay?: number; weightDecay?: number; initialAccumulator?: number; epsilon?: number }
export interface RMSpropOptions { lr?: number; alpha?: number; epsilon?: number; weightDecay?: number; momentum?: number; centered?: boolean }
/** epsilonOn: 'vhat' (PyTorch, TensorFlow.js: eps added to √v̂, the default) or 'v' (Keras: eps added to √v, the bias correction folded into the step size). */
export interface AdamOptions { lr?: number; beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number; amsgrad?: boolean; epsilonOn?: 'vhat' | 'v' }
export type OptimizerKind = 'sgd' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';
export type OptimizerSpec = OptimizerKind | ({ kind: OptimizerKind } & SGDOptions & AdagradOptions & RMSpropOptions & AdamOptions);
export type Schedule =
  | { kind: 'step'; stepSize: number; gamma?: number }
  | { kind: 'exponential'; gamma: number }
  | { kind: 'cosine'; tMax: number; etaMin?: number };
export interface OptimizerState { kind: OptimizerKind; config: Record<string, number | boolean>; state: Array<Record<string, number | number[]>> }

export class Optimizer {
  readonly params: Tensor[];
  readonly kind: OptimizerKind;
  /** The options in effect, defaults included. */
  readonly config: Record<string, number | boolean | string>;
  lr: number;
  /** Updates every parameter that has a gradient, in place. */
  step(): void;
  zeroGrad(): void;
  state(): OptimizerState;
  loadState(state: OptimizerState | string): void;
  dispose(): void;
}
export interface LRScheduler { readonly epoch: number; readonly lr: number; step(): void }

export interface Optim {
  readonly Optimizer: typeof Optimizer;
  sgd(params: Tensor[], options?: SGDOptions): Optimizer;
  adagrad(params: Tensor[], options?: AdagradOptions): Optimizer;
  rmsprop(params: Tensor[], options?: RMSpropOptions): Optimizer;
  adam(params: Tensor[], options?: AdamOptions): Optimizer;
  adamw(params: Tensor[], options?: AdamOptions): Optimizer;
  scheduledLr(schedule: Schedule, lr0: number, epoch: number): number;
  scheduler(opt: Optimizer, schedule: Schedule): LRScheduler;
}

export interface Init {
  zeros(shape: Shape): Tensor;
  ones(shape: Shape): Tensor;
  constant(shape: Shape, value: number): Tensor;
  uniform(shape: Shape, seed?: number, lo?: number, hi?: number): Tensor;
  normal(shape: Shape, seed?: number, mean?: number, std?: number): Tensor;
  glorotUniform(shape: Shape, seed?: number): Tensor;
  glorotNormal(shape: Shape, seed?: number): Tensor;
  xavierUniform(shape: Shape, seed?: number): Tensor;
  xavierNormal(shape: Shape, seed?: number): Tensor;
  heUniform(shape: Shape, seed?: number): Tensor;
  heNormal(shape: Shape, seed?: number): Tensor;
  kaimingUniform(shape: Shape, seed?: number): Tensor;
  kaimingNormal(shape: Shape, seed?: number): Tensor;
  /** PyTorch's nn.Linear default, kaiming_uniform_(a = √5): U(±1/√fan_in). As a layer's biasInitializer it uses the kernel's fan_in. */
  pytorchUniform(shape: Shape, seed?: number): Tensor;
}

/** A node of a functional graph: the result of pg.layers.input() or of a layer call. */
export class SymbolicTensor {
  readonly name: string | null;
}
export type Activation = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'prelu' | 'softmax';
export type InitializerSpec = string | { name: string; value?: number; lo?: number; hi?: number; mean?: number; std?: number };
export interface RegularizerSpec { l1?: number; l2?: number }
export interface DenseConfig {
  units: number; activation?: Activation; useBias?: boolean; alpha?: number;
  kernelInitializer?: InitializerSpec; biasInitializer?: InitializerSpec; kernelRegularizer?: RegularizerSpec | null; name?: string;
  /** false: a frozen layer (Keras' trainable), see Model.setTrainable. */
  trainable?: boolean;
}
/** A number n (meaning [n, n]) or [height, width]. */
export type Size2 = number | [number, number];
/** Options every convolution layer takes (Keras names and defaults). */
export interface ConvBaseConfig {
  kernelSize: Size2; strides?: Size2; padding?: 'valid' | 'same'; dilationRate?: Size2;
  activation?: Activation; useBias?: boolean; alpha?: number;
  biasInitializer?: InitializerSpec; biasRegularizer?: RegularizerSpec | null; name?: string;
  trainable?: boolean;
}
/** kernel [kh, kw, inChannels, filters]; parameters (kh·kw·in + 1)·filters. */
export interface Conv2DConfig extends ConvBaseConfig {
  filters: number; kernelInitializer?: InitializerSpec; kernelRegularizer?: RegularizerSpec | null;
}
/** depthwise_kernel [kh, kw, inChannels, depthMultiplier]; output channel c·M + m from input channel c. */
export interface DepthwiseConv2DConfig extends ConvBaseConfig {
  depthMultiplier?: number; depthwiseInitializer?: InitializerSpec; depthwiseRegularizer?: RegularizerSpec | null;
}
/** kernel [kh, kw, filters, inChannels]; out = s(in - 1) + d(k - 1) + outputPadding + 1 ('valid'), s·in ('same'). */
export interface Conv2DTransposeConfig extends Conv2DConfig { outputPadding?: Size2 | null }
/** strides default to poolSize. */
export interface Pooling2DConfig { poolSize?: Size2; strides?: Size2 | null; padding?: 'valid' | 'same'; name?: string }
export interface UpSampling2DConfig { size?: Size2; interpolation?: 'nearest' | 'bilinear'; name?: string }
/** A layer: call it on symbolic tensors to build a graph. */
export interface Layer {
  (inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor;
  apply(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor;
  readonly kind: string;
  /** The full config, defaults included. */
  readonly config: Record<string, unknown>;
  name: string | null;
  readonly isLayer: true;
}
export interface Layers {
  input(shape: Shape, options?: { name?: string }): SymbolicTensor;
  dense(units: number, config?: Omit<DenseConfig, 'units'>): Layer;
  dense(config: DenseConfig): Layer;
  activation(activation: Activation, config?: { alpha?: number; name?: string }): Layer;
  activation(config: { activation: Activation; alpha?: number; name?: string }): Layer;
  dropout(rate: number, config?: { seed?: number; name?: string }): Layer;
  dropout(config: { rate?: number; seed?: number; name?: string }): Layer;
  batchNormalization(config?: { momentum?: number; epsilon?: number; center?: boolean; scale?: boolean; name?: string }): Layer;
  concatenate(config?: { axis?: number; name?: string }): Layer;
  flatten(config?: { name?: string }): Layer;
  conv2d(config: Conv2DConfig): Layer;
  depthwiseConv2d(config: DepthwiseConv2DConfig): Layer;
  conv2dTranspose(config: Conv2DTransposeConfig): Layer;
  maxPooling2d(config?: Pooling2DConfig): Layer;
  averagePooling2d(config?: Pooling2DConfig): Layer;
  globalAveragePooling2d(config?: { name?: string }): Layer;
  upSampling2d(config?: UpSampling2DConfig): Layer;
  /** Any registered layer kind, e.g. create('Dense', {units: 3}). */
  create(kind: string, config?: Record<string, unknown>): Layer;
  kinds(): string[];
}

export type Logs = Record<string, number>;
export interface Callback {
  /** Return true to stop training. */
  onEpochEnd?(epoch: number, logs: Logs): boolean | void;
  onBatchEnd?(batch: number, logs: Logs): void;
}
export type MonitorMode = 'auto' | 'min' | 'max';
export interface EarlyStoppingOptions { monitor?: string; mode?: MonitorMode; patience?: number; minDelta?: number; restoreBestWeights?: boolean; baseline?: number | null }
export interface ReduceLrOnPlateauOptions { monitor?: string; mode?: MonitorMode; factor?: number; patience?: number; minDelta?: number; cooldown?: number; minLr?: number }
export type CallbackSpec = Callback | { readonly _earlyStopping: EarlyStoppingOptions } | { readonly _reduceLrOnPlateau: ReduceLrOnPlateauOptions } | { readonly _lrFn: (epoch: number, lr: number) => number } | { readonly _lrSchedule: Schedule };
/** What one epoch's value did to a monitor. */
export interface MonitorEvent { improved: boolean; stop: boolean; reduced: boolean; oldLr?: number; lr?: number }
export interface EarlyStoppingState { best: number | null; hasBest: boolean; bestEpoch: number; wait: number; stopped: boolean; stoppedEpoch: number }
export interface ReduceLrOnPlateauState { best: number | null; wait: number; cooldownCounter: number }
/** A Keras callback rule fed one value per epoch (the core's monitor; fit() runs the same one). */
export interface Monitor<O, S> {
  readonly options: Required<O>;
  readonly minimize: boolean;
  readonly state: S;
  setState(state: S): void;
  update(epoch: number, value: number, lr?: number): MonitorEvent;
}
export interface Callbacks {
  earlyStopping(options?: EarlyStoppingOptions): CallbackSpec;
  reduceLrOnPlateau(options?: ReduceLrOnPlateauOptions): CallbackSpec;
  earlyStoppingMonitor(options?: EarlyStoppingOptions): Monitor<EarlyStoppingOptions, EarlyStoppingState>;
  reduceLrOnPlateauMonitor(options?: ReduceLrOnPlateauOptions): Monitor<ReduceLrOnPlateauOptions, ReduceLrOnPlateauState>;
  learningRateScheduler(f: ((epoch: number, lr: number) => number) | Schedule): CallbackSpec;
  progress(options: Callback): Callback;
}

export type LossName = 'mse' | 'binaryCrossEntropy' | 'binaryCrossEntropyWithLogits' | 'categoricalCrossEntropy' | 'sparseCategoricalCrossEntropy';
/** clip: 'keras' (the default) or 'pytorch', for the cross-entropies on probabilities (see LossOptions). */
export type LossSpec = LossName | { kind: LossName; fromLogits?: boolean; clip?: 'keras' | 'pytorch' };
export interface CompileOptions {
  optimizer?: OptimizerSpec;
  loss: LossSpec | LossSpec[];
  lossWeights?: number[];
  metrics?: Array<'accuracy' | 'binaryAccuracy' | 'mse'>;
}
/** A Tensor, Tensors (one per model input/output), or data pg.tensor() accepts. */
export type Data = Tensor | Tensor[] | TensorData;
export interface FitOptions {
  epochs?: number; batchSize?: number; shuffle?: boolean; seed?: number;
  validationSplit?: number; validationData?: [Data, Data];
  callbacks?: CallbackSpec[];
  earlyStopping?: EarlyStoppingOptions; reduceLrOnPlateau?: ReduceLrOnPlateauOptions; lrSchedule?: Schedule;
}
export interface History {
  epochs: number[];
  history: Record<string, number[]>;
  stoppedEarly: boolean;
  bestEpoch: number;
}
export class Model {
  readonly inputShapes: Shape[];
  readonly outputShapes: Shape[];
  readonly spec: unknown;
  readonly seed: number;
  /** paramCount: its weights (moving statistics included); trainableCount: 0 when frozen. */
  readonly layers: Array<{ name: string; kind: string; params: string[]; trainable: boolean; paramCount: number; trainableCount: number }>;
  readonly trainableParams: number;
  readonly compiled: boolean;
  lr: number;
  summary(): string;
  countParams(): number;
  parameters(): Tensor[];
  weights(): Record<string, Tensor>;
  /** Freezes (false) or unfreezes a layer as Keras' trainable; a compiled model's optimizer is made again. */
  setTrainable(layer: string, trainable: boolean): void;
  /** Copies these layers' weights from a model with layers of the same names and shapes. */
  copyWeightsFrom(from: Model, layers: string[]): void;
  compile(options: CompileOptions): void;
  call(x: Data, options?: { training?: boolean }): Tensor | Tensor[];
  /** Every node's output for x, in graph order (inputs first). */
  activations(x: Data, options?: { training?: boolean }): Array<{ name: string; kind: string; shape: Shape; output: Tensor }>;
  loss(outputs: Tensor | Tensor[], y: Data): Tensor;
  trainOnBatch(x: Data, y: Data): number;
  fit(x: Data, y: Data, options?: FitOptions): History;
  evaluate(x: Data, y: Data, options?: { batchSize?: number }): Logs;
  predict(x: Data, options?: { batchSize?: number }): Tensor | Tensor[];
  /** One forward + backward pass on a batch and what every layer did (playgrad/nn/probe.h); weights unchanged. */
  probe(x: Data, y: Data, options?: ProbeOptions): ProbeResult;
  /** λ1·Σ|w| + λ2·Σw² over the layers' regularizers (0-d). */
  regularizationLoss(): Tensor;
  /** A Dropout layer's mask from its latest training-mode forward: 0 or 1/(1 - rate), the batch's shape. */
  dropoutMask(layer: string): Tensor;
  save(options?: { includeOptimizer?: boolean }): string;
  toJSON(): unknown;
  loadWeights(json: string | object): void;
  dispose(): void;
}

export type ToyDatasetName = 'circle' | 'xor' | 'gaussians' | 'spiral' | 'moons' | 'checkerboard' | 'plane' | 'wave';

export interface ProbeOptions {
  /** Histogram bins (default 20). */
  bins?: number;
  /** The histograms' range (both or neither; default each layer's own [min, max]). */
  lo?: number;
  hi?: number;
  /** A unit is saturated where f'(z) < saturation · peak (default 0.05). */
  saturation?: number;
}
export interface Histogram { lo: number; hi: number; counts: number[]; below: number; above: number }
/** Statistics over the finite values (null when there are none); nonFinite counts the others. */
export interface Stats { mean: number | null; std: number | null; min: number | null; max: number | null; nonFinite: number; histogram: Histogram }
export interface ProbeWeight {
  name: string; shape: Shape;
  /** ‖W‖ and ‖∂L/∂W‖ (Frobenius). */
  norm: number; gradNorm: number;
  /** max |W[i, j] - W[i, 0]| over the units j: 0 when every unit has the same weights. */
  spread: number; gradSpread: number;
}
export interface ProbeLayer {
  name: string; kind: string;
  /** '' for layers without an activation. */
  activation: string;
  output: Stats;
  weights: ProbeWeight[];
  /** f'(z) at the pre-activation (element-wise activations only). */
  derivative?: Stats & { peak: number; threshold: number; saturatedShare: number; zeroShare: number; deadShare: number; deadUnits: number; units: number };
}
export interface ProbeResult { loss: number; rows: number; layers: ProbeLayer[] }
export interface ActivationCurve {
  name: string; alpha: number; slope: number;
  /** The largest value f' takes; threshold = saturation · peak. */
  peak: number; threshold: number;
  value: number[]; derivative: number[];
  /** ∂f/∂a at each x (prelu; zeros otherwise). */
  slopeGrad: number[];
  saturated: boolean[];
  /** Runs of saturated grid points, [from, to] in x. */
  intervals: [number, number][];
}

export interface Playgrad {
  /** sigmoid, tanh, relu, leaky_relu, prelu or linear on a 1-d grid: f, f' (forward + backward), saturation. */
  activationCurve(name: 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'prelu' | 'linear', x: Tensor | ArrayLike<number>,
    options?: { alpha?: number; slope?: number; saturation?: number }): ActivationCurve;
  readonly losses: Losses;
  readonly optim: Optim;
  readonly init: Init;
  readonly layers: Layers;
  readonly callbacks: Callbacks;
  readonly Model: typeof Model;
  readonly SymbolicTensor: typeof SymbolicTensor;
  /** The functional API. */
  model(options: { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; seed?: number }): Model;
  sequential(layers: Layer[], options: { inputShape: Shape; seed?: number }): Model;
  /** PCA of x [N, D] onto k components (Jacobi on the covariance, in the core; core/include/playgrad/nn/pca.h). */
  pca(x: Tensor, k?: number): {
    rows: number; dims: number; k: number; mean: Float64Array; components: Float64Array; eigenvalues: Float64Array;
    totalVariance: number; explained: Float64Array; projected: Float64Array; sweeps: number;
  };
  /** A model from Model.save() output. */
  loadModel(json: string | object): Model;
  readonly metrics: {
    /** Argmax predictions (first maximum on a tie) of probs [N, C] against labels: row = true class, column = predicted. */
    confusionMatrix(probs: Tensor, labels: ArrayLike<number>): { classes: number; matrix: number[][]; predicted: number[] };
    /**
     * Per-class scores of a predicted mask (core/include/playgrad/vision/segmentation.h): each pixel's argmax of probs
     * [..., C] against its label; IoU = tp / (tp + fp + fn), Dice = 2 tp / (2 tp + fp + fn) (NaN for a class in neither mask).
     */
    segmentation(probs: Tensor, labels: Tensor | ArrayLike<number>): {
      classes: number; pixels: number; correct: number; pixelAccuracy: number;
      tp: number[]; fp: number[]; fn: number[]; truth: number[]; iou: number[]; dice: number[];
      meanIou: number; meanDice: number; predicted: Int32Array };
  };
  readonly data: {
    spiral(points?: number, classes?: number, seed?: number): { x: Tensor; y: Tensor };
    /** A toy dataset of the playground: x [points, 2] in [-6, 6]², y the class index or the regression target. */
    toy(name: ToyDatasetName, options?: { points?: number; classes?: number; noise?: number; seed?: number }): { x: Tensor; y: Tensor };
    /** Input features of points x [N, 2]: x1, x2, x1^2, x2^2, x1x2, sinx1, sinx2 -> [N, names.length]. */
    features(x: Tensor, names: string[]): Tensor;
    /** 0 .. n-1 in the core's seeded Fisher-Yates order. */
    permutation(n: number, seed?: number): Int32Array;
    /** The toy datasets with their class ranges (0: regression). */
    toyDatasets(): Array<{ name: ToyDatasetName; minClasses: number; maxClasses: number }>;
    /**
     * Synthetic segmentation scenes from the core's seeded generator: x [count, size, size, 1] grey images, y [count, size,
     * size] each pixel's class (0 background, 1 square, 2 disc, 3 triangle; classes 2..4). Defaults 64, 16, 3, 0, 0.2.
     */
    scenes(options?: { count?: number; size?: number; classes?: number; seed?: number; noise?: number }): { x: Tensor; y: Tensor };
  };
  /** The hyperparameter search's draws from the core's seeded generator (wasm/api/search.mjs). */
  readonly search: {
    /** n random values in [lo, hi): uniform on the axis's scale ('log': uniform in log space). */
    sample(axis: { lo: number; hi: number; scale?: 'linear' | 'log' }, n: number, seed?: number, stream?: number): Float64Array;
    /** n evenly spaced values, ends included, on the axis's scale. */
    grid(axis: { lo: number; hi: number; scale?: 'linear' | 'log' }, n: number): Float64Array;
    /** n random indices into k options. */
    choice(k: number, n: number, seed?: number, stream?: number): Int32Array;
  };
  /** Judging pair distances, "same when D <= τ" (wasm/api/similarity.mjs, core/src/nn/similarity.cpp). */
  readonly similarity: {
    /** The ROC curve over the distinct distances (increasing) and its area by trapezoids. labels: 1 same, 0 different. */
    roc(distances: Tensor | ArrayLike<number>, same: Tensor | ArrayLike<number>): {
      thresholds: Float64Array; fpr: Float64Array; tpr: Float64Array; auc: number; positives: number; negatives: number };
    /** Confusion counts and accuracy at one threshold. */
    thresholdCounts(distances: Tensor | ArrayLike<number>, same: Tensor | ArrayLike<number>, threshold: number): {
      tp: number; fp: number; tn: number; fn: number; accuracy: number };
    /** The k nearest points (Euclidean) of each query, nearest first: index and distance, [q·k] row-major. */
    nearest(points: Tensor | ArrayLike<number>[], queries: Tensor | ArrayLike<number>[], k?: number): { index: number[]; distance: Float32Array };
  };
  /** The data side of a small GAN (wasm/api/gan.mjs, core/src/nn/gan.cpp): seeded targets and mode coverage. */
  readonly gan: {
    /** n samples of a target from the core's seeded generator, and the k modes its coverage counts. */
    target(options: { kind: 'gaussian1d' | 'mixture1d' | 'mixture' | 'ring' | 'line' | 'drawn'; n?: number; seed?: number;
      modes?: number; radius?: number; spread?: number; centre?: number; points?: ArrayLike<number> }): {
      dim: 1 | 2; samples: Float32Array; centres: Float32Array; n: number; k: number };
    /** Per mode, the samples nearest to it and within the radius; covered: modes with at least minShare · n / k of them. */
    modeCoverage(samples: Tensor | ArrayLike<number>, modes: Tensor | ArrayLike<number>,
      options: { dim?: number; radius: number; minShare?: number }): { counts: number[]; covered: number; within: number; k: number };
  };
}

/** Instantiates the SIMD core (once) and returns the API. */
export function load(options?: LoadOptions): Promise<Playgrad>;

// ---- pg.optim.path (wasm/api/expr.mjs): an optimizer's whole path on f(x, y) ----
export interface OptimPath {
  /** The points p_0 (the start) .. p_k and f at each; k = steps (fewer if it stopped). */
  x: Float32Array;
  y: Float32Array;
  f: Float32Array;
  /** '' when every step ran; else why it stopped ('diverged at step 7: ...'). */
  stop: string;
  /** The step that failed, or -1. */
  stopStep: number;
  /** Steps taken (x.length - 1). */
  steps: number;
}
export interface Optim {
  /** Runs `steps` updates of a core optimizer on (x, y) minimising f, in one call. */
  path(f: Expr | string, kind: 'sgd' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw',
    options?: SGDOptions | AdagradOptions | RMSpropOptions | AdamOptions,
    run?: { x0?: number; y0?: number; steps?: number; limit?: number }): OptimPath;
  /**
   * Gradient descent on the line ŷ = w·x + b under the MSE, in one call: full batch (batchSize 0
   * or >= N), mini-batch, or stochastic (batchSize 1); per epoch the rows are shuffled as
   * model.fit shuffles them (seeded, without replacement) and cut into ceil(N / B) batches; each
   * step is the batch MSE's backward() and the core's SGD step.
   */
  linePath(x: ArrayLike<number>, y: ArrayLike<number>, options?: LinePathOptions): LinePath;
  /** The two-weight elastic net (core/include/playgrad/nn/elastic_net.h). */
  elasticNet2d(x: ArrayLike<number>, y: ArrayLike<number>, options?: {
    l1?: number; l2?: number; w0?: [number, number]; steps?: number; tol?: number; lo?: number; hi?: number; grid?: number; boundary?: number;
  }): {
    n: number; hessian: number[]; lambdaMax: number; step: number; unique: boolean; ols: number[]; olsMse: number;
    prox: Float64Array; opt: number[]; mse: number; penalty: number; total: number; iterations: number; converged: boolean;
    sub: Float64Array; subLast: number[]; subTotal: number; contour: Float64Array; region: Float64Array;
  };
  /** The sums, the MSE's Hessian 2/N [[Σx², Σx], [Σx, N]], its eigenvalues, 2/λmax and the least-squares line. */
  lineStats(x: ArrayLike<number>, y: ArrayLike<number>): LineStats;
}
export interface LinePathOptions {
  w0?: number; b0?: number;
  /** α (default 0.01). */
  lr?: number;
  /** B (default 0: full batch). */
  batchSize?: number;
  epochs?: number;
  /** The shuffling's seed (default 0). */
  seed?: number;
  /** The path stops once |w| or |b| exceeds this (default 1e4). */
  limit?: number;
}
export interface LinePath {
  n: number;
  /** B used: min(batchSize, N), N for 0. */
  batchSize: number;
  /** ceil(N / B). */
  stepsPerEpoch: number;
  /** The points (w_t, b_t), t = 0 .. steps, and the full-batch MSE at each. */
  w: Float32Array;
  b: Float32Array;
  loss: Float32Array;
  /** Per step: the batch's MSE and the gradient the step used: (w, b) -= lr·(gw, gb). */
  batchLoss: Float32Array;
  gw: Float32Array;
  gb: Float32Array;
  /** Each epoch's row order (epochs · N); batch s of epoch e is order[e·N + s·B .. e·N + min((s + 1)·B, N)). */
  order: Int32Array;
  /** '' when every step ran; else why it stopped ('diverged at step 7: ...'). */
  stop: string;
  stopStep: number;
  /** Steps taken (w.length - 1). */
  steps: number;
}
export interface LineStats {
  n: number;
  sx: number; sxx: number; sy: number; sxy: number; syy: number;
  /** H = 2/N [[Σx², Σx], [Σx, N]], row-major. */
  hessian: [number, number, number, number];
  eigMin: number;
  eigMax: number;
  /** 2 / eigMax: full-batch descent converges below it and diverges above it. */
  lrMax: number;
  /** false (and NaN below) when every x is the same: no unique least-squares line. */
  unique: boolean;
  wOpt: number; bOpt: number; lossOpt: number;
}

// ---- the fused Dense-chain trainer (wasm/api/nn.mjs) ----
/** The fused step for a compiled chain of Dense layers with loss 'mse' and any optimizer. */
export class DenseChainTrainer {
  readonly model: Model;
  readonly steps: number;
  /** One step (forward, backward, the optimizer's step) on x [N, features], y [N, outputs]; the loss before it. */
  step(x: Tensor, y: Tensor): number;
  dispose(): void;
}

export interface Playgrad {
  readonly DenseChainTrainer: typeof DenseChainTrainer;
  denseChainTrainer(model: Model): DenseChainTrainer;
}

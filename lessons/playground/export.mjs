// The playground's network as runnable Keras and PyTorch code (pure: strings from the settings and
// the session's points; no DOM, no core). The code builds the network the session builds
// (PlaygroundSession.buildModel in lesson.mjs: the same layers in the same order, batch norm and
// dropout included, the same initializers, loss, optimizer and hyperparameters with the core's
// conventions), computes the same input features, embeds the session's points and labels with its
// train/held-out split, and trains with the same batch size and number of epochs.
//
// What is the same and what is not (the generated code says it too):
// - The core's optimizers follow PyTorch (core/include/playgrad/nn/optim.h): SGD momentum 0.9 is
//   PyTorch's buffer (Keras' velocity form gives the same steps at a constant learning rate);
//   Adagrad eps 1e-10 and no initial accumulator, RMSProp alpha 0.99 eps 1e-8. Keras adds those
//   epsilons at a slightly different place (inside the square root), a tiny difference. Adam
//   follows the page's convention (lessons/convention.mjs): Keras' ε = 1e-7 on √v or PyTorch's
//   ε = 1e-8 on √v̂; the other framework's code says where it differs.
// - Losses on probabilities follow the page's convention: Keras clips p to [1e-7, 1 - 1e-7],
//   PyTorch's BCELoss clamps the log at -100 (and NLLLoss of log p has no clamp); the code of the
//   framework whose rule is not its own writes the loss out so it is the same.
// - The initial weights with init 'default' follow the convention too: Glorot uniform and zero
//   biases (Keras) or U(±1/√fan_in) for weights and biases (PyTorch's nn.Linear).
// - The core's glorot_normal and he_normal are plain normals (as PyTorch); Keras' GlorotNormal and
//   HeNormal are truncated, so the Keras code uses RandomNormal with the same standard deviation.
// - Batch normalization: momentum 0.99 and epsilon 1e-3 (Keras'); PyTorch spells the momentum
//   as 1 - 0.99 = 0.01.
// - Random numbers (initial weights, batch order, dropout masks) come from each framework's own
//   generator, so the runs are not bit for bit the page's. Neither framework can be installed on
//   the machine that builds Playgrad, so the code is checked for syntax and for its layer list
//   (tests/node/lesson-playground-export.test.mjs), not run.

import { initializersOf, isRegression, parseActivations, parseFeatures, parseHidden } from './lesson.mjs';
import { adamDefaults, lossClip } from '../convention.mjs';

/** Python's spelling of each feature, from columns x1 and x2 of the points. */
const FEATURE_PY = {
  x1: 'x1', x2: 'x2', 'x1^2': 'x1 * x1', 'x2^2': 'x2 * x2', x1x2: 'x1 * x2', sinx1: 'np.sin(x1)', sinx2: 'np.sin(x2)',
};

/** The shortest decimal that reads back as the same float32 (1 to 9 significant digits). */
export function f32(v) {
  const x = Math.fround(v);
  if (x === 0) return '0.0';
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) {
      const t = String(Number(s));
      return /[.e]/.test(t) ? t : `${t}.0`;
    }
  }
  return String(x);
}

/**
 * The network the session builds for these settings, as data: the input features, the layers in
 * order, the output, the loss and the optimizer. Throws an Error for settings the session refuses.
 */
export function networkSpec(s) {
  const widths = parseHidden(s.hidden);
  const features = parseFeatures(s.features);
  const acts = widths && parseActivations(s.activation, widths.length);
  if (!widths || !features || !acts) throw new Error(`export: settings the playground cannot build (hidden '${s.hidden}', activation '${s.activation}', features '${s.features}')`);
  const regression = isRegression(s);
  const layers = [];
  let fanIn = features.length;
  widths.forEach((w, i) => {
    if (s.batchNorm) {
      layers.push({ kind: 'dense', name: `hidden${i + 1}`, in: fanIn, units: w, activation: 'linear' });
      layers.push({ kind: 'batchNorm', name: `bn${i + 1}`, units: w });
      layers.push({ kind: 'activation', name: `hidden${i + 1}_${acts[i]}`, activation: acts[i] });
    } else {
      layers.push({ kind: 'dense', name: `hidden${i + 1}`, in: fanIn, units: w, activation: acts[i] });
    }
    if (s.dropout > 0) layers.push({ kind: 'dropout', name: `dropout${i + 1}`, rate: s.dropout });
    fanIn = w;
  });
  // The output and loss, as buildModel() and targets() choose them.
  let units = 1;
  let activation = 'linear';
  let loss = 'mse';
  let target = 'value'; // one number per point
  if (!regression) {
    if (s.loss === 'bce') { activation = 'sigmoid'; loss = 'bce'; }
    else if (s.loss === 'cce') { units = s.classes; activation = 'softmax'; loss = 'cce'; target = 'class'; }
    else if (s.classes === 2) { activation = 'sigmoid'; }
    else { units = s.classes; activation = 'softmax'; target = 'onehot'; }
  }
  layers.push({ kind: 'dense', name: 'output', in: fanIn, units, activation });
  const optimizer = {
    sgd: { kind: 'sgd', lr: s.lr },
    momentum: { kind: 'sgd', lr: s.lr, momentum: 0.9 },
    nesterov: { kind: 'sgd', lr: s.lr, momentum: 0.9, nesterov: true },
    adagrad: { kind: 'adagrad', lr: s.lr, epsilon: 1e-10, initialAccumulator: 0 },
    rmsprop: { kind: 'rmsprop', lr: s.lr, alpha: 0.99, epsilon: 1e-8 },
    adam: { kind: 'adam', lr: s.lr, beta1: 0.9, beta2: 0.999, epsilon: adamDefaults(s).epsilon, epsilonOn: adamDefaults(s).epsilonOn },
  }[s.optimizer];
  let params = 0;
  for (const l of layers) {
    if (l.kind === 'dense') params += (l.in + 1) * l.units;
    if (l.kind === 'batchNorm') params += 4 * l.units; // γ, β and the two moving statistics
  }
  return { features, layers, regression, loss, target, optimizer, params, classes: regression ? 0 : s.classes,
    init: initializersOf(s), clip: lossClip(s).clip };
}

/** The header and the data block shared by both exports. */
function common(s, spec, points, framework) {
  const { xy, labels, nTrain } = points;
  const n = labels.length;
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(`    [${f32(xy[2 * i])}, ${f32(xy[2 * i + 1])}],`);
  const labelText = spec.regression ? Array.from(labels, f32) : Array.from(labels, (v) => String(Math.round(v)));
  const labelRows = [];
  for (let i = 0; i < labelText.length; i += 20) labelRows.push(`    ${labelText.slice(i, i + 20).join(', ')},`);
  const net = spec.layers.map((l) => (l.kind === 'dense' ? `${l.units}` : null)).filter(Boolean);
  const header = [
    `# The training playground's network as ${framework} code, generated by Playgrad.`,
    `# Dataset ${s.dataset}${spec.regression ? ' (regression)' : `, ${s.classes} classes`}, ${n} points (${nTrain} train, ${n - nTrain} held out), seed ${s.seed}.`,
    `# Network ${[spec.features.length, ...net].join(' -> ')} (${spec.params} parameters), loss ${spec.loss}, optimizer ${s.optimizer} lr ${s.lr}, batch ${s.batchSize}, ${s.epochs} epochs.`,
    '# The same layers, loss, optimizer and hyperparameters as the page, with the core\'s conventions;',
    '# the initial weights, the batch order and the dropout masks come from this framework\'s own random',
    '# numbers, so the numbers are not the page\'s bit for bit. Not run by Playgrad (the framework is not',
    '# installed where Playgrad is built): it is checked for syntax and for its layer list only.',
  ];
  const feats = spec.features.map((f) => FEATURE_PY[f]);
  const data = [
    '# The points (x1, x2) in the order the page uses them: the first n_train train, the rest are held out.',
    'points = np.array([',
    ...rows,
    '], dtype=np.float32)',
    `labels = np.array([`,
    ...labelRows,
    `], dtype=${spec.regression ? 'np.float32' : 'np.int64'})`,
    `n_train = ${nTrain}`,
    '',
    '',
    'def features(p):',
    `    """The input features ${spec.features.join(', ')}, computed as the page computes them."""`,
    '    x1, x2 = p[:, 0], p[:, 1]',
    `    return np.stack([${feats.join(', ')}], axis=1).astype(np.float32)`,
    '',
    '',
    'x = features(points)',
    'x_train, x_test = x[:n_train], x[n_train:]',
  ];
  let targets;
  if (spec.target === 'value') targets = ['y = labels.astype(np.float32).reshape(-1, 1)'];
  else if (spec.target === 'class') targets = ['y = labels'];
  else targets = [`y = np.eye(${spec.classes}, dtype=np.float32)[labels]  # one-hot rows for the squared error`];
  data.push(...targets, 'y_train, y_test = y[:n_train], y[n_train:]');
  return { header, data };
}

const py = (v) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : f32(v));

// ---- Keras ----------------------------------------------------------------------------------

function kerasInit(init, fanIn, fanOut) {
  switch (init) {
    case 'glorot_uniform': return '"glorot_uniform"';
    case 'he_uniform': return '"he_uniform"';
    case 'zeros': return '"zeros"';
    case 'uniform': return 'keras.initializers.RandomUniform(-0.05, 0.05)';
    case 'glorot_normal': return `keras.initializers.RandomNormal(stddev=${f32(Math.sqrt(2 / (fanIn + fanOut)))})  # the core's glorot_normal is not truncated`;
    case 'he_normal': return `keras.initializers.RandomNormal(stddev=${f32(Math.sqrt(2 / fanIn))})  # the core's he_normal is not truncated`;
    case 'pytorch_uniform': return `keras.initializers.RandomUniform(${f32(-1 / Math.sqrt(fanIn))}, ${f32(1 / Math.sqrt(fanIn))})  # PyTorch's nn.Linear default, U(±1/sqrt(${fanIn}))`;
    default: throw new Error(`export: unknown initializer '${init}'`);
  }
}

/** Runnable Keras 3 code for the settings and the session's points ({xy, labels, nTrain}). */
export function toKeras(s, points) {
  const spec = networkSpec(s);
  const { header, data } = common(s, spec, points, 'Keras 3');
  const reg = s.l1 > 0 || s.l2 > 0;
  const layerLines = [`    keras.Input(shape=(${spec.features.length},)),`];
  for (const l of spec.layers) {
    if (l.kind === 'dense') {
      const init = kerasInit(spec.init.kernel, l.in, l.units);
      const [initCode, comment] = init.split('  # ');
      const biasCode = spec.init.bias === 'zeros' ? '"zeros"' : kerasInit(spec.init.bias, l.in, l.units).split('  # ')[0];
      const notes = [comment, l.activation === 'leaky_relu' ? 'leaky_relu: slope 0.2 for x < 0, as the core' : null].filter(Boolean);
      layerLines.push(`    layers.Dense(${l.units}, activation="${l.activation}", kernel_initializer=${initCode}, bias_initializer=${biasCode},${reg ? ' kernel_regularizer=reg,' : ''} name="${l.name}"),${notes.length ? `  # ${notes.join('; ')}` : ''}`);
    } else if (l.kind === 'batchNorm') {
      layerLines.push(`    layers.BatchNormalization(momentum=0.99, epsilon=1e-3, name="${l.name}"),`);
    } else if (l.kind === 'activation') {
      layerLines.push(`    layers.Activation("${l.activation}", name="${l.name}"),${l.activation === 'leaky_relu' ? '  # slope 0.2 for x < 0, as the core' : ''}`);
    } else {
      layerLines.push(`    layers.Dropout(${py(l.rate)}, seed=${s.seed * 31 + Number(l.name.slice(7)) - 1}, name="${l.name}"),`);
    }
  }
  const o = spec.optimizer;
  const optimizer = {
    sgd: `keras.optimizers.SGD(learning_rate=${py(o.lr)}${o.momentum ? `, momentum=${py(o.momentum)}` : ''}${o.nesterov ? ', nesterov=True' : ''})`,
    adagrad: `keras.optimizers.Adagrad(learning_rate=${py(o.lr)}, initial_accumulator_value=0.0, epsilon=1e-10)`,
    rmsprop: `keras.optimizers.RMSprop(learning_rate=${py(o.lr)}, rho=0.99, epsilon=1e-8)`,
    adam: `keras.optimizers.Adam(learning_rate=${py(o.lr)}, beta_1=0.9, beta_2=0.999, epsilon=${o.epsilon})`,
  }[o.kind];
  const optimizerNote = o.kind === 'adam' && o.epsilonOn !== 'v'
    ? ['# Adam: the page adds epsilon to sqrt(v-hat) (PyTorch\'s rule); Keras adds it to sqrt(v): a tiny difference.'] : [];
  // Keras' own losses clip p; with the PyTorch convention the page clamps the log at -100 instead.
  const torchLoss = spec.clip === 'pytorch' && (spec.loss === 'bce' || spec.loss === 'cce');
  const loss = torchLoss ? 'loss_fn' : { mse: 'keras.losses.MeanSquaredError()', bce: 'keras.losses.BinaryCrossentropy()', cce: 'keras.losses.SparseCategoricalCrossentropy()' }[spec.loss];
  const kerasLossFn = !torchLoss ? [] : spec.loss === 'bce' ? [
    'def loss_fn(y, p):',
    '    """PyTorch\'s BCELoss rule, as the page: each log clamped at -100 (no clip of p)."""',
    '    y = keras.ops.cast(y, p.dtype)',
    '    return -keras.ops.mean(y * keras.ops.maximum(keras.ops.log(p), -100.0) + (1 - y) * keras.ops.maximum(keras.ops.log(1 - p), -100.0))',
    '', '',
  ] : [
    'def loss_fn(y, p):',
    '    """NLLLoss of log p, as the page with the PyTorch convention: no clip (infinite at p = 0)."""',
    '    y = keras.ops.cast(keras.ops.reshape(y, (-1,)), "int32")',
    '    return -keras.ops.mean(keras.ops.log(keras.ops.take_along_axis(p, y[:, None], axis=1)))',
    '', '',
  ];
  let metrics = '[]';
  if (!spec.regression) {
    if (spec.target === 'class') metrics = '[keras.metrics.SparseCategoricalAccuracy(name="accuracy")]';
    else if (spec.target === 'onehot') metrics = '[keras.metrics.CategoricalAccuracy(name="accuracy")]';
    else metrics = '[keras.metrics.BinaryAccuracy(name="accuracy")]';
  }
  const lines = [
    ...header,
    '# Needs: pip install keras numpy (and a backend, e.g. tensorflow, jax or torch).',
    'import numpy as np',
    'import keras',
    'from keras import layers',
    '',
    `keras.utils.set_random_seed(${s.seed})`,
    '',
    ...data,
    '',
    ...kerasLossFn,
    ...(reg ? [`reg = keras.regularizers.L1L2(l1=${py(s.l1)}, l2=${py(s.l2)})  # added to the loss: l1·Σ|w| + l2·Σw² over each Dense kernel`] : []),
    'model = keras.Sequential([',
    ...layerLines,
    '])',
    ...optimizerNote,
    `model.compile(optimizer=${optimizer}, loss=${loss}, metrics=${metrics})`,
    'model.summary()',
    '',
    ...(s.patience > 0 ? [`stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=${s.patience}, min_delta=0)`] : []),
    `history = model.fit(x_train, y_train, batch_size=${s.batchSize}, epochs=${s.epochs}, shuffle=True,`,
    `                    validation_data=(x_test, y_test), callbacks=[${s.patience > 0 ? 'stop' : ''}], verbose=2)`,
    'print({k: v[-1] for k, v in history.history.items()})',
    '',
  ];
  return lines.join('\n');
}

// ---- PyTorch --------------------------------------------------------------------------------

const TORCH_ACT = {
  tanh: 'nn.Tanh()', relu: 'nn.ReLU()', sigmoid: 'nn.Sigmoid()', leaky_relu: 'nn.LeakyReLU(0.2)', softmax: 'nn.Softmax(dim=1)', linear: null,
};

/** Runnable PyTorch code for the settings and the session's points ({xy, labels, nTrain}). */
export function toPyTorch(s, points) {
  const spec = networkSpec(s);
  const { header, data } = common(s, spec, points, 'PyTorch');
  const mods = [];
  for (const l of spec.layers) {
    if (l.kind === 'dense') {
      mods.push(`    nn.Linear(${l.in}, ${l.units}),  # ${l.name}`);
      if (TORCH_ACT[l.activation]) mods.push(`    ${TORCH_ACT[l.activation]},`);
    } else if (l.kind === 'batchNorm') {
      mods.push(`    nn.BatchNorm1d(${l.units}, eps=1e-3, momentum=0.01),  # ${l.name}: Keras' momentum 0.99`);
    } else if (l.kind === 'activation') {
      if (TORCH_ACT[l.activation]) mods.push(`    ${TORCH_ACT[l.activation]},`);
    } else {
      mods.push(`    nn.Dropout(${py(l.rate)}),  # ${l.name}`);
    }
  }
  const init = {
    glorot_uniform: 'nn.init.xavier_uniform_(m.weight)',
    glorot_normal: 'nn.init.xavier_normal_(m.weight)',
    he_uniform: 'nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")  # U(-a, a), a = sqrt(6 / fan_in)',
    he_normal: 'nn.init.kaiming_normal_(m.weight, nonlinearity="relu")  # N(0, 2 / fan_in)',
    uniform: 'nn.init.uniform_(m.weight, -0.05, 0.05)',
    zeros: 'nn.init.zeros_(m.weight)',
    pytorch_uniform: 'nn.init.kaiming_uniform_(m.weight, a=math.sqrt(5))  # nn.Linear\'s own default: U(-a, a), a = 1 / sqrt(fan_in)',
  }[spec.init.kernel];
  const biasInit = spec.init.bias === 'zeros' ? 'nn.init.zeros_(m.bias)'
    : 'nn.init.uniform_(m.bias, -1 / math.sqrt(m.in_features), 1 / math.sqrt(m.in_features))  # nn.Linear\'s own default';
  const o = spec.optimizer;
  const optimizer = {
    sgd: `torch.optim.SGD(model.parameters(), lr=${py(o.lr)}${o.momentum ? `, momentum=${py(o.momentum)}` : ''}${o.nesterov ? ', nesterov=True' : ''})`,
    adagrad: `torch.optim.Adagrad(model.parameters(), lr=${py(o.lr)}, initial_accumulator_value=0.0, eps=1e-10)`,
    rmsprop: `torch.optim.RMSprop(model.parameters(), lr=${py(o.lr)}, alpha=0.99, eps=1e-8)`,
    adam: `torch.optim.Adam(model.parameters(), lr=${py(o.lr)}, betas=(0.9, 0.999), eps=${o.epsilon})${o.epsilonOn === 'vhat' ? '' : '  # the page adds eps to sqrt(v) (Keras); PyTorch adds it to sqrt(v-hat): a tiny difference'}`,
  }[o.kind];
  const lossFn = spec.clip === 'pytorch' && (spec.loss === 'bce' || spec.loss === 'cce') ? {
    bce: ['def loss_fn(p, y):', '    """torch.nn.BCELoss\'s rule (each log clamped at -100), as the page with the PyTorch convention."""',
      '    return nn.functional.binary_cross_entropy(p, y)'],
    cce: ['def loss_fn(p, y):', '    """NLLLoss of log p (no clamp), as the page with the PyTorch convention."""',
      '    return nn.functional.nll_loss(torch.log(p), y)'],
  }[spec.loss] : {
    mse: ['def loss_fn(p, y):', '    return ((p - y) ** 2).mean()'],
    bce: ['def loss_fn(p, y):', '    """Binary cross-entropy on probabilities clipped to [1e-7, 1 - 1e-7] (as Keras and the core)."""',
      '    p = p.clamp(EPS, 1 - EPS)', '    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()'],
    cce: ['def loss_fn(p, y):', '    """Sparse categorical cross-entropy on clipped probabilities (as Keras and the core)."""',
      '    p = p.clamp(EPS, 1 - EPS)', '    return -torch.log(p.gather(1, y.view(-1, 1))).mean()'],
  }[spec.loss];
  let correct = null;
  if (!spec.regression) {
    if (spec.target === 'value') correct = '((p > 0.5).float() == y).sum().item()';
    else if (spec.target === 'class') correct = '(p.argmax(1) == y).sum().item()';
    else correct = '(p.argmax(1) == y.argmax(1)).sum().item()';
  }
  const reg = s.l1 > 0 || s.l2 > 0;
  const kernels = spec.layers.map((l, i) => [l, i]).filter(([l]) => l.kind === 'dense');
  const lines = [
    ...header,
    '# Needs: pip install torch numpy.',
    'import math',
    '',
    'import numpy as np',
    'import torch',
    'from torch import nn',
    '',
    `torch.manual_seed(${s.seed})`,
    'EPS = 1e-7',
    '',
    ...data,
    '',
    'model = nn.Sequential(',
    ...mods,
    ')',
    '',
    '',
    'def init(m):',
    '    if isinstance(m, nn.Linear):',
    `        ${init}`,
    `        ${biasInit}`,
    '',
    '',
    'model.apply(init)',
    `dense = [m for m in model if isinstance(m, nn.Linear)]  # ${kernels.map(([l]) => l.name).join(', ')}`,
    `print(model, sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers() if b.dtype.is_floating_point), "parameters (moving statistics included, as the page counts)")`,
    `optimizer = ${optimizer}`,
    '',
    '',
    ...lossFn,
    '',
    '',
    'def penalty():',
    reg ? `    """L1 and L2 on every Dense kernel, added to the loss (Keras' L1L2(l1=${py(s.l1)}, l2=${py(s.l2)}))."""` : '    """No L1 or L2 penalty in these settings."""',
    reg ? `    return sum(${py(s.l1)} * m.weight.abs().sum() + ${py(s.l2)} * (m.weight ** 2).sum() for m in dense)` : '    return torch.zeros(())',
    '',
    '',
    'xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)',
    'xv, yv = torch.from_numpy(x_test), torch.from_numpy(y_test)',
    `best, wait, patience = float("inf"), 0, ${s.patience}  # early stopping on val_loss (0 = off)`,
    `for epoch in range(${s.epochs}):`,
    '    model.train()',
    '    total, right = 0.0, 0',
    `    for batch in torch.randperm(n_train).split(${s.batchSize}):`,
    '        p = model(xt[batch])',
    '        loss = loss_fn(p, yt[batch]) + penalty()',
    '        optimizer.zero_grad()',
    '        loss.backward()',
    '        optimizer.step()',
    '        total += loss.item() * len(batch)',
    ...(correct ? [`        right += ${correct.replace(/\by\b/g, 'yt[batch]')}`] : []),
    '    model.eval()',
    '    with torch.no_grad():',
    '        p = model(xv)',
    '        val_loss = (loss_fn(p, yv) + penalty()).item()',
    ...(correct ? [`        val_accuracy = ${correct.replace(/\by\b/g, 'yv')} / len(yv)`] : []),
    `    print(f"epoch {epoch + 1}: loss {total / n_train:.4f} val_loss {val_loss:.4f}${correct ? ' accuracy {right / n_train:.4f} val_accuracy {val_accuracy:.4f}' : ''}")`,
    '    if patience > 0:',
    '        if val_loss < best:',
    '            best, wait = val_loss, 0',
    '        else:',
    '            wait += 1',
    '        if wait >= patience:',
    '            break',
    '',
  ];
  return lines.join('\n');
}

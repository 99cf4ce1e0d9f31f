// pg.fastTrainer(model): the fused training step (core/src/nn/fast_mlp.cpp, playgrad/fast.h). For a
// compiled chain of Dense layers (linear/tanh/relu/sigmoid) with loss 'mse' and optimizer 'adam',
// step(x, y) runs forward, backward and Adam in one call into C++ with no allocation per step,
// updating the model's weights in place; it returns the loss before the update and gives the
// numbers model.trainOnBatch gives (to float rounding). It keeps its own Adam state, starting
// from zero as a freshly compiled model does.
//
//   const t = pg.fastTrainer(model);   // throws if the model does not fit (the message says why)
//   for (...) loss = t.step(x, y);     // x [N, features], y [N, outputs]: Tensors
//   t.dispose();
// Installed by wasm/playgrad.mjs; this module never imports the generated glue.

export function installFast(pg, { Tensor, PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(`fastTrainer: ${msg}`); };
  class FastTrainer {
    constructor(model) {
      if (!(model instanceof pg.Model)) fail('expected a model (pg.sequential or pg.model)');
      this._t = pg._call((c) => c._fastMlpCreate(model._handle));
      this.model = model;
    }
    get _handle() {
      if (!this._t) fail('used after dispose()');
      return this._t;
    }
    /** One step on x [N, features], y [N, outputs] (Tensors); returns the loss before the update. */
    step(x, y) {
      const h = this._handle;
      if (!(x instanceof Tensor) || !(y instanceof Tensor)) fail('step(x, y) needs two Tensors');
      return pg._call((c) => c._fastMlpStep(h, x._handle, y._handle));
    }
    get steps() { return pg._call((c) => c._fastMlpSteps(this._handle)); }
    dispose() {
      if (!this._t) return;
      this._t.delete();
      this._t = null;
    }
  }
  pg.fastTrainer = (model) => new FastTrainer(model);
  pg.FastTrainer = FastTrainer;
}

// Compiled by tests/node/trace.test.mjs with `tsc --noEmit`: the declarations cover pg.trace.
import { load, Tensor, TraceGraph, TraceNode, TraceEdge } from 'playgrad';

async function main(): Promise<number> {
  const pg = await load();
  const g: TraceGraph = pg.trace(() => {
    const a: Tensor = pg.tensor(2, [], { requiresGrad: true });
    const c = pg.mul(a, a);
    return { root: pg.add(c, 1), labels: { a, c } };
  });
  const plain: TraceGraph = pg.trace(() => pg.exp(pg.tensor(1, [], { requiresGrad: true })), { backward: false });
  const root: TraceNode = g.nodes[g.root];
  const e: TraceEdge = g.edges[0];
  const op: string = root.op;
  const label: string | null = root.label;
  const grad: number[] | null = root.grad;
  const local: number[] | null = e.local;
  const contribution: number[] | null = e.contribution;
  return op.length + (label ?? '').length + (grad?.[0] ?? 0) + (local?.[0] ?? 0) + (contribution?.[0] ?? 0)
    + e.from + e.to + e.slot + e.step + root.id + root.shape.length + root.value[0] + root.inputs.length
    + Number(root.requiresGrad) + plain.nodes.length;
}
main();

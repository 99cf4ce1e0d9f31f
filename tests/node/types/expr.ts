// Compiled by tests/node/expr.test.mjs with `tsc --noEmit`: the declarations cover pg.expr.
import { load, Expr, Tensor } from 'playgrad';

async function main(): Promise<number> {
  const pg = await load();
  const f: Expr = pg.expr('(1 - x)^2 + 100 (y - x^2)^2');
  const { value, dx, dy } = f.at(0, 0);
  const grid: Tensor = f.eval(pg.tensor([0, 1], [1, 2]), 2);
  const c: string = f.canonical;
  const s: Tensor = pg.sin(pg.cos(pg.tan(grid)));
  f.dispose();
  return value + dx + dy + c.length + s.size;
}
main();

import { load } from 'playgrad';
import * as L from '../../lessons/dropout/lesson.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults } from '../../lessons/settings.mjs';
const pg = await load();
const configs = JSON.parse(process.argv[2]);
for (const c of configs) {
  const t0 = Date.now();
  const s = L.session(pg, { ...defaults(L.settings), ...c });
  runSession(s);
  const h = s.result().history;
  const at = (a, i) => a[i].toFixed(4);
  const mid = Math.floor(h.val_loss.length / 2);
  console.log(JSON.stringify(c), 'plain train', at(h.plain_train_mse, h.val_loss.length-1), 'test', at(h.plain_val_loss, mid), at(h.plain_val_loss, h.val_loss.length-1), '| drop train', at(h.train_mse, h.val_loss.length-1), 'test', at(h.val_loss, mid), at(h.val_loss, h.val_loss.length-1), (Date.now()-t0)+'ms');
  s.dispose();
}

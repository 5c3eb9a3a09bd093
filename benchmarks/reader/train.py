"""See benchmarks/reader/__init__.py."""
import os, json, time, argparse, torch, numpy as np, torch.nn as nn
CACHE = os.environ.get('KUTIP_READER_CACHE', '/tmp/emb')
from benchmarks.reader import weights as e5w, model
from benchmarks.embedding_abstention import load, ALONE
from benchmarks.abstention import keep_of
from benchmarks.embedding_abstention import _auc
from pathlib import Path
ap = argparse.ArgumentParser()
ap.add_argument('--K', type=int, default=6); ap.add_argument('--epochs', type=float, default=2)
ap.add_argument('--lr', type=float, default=3e-5); ap.add_argument('--bs', type=int, default=16)
ap.add_argument('--hold', default='')   # 'A' or 'B': train without that half of idk-train/facqa-train, predict it
ap.add_argument('--target', choices=('question', 'window'), default='question')  # window: hard_negatives.py's labels
ap.add_argument('--hard-negatives', action='store_true')  # with hard_negatives.py's rows
ap.add_argument('--tag', default='full'); ap.add_argument('--save', default='')
args = ap.parse_args()
torch.manual_seed(0); np.random.seed(0); torch.set_num_threads(2)
solo = tuple(ALONE.split(','))
def data_seqs(name):
    h = np.load(f'{CACHE}/{name}.h{args.K}.npy'); idx = np.load(f'{CACHE}/{name}.h{args.K}.idx.npy'); lens = np.load(f'{CACHE}/{name}.h{args.K}.len.npy')
    offs = np.concatenate([[0], np.cumsum(lens)])
    return {int(i): h[offs[n]:offs[n+1]] for n, i in enumerate(idx)}
def data(name):
    return load(name, Path(CACHE))[0], data_seqs(name)
D = {n: data(n) for n in ('idk-train', 'facqa-train', 'idk-valid', 'facqa-valid')}
Y = {n: np.load(f'{CACHE}/{n}.winlabel.npy').astype(float) if args.target == 'window' else D[n][0].unanswerable.astype(float)
     for n in ('idk-train', 'facqa-train')}
HN = {}  # name -> each hard-negative row's question row (`qi`), which decides its half
if args.hard_negatives:
    for n in ('idk-train', 'facqa-train'):
        records = json.load(open(f'{CACHE}/{n}-hn.texts.json'))
        D[n + '-hn'] = (None, data_seqs(f'{n}-hn')); Y[n + '-hn'] = np.array([r['label'] for r in records], float)
        HN[n] = [r['qi'] for r in records]
_meta, W = e5w.weights()
layers = nn.ModuleList([model.Layer(W, l) for l in range(args.K, 12)])
head = nn.Linear(384, 1); nn.init.zeros_(head.weight); nn.init.zeros_(head.bias)
def half(name, i, n):  # same blocks as embedding_head._folds (10 contiguous), halves by block
    return 'A' if (i * 10) // n < 5 else 'B'
train, held = [], []
for name in ('idk-train', 'facqa-train'):
    rows, seqs = D[name]; n = len(rows.x)
    for i in seqs:
        (held if half(name, i, n) == args.hold else train).append((name, i))
    train += [(name + '-hn', j) for j, qi in enumerate(HN.get(name, ())) if half(name, qi, n) != args.hold]
def batch(items):
    T = max(len(D[n][1][i]) for n, i in items)
    x = torch.zeros(len(items), T, 384); m = torch.zeros(len(items), T, dtype=torch.bool)
    y = torch.tensor([Y[n][i] if n in Y else 0.0 for n, i in items])  # valid rows: labels unused
    for k, (n, i) in enumerate(items):
        s = D[n][1][i]; x[k, :len(s)] = torch.from_numpy(s.astype(np.float32)); m[k, :len(s)] = True
    return x, m, y
def score(x, m):
    for L in layers: x = L(x, m)
    v = model.pool(x, m); v = v / v.norm(dim=1, keepdim=True)
    return head(v * 20.0)[:, 0]
opt = torch.optim.AdamW([{'params': layers.parameters(), 'lr': args.lr}, {'params': head.parameters(), 'lr': 1e-3}], weight_decay=0.01)
steps = int(args.epochs * len(train) / args.bs); sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr, 1e-3], total_steps=steps, pct_start=0.1)
def predict(items):
    layers.eval()
    with torch.no_grad():
        order = sorted(range(len(items)), key=lambda k: len(D[items[k][0]][1][items[k][1]]))
        res = np.zeros(len(items))
        for s in range(0, len(order), 64):
            b = order[s:s+64]; x, m, _ = batch([items[k] for k in b]); res[b] = score(x, m).numpy()
    layers.train()
    return res
def report(step):
    items = [('idk-valid', i) for i in D['idk-valid'][1]]
    p = predict(items); rows = D['idk-valid'][0]; keep = keep_of(rows, solo)
    full = np.full(len(rows.x), np.nan); full[[i for _, i in items]] = p
    k = keep & ~np.isnan(full)
    print(f'step {step}: idk-valid AUC kept {_auc(full[k], rows.unanswerable[k]):.4f} (n={k.sum()})', flush=True)
    return full
t0 = time.time(); step = 0
rng = np.random.default_rng(0)
while step < steps:
    perm = rng.permutation(len(train))
    for s in range(0, len(perm) - args.bs + 1, args.bs):
        if step >= steps: break
        x, m, y = batch([train[k] for k in perm[s:s+args.bs]])
        loss = nn.functional.binary_cross_entropy_with_logits(score(x, m), y)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step(); step += 1
        if step % 100 == 0: print(f'step {step}/{steps} loss {loss.item():.3f} {time.time()-t0:.0f}s', flush=True)
        if step % 400 == 0: report(step)
full = report(step)
out = {'idk-valid': full}
for name in ('facqa-valid',):
    items = [(name, i) for i in D[name][1]]; p = predict(items); f = np.full(len(D[name][0].x), np.nan); f[[i for _, i in items]] = p; out[name] = f
if held:
    p = predict(held)
    for name in ('idk-train', 'facqa-train'):
        f = np.full(len(D[name][0].x), np.nan)
        sel = [k for k, (n, _) in enumerate(held) if n == name]
        f[[held[k][1] for k in sel]] = p[sel]; out[name] = f
for k, v in out.items(): np.save(f'{CACHE}/pred.{args.tag}.{k}.npy', v)
if args.save: torch.save({'layers': layers.state_dict(), 'head': head.state_dict()}, args.save)
print('done', time.time() - t0)

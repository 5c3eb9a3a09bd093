import os, sys, numpy as np
CACHE = os.environ.get('KUTIP_READER_CACHE', '/tmp/emb')
from pathlib import Path
from benchmarks.abstention import choose_threshold, keep_of, outcome, _fmt
from benchmarks.embedding_abstention import load, ALONE, _auc
from benchmarks.embedding_head import _trees, _folds, FOLDS
from retrieval.abstention import Abstention, Signals
tag_oof, tag_full = sys.argv[1], sys.argv[2]   # oof tag prefix (A/B halves merged), full tag
solo = tuple(ALONE.split(','))
data = {n: load(n, Path(CACHE))[0] for n in ('idk-train', 'facqa-train', 'idk-valid', 'facqa-valid')}
reader = {}
for n in ('idk-train', 'facqa-train'):
    a = np.load(f'{CACHE}/pred.{tag_oof}A.{n}.npy'); b = np.load(f'{CACHE}/pred.{tag_oof}B.{n}.npy')
    reader[n] = np.where(np.isnan(a), b, a)
for n in ('idk-valid', 'facqa-valid'):
    reader[n] = np.load(f'{CACHE}/pred.{tag_full}.{n}.npy')
idk, facqa = data['idk-train'], data['facqa-train']
keep = {'idk': keep_of(idk, solo), 'facqa': keep_of(facqa, solo)}
k = keep['idk'] & ~np.isnan(reader['idk-train'])
print('reader alone AUC idk-train oof', round(_auc(reader['idk-train'][k], idk.unanswerable[k]), 4))
v = data['idk-valid']; kv = keep_of(v, solo) & ~np.isnan(reader['idk-valid'])
print('reader alone AUC idk-valid', round(_auc(reader['idk-valid'][kv], v.unanswerable[kv]), 4))
y = np.concatenate([idk.unanswerable[keep['idk']], facqa.unanswerable[keep['facqa']]]).astype(float)
fold = {'idk': _folds(idk), 'facqa': _folds(facqa)}
row_fold = np.concatenate([fold['idk'][keep['idk']], fold['facqa'][keep['facqa']]])
names = Signals.names_()
stub = Abstention(names, tuple(0.0 for _ in names), 0.0, 1.0, solo)
variants = {'signals': lambda n: data[n].x, '+reader': lambda n: np.hstack([data[n].x, reader[n][:, None]])}
for label, columns in variants.items():
    xi, xf = columns('idk-train'), columns('facqa-train')
    x = np.vstack([xi[keep['idk']], xf[keep['facqa']]])
    oof = {'idk': np.zeros(len(idk.x)), 'facqa': np.zeros(len(facqa.x))}
    for f in range(FOLDS):
        booster = _trees(x[row_fold != f], y[row_fold != f], 300)
        oof['idk'][fold['idk'] == f] = booster.predict(np.nan_to_num(xi[fold['idk'] == f]))
        oof['facqa'][fold['facqa'] == f] = booster.predict(np.nan_to_num(xf[fold['facqa'] == f]))
    booster = _trees(x, y, 300)
    print(f"{label}: trees oof AUC {_auc(oof['idk'][keep['idk']], idk.unanswerable[keep['idk']]):.4f}")
    for budget in (0.001, 0.003, 0.01, 0.02):
        thr = choose_threshold(stub, idk, facqa, budget=budget, facqa_lost=2, given=(oof['idk'], oof['facqa']))
        line = f'  budget {budget:.3f} thr {thr:.4f}: train oof ' + _fmt(outcome(idk, stub, p=oof['idk'], threshold=thr))
        for n in ('idk-valid', 'facqa-valid'):
            p = booster.predict(np.nan_to_num(columns(n)))
            line += f' | {n} ' + _fmt(outcome(data[n], stub, p=p, threshold=thr))
        print(line, flush=True)

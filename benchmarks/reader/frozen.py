"""See benchmarks/reader/__init__.py."""
import os, sys, json, time, torch, numpy as np
CACHE = os.environ.get('KUTIP_READER_CACHE', '/tmp/emb')
from benchmarks.reader import weights as e5w, model
from benchmarks.embedding_head import joint_text
K = int(sys.argv[1]); MAXT = 256
torch.set_num_threads(2)
_meta, W = e5w.weights()
emb = model.Embed(W); layers = [model.Layer(W, l) for l in range(K)]
tok = e5w.Tok()
for name in sys.argv[2:]:
    recs = json.load(open(f'{CACHE}/{name}.texts.json'))
    idx = [i for i, r in enumerate(recs) if r is not None]
    seqs = []
    for i in idx:
        r = recs[i]
        ids = tok(joint_text(r), True)[: MAXT - 2]
        seqs.append([tok.bos] + ids + [tok.eos])
    order = np.argsort([len(s) for s in seqs])
    out = [None] * len(seqs)
    t0 = time.time()
    with torch.no_grad():
        for s in range(0, len(order), 32):
            b = order[s:s+32]; T = max(len(seqs[j]) for j in b)
            ids = torch.zeros(len(b), T, dtype=torch.long); mask = torch.zeros(len(b), T, dtype=torch.bool)
            for n, j in enumerate(b):
                ids[n, :len(seqs[j])] = torch.tensor(seqs[j]); mask[n, :len(seqs[j])] = True
            x = emb(ids)
            for L in layers: x = L(x, mask)
            for n, j in enumerate(b):
                out[j] = x[n, :len(seqs[j])].to(torch.float16).numpy()
    lens = np.array([len(s) for s in seqs])
    np.save(f'{CACHE}/{name}.h{K}.npy', np.concatenate(out), allow_pickle=False)
    np.save(f'{CACHE}/{name}.h{K}.idx.npy', np.array(idx), allow_pickle=False)
    np.save(f'{CACHE}/{name}.h{K}.len.npy', lens, allow_pickle=False)
    print(name, len(seqs), 'tokens mean', lens.mean(), 'max', lens.max(), 'trunc', (lens >= MAXT).sum(), f'{time.time()-t0:.0f}s', flush=True)

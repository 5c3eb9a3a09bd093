import torch, torch.nn as nn, torch.nn.functional as F

class Layer(nn.Module):
    def __init__(self, W, l, H=384, NH=12, eps=1e-12):
        super().__init__()
        self.NH, self.eps = NH, eps
        def lin(name, nout, nin):
            m = nn.Linear(nin, nout)
            m.weight.data = torch.from_numpy(W[f'l{l}.{name}.w'].reshape(nout, nin).copy())
            m.bias.data = torch.from_numpy(W[f'l{l}.{name}.b'].copy())
            return m
        self.q, self.k, self.v, self.ao = (lin(n, H, H) for n in ('q', 'k', 'v', 'ao'))
        self.fi, self.fo = lin('fi', 1536, H), lin('fo', H, 1536)
        self.aln = nn.LayerNorm(H, eps=eps); self.oln = nn.LayerNorm(H, eps=eps)
        self.aln.weight.data = torch.from_numpy(W[f'l{l}.aln.w'].copy()); self.aln.bias.data = torch.from_numpy(W[f'l{l}.aln.b'].copy())
        self.oln.weight.data = torch.from_numpy(W[f'l{l}.oln.w'].copy()); self.oln.bias.data = torch.from_numpy(W[f'l{l}.oln.b'].copy())
    def forward(self, x, mask):  # x (B,T,H), mask (B,T) bool
        B, T, H = x.shape
        hd = H // self.NH
        def heads(t): return t.view(B, T, self.NH, hd).transpose(1, 2)
        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        att = F.scaled_dot_product_attention(q, k, v, attn_mask=mask[:, None, None, :])
        ctx = att.transpose(1, 2).reshape(B, T, H)
        x = self.aln(x + self.ao(ctx))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))

class Embed(nn.Module):
    def __init__(self, W, eps=1e-12):
        super().__init__()
        self.word = torch.from_numpy(W['emb.word'])
        self.pos = torch.from_numpy(W['emb.pos'].reshape(512, 384))
        self.type = torch.from_numpy(W['emb.type'].reshape(2, 384)[0])
        self.ln = nn.LayerNorm(384, eps=eps)
        self.ln.weight.data = torch.from_numpy(W['emb.ln.w'].copy()); self.ln.bias.data = torch.from_numpy(W['emb.ln.b'].copy())
    def forward(self, ids):
        T = ids.shape[1]
        return self.ln(self.word[ids] + self.pos[:T][None] + self.type)

def pool(x, mask):
    m = mask.float()[..., None]
    return (x * m).sum(1) / m.sum(1)
